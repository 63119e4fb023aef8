"""Who hears about a referral or an invoice, in their language, once the change commits."""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.models import Role, User
from core.notify import notify
from core.timezones import zone_of

TEMPLATE = "pale/email/notice.txt"


def zone(referral):
    return zone_of(referral.consulate)


def officers(consulate_id):
    return User.objects.filter(memberships__role=Role.CONSULATE_OFFICER,
                               memberships__consulate=consulate_id, is_active=True).distinct()


def finance(consulate_id):
    return User.objects.filter(
        Q(memberships__consulate=consulate_id) | Q(memberships__consulate=None),
        memberships__role=Role.FINANCE_APPROVER, is_active=True).distinct()


def advisor_staff(partner_id):
    return User.objects.filter(memberships__role=Role.PARTNER_STAFF,
                               memberships__partner=partner_id, is_active=True).distinct()


def _send(users, subject, message, path, comment=""):
    notify(users=list(users), subject=subject, template_name=TEMPLATE,
           context={"message": message, "path": path, "comment": comment})


def _referral_path(referral):
    return reverse("pale:referral_detail", args=[referral.pk])


def referral_sent(referral):
    _send(advisor_staff(referral.advisor_id),
          _("New referral %(number)s") % {"number": referral.number},
          _("The consulate referred a person to your organization. Please accept or decline "
            "the referral %(number)s before %(due)s.")
          % {"number": referral.number, "due": date_format(
              referral.respond_by.astimezone(zone(referral)), "SHORT_DATETIME_FORMAT")},
          _referral_path(referral))


def referral_answered(referral):
    _send(officers(referral.consulate_id),
          _("Referral %(number)s was accepted") % {"number": referral.number},
          _("%(advisor)s accepted the referral %(number)s.")
          % {"advisor": referral.advisor.name, "number": referral.number},
          _referral_path(referral))


def referral_needs_officer(referral):
    if referral.state == "declined":
        message = _("%(advisor)s declined the referral %(number)s. You can refer the person "
                    "to another advisor.")
    else:
        message = _("%(advisor)s has not answered the referral %(number)s in time. You can "
                    "refer the person to another advisor.")
    _send(officers(referral.consulate_id),
          _("Referral %(number)s needs you") % {"number": referral.number},
          message % {"advisor": referral.advisor.name, "number": referral.number},
          _referral_path(referral), referral.decline_reason)


def milestone_recorded(milestone):
    referral = milestone.referral
    _send(officers(referral.consulate_id),
          _("Referral %(number)s: %(milestone)s")
          % {"number": referral.number, "milestone": milestone.get_kind_display()},
          _("%(advisor)s recorded “%(milestone)s” (%(result)s) for the referral %(number)s.")
          % {"advisor": referral.advisor.name, "milestone": milestone.get_kind_display(),
             "result": milestone.get_result_display(), "number": referral.number},
          _referral_path(referral))


def invoice_event(invoice, users, subject, message, comment=""):
    _send(users, subject % {"number": invoice.number},
          message % {"number": invoice.number, "advisor": invoice.contract.advisor.name,
                     "amount": f"{invoice.amount.currency} {invoice.amount.amount:,.2f}"},
          reverse("pale:invoice_detail", args=[invoice.pk]), comment)
