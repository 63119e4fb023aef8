from django import template

from obligations.summary import bond_summary

register = template.Library()


@register.inclusion_tag("obligations/_bond_summary_body.html", takes_context=True)
def bond_obligations_summary(context, bond):
    """The bond's hearings, risk, refund, appeal and stay, for the bond's own page."""
    return bond_summary(context["request"].user, bond)
