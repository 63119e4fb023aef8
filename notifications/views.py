from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from core.paging import keyset_page
from notifications import selectors, services
from notifications.models import Status

PAGE_SIZE = 50
# Twilio's standard opt-out words, plus the Spanish ones families write.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "BAJA",
              "PARAR", "CANCELAR"}
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@login_required
def problem_list(request):
    status = request.GET.get("status", "")
    rows = selectors.problems_visible_to(request.user, status=status)
    page = keyset_page(rows, request.GET, per_page=PAGE_SIZE)
    return render(request, "notifications/problem_list.html", {
        "page": page, "status": status, "query": f"status={status}" if status else "",
        "statuses": [(Status.FAILED, Status.FAILED.label), (Status.SKIPPED, Status.SKIPPED.label)],
    })


@login_required
@require_POST
def notification_retry(request, pk):
    row = services.notification_retry(actor=request.user, notification_id=pk,
                                      comment=request.POST.get("comment", "")[:500])
    messages.success(request, _("The message to %(address)s is queued to be sent again.")
                     % {"address": row.address or row.recipient_user or _("the recipient")})
    return redirect("notifications:problem_list")


def _twilio_signed(request) -> bool:
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    return bool(settings.TWILIO_AUTH_TOKEN) and validator.validate(
        request.build_absolute_uri(), request.POST.dict(),
        request.headers.get("X-Twilio-Signature", ""))


def _number(value: str) -> str:
    return value.removeprefix("whatsapp:").strip()


@csrf_exempt
@require_POST
def twilio_inbound(request):
    """A reply to one of our numbers; STOP (or its Spanish words) records the opt-out."""
    if not _twilio_signed(request):
        return HttpResponseForbidden()
    sender = request.POST.get("From", "")
    word = request.POST.get("Body", "").strip().upper()
    if word in STOP_WORDS or request.POST.get("OptOutType", "").upper() == "STOP":
        channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
        services.person_opt_out(channel=channel, address=_number(sender))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
@require_POST
def twilio_status(request, pk):
    """Twilio's later word on one message: undelivered or failed becomes visible."""
    if not _twilio_signed(request):
        return HttpResponseForbidden()
    services.notification_provider_status(
        notification_id=pk, provider_id=request.POST.get("MessageSid", ""),
        status=request.POST.get("MessageStatus", ""),
        error=request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)
