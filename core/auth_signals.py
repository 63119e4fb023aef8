"""Sign-in and second-factor events: the session's start, and audit events for every device
enrolled or removed, every second factor passed and every one failed."""

import time

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_otp.forms import otp_verification_failed
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from two_factor.signals import user_verified

from core.audit import audit_record
from core.middleware import SESSION_SEEN, SESSION_STARTED
from core.request_context import current_user
from core.timezones import remember_zone

DEVICE_MODELS = (TOTPDevice, StaticDevice)


def _device_changes(device):
    return {"device": device.persistent_id, "kind": device._meta.model_name,
            "name": device.name}


def _record(*, actor, action, user, changes=None):
    with transaction.atomic():
        audit_record(actor=actor, action=action, obj=user, changes=changes,
                     object_type="core.user", object_id=user.pk)


def session_started(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
        user.refresh_from_db(fields=["access_version"])  # the version later requests load
        remember_zone(request.session, user)


def device_saved(sender, instance, created, **kwargs):
    if created and not kwargs.get("raw"):
        _record(actor=current_user() or instance.user, action="auth.device_enrol",
                user=instance.user, changes=_device_changes(instance))


def device_deleted(sender, instance, **kwargs):
    _record(actor=current_user(), action="auth.device_remove", user=instance.user,
            changes=_device_changes(instance))


def second_factor_passed(sender, request, user, device, **kwargs):
    _record(actor=user, action="auth.second_factor_pass", user=user,
            changes=_device_changes(device) if device is not None else {})


def second_factor_failed(sender, user, **kwargs):
    if user is not None and getattr(user, "pk", None):
        _record(actor=None, action="auth.second_factor_fail", user=user)


def connect():
    user_logged_in.connect(session_started, dispatch_uid="fianza.session_started")
    for model in DEVICE_MODELS:
        post_save.connect(device_saved, sender=model, dispatch_uid=f"fianza.enrol.{model}")
        post_delete.connect(device_deleted, sender=model, dispatch_uid=f"fianza.remove.{model}")
    user_verified.connect(second_factor_passed, dispatch_uid="fianza.second_factor_pass")
    otp_verification_failed.connect(second_factor_failed,
                                    dispatch_uid="fianza.second_factor_fail")
