from django import template

from monitoring.selectors import ALERT_READERS, alerts_visible_to, failing_checks_for

register = template.Library()


@register.inclusion_tag("monitoring/_home_panel.html", takes_context=True)
def monitoring_home_panel(context):
    """{% monitoring_home_panel %}: failing nightly checks and the count of open alerts."""
    user = context.get("user")
    scope = context.get("scope")
    reads_alerts = bool(scope and scope.has_role(*ALERT_READERS))
    return {"failing": failing_checks_for(user) if user else [],
            "open_alerts": alerts_visible_to(user).count() if reads_alerts else 0}
