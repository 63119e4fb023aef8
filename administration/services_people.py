"""People and their roles: invitations, memberships, deactivation (re-exported by
administration.services, where views find them).

A membership brings its role's permissions (administration.roles); the last headquarters
program administrator can be neither removed nor deactivated.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from administration import selectors
from administration.invitations import invitation_deliver, invitation_for_token
from administration.models import Invitation
from administration.roles import user_role_groups_sync
from core.audit import audit_record
from core.models import Membership, Role

Status = Invitation.Status


def _where(membership):
    return {"role": membership.role, "consulate": membership.consulate_id,
            "partner": membership.partner_id}


def _membership_checked(*, actor, user, role, consulate, partner) -> Membership:
    """A membership the actor may give: the model's rules, then the actor's scope."""
    if role == Role.PARTNER_STAFF:
        if partner is None:
            raise ValidationError({"partner": _("Partner staff belong to a partner organization.")})
        consulate = None
    else:
        partner = None
        if role == Role.CONSULATE_OFFICER and consulate is None:
            raise ValidationError({"consulate": _("A consulate officer works at a consulate.")})
    headquarters = selectors.is_headquarters_administrator(actor)
    if partner is not None and not selectors.partners_administered_by(actor).filter(
            pk=partner.pk).exists():
        raise ValidationError({"partner": _("You may choose only partners you administer.")})
    if consulate is not None and not selectors.consulates_administered_by(actor).filter(
            pk=consulate.pk).exists():
        raise ValidationError({"consulate": _("You may choose only consulates you administer.")})
    if consulate is None and partner is None and not headquarters:
        raise ValidationError({"consulate": _("Only a headquarters administrator may give a "
                                              "role for all consulates.")})
    if Membership.objects.filter(user=user, role=role, consulate=consulate,
                                 partner=partner).exists():
        raise ValidationError(_("This person already has this role there."))
    return Membership(user=user, role=role, consulate=consulate, partner=partner)


def _membership_save(*, actor, membership, action, comment):
    membership.save()
    user_role_groups_sync(membership.user)
    audit_record(actor=actor, action=action, obj=membership, changes=_where(membership),
                 comment=comment, consulate_id=membership.consulate_id,
                 partner_id=membership.partner_id)


def _normalized_email(email):
    email = (email or "").strip()
    User = get_user_model()
    if User.objects.filter(email__iexact=email).exists() or \
            User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("A user with this e-mail address already exists.")})
    return email


def user_invite(*, actor, email: str, first_name: str, last_name: str, language: str,
                role: str, consulate=None, partner=None, link_base: str, comment: str = ""):
    """An inactive user with one role, and an invitation the queue sends."""
    selectors.administrator_scope(actor)
    with transaction.atomic():
        email = _normalized_email(email)
        user = get_user_model()(username=email.lower(), email=email, first_name=first_name,
                                last_name=last_name, language=language, is_active=False)
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        membership = _membership_checked(actor=actor, user=user, role=role,
                                         consulate=consulate, partner=partner)
        audit_record(actor=actor, action="administration.user_invite", obj=user,
                     changes={"email": email, "language": language, **_where(membership)},
                     comment=comment, consulate_id=membership.consulate_id,
                     partner_id=membership.partner_id)
        _membership_save(actor=actor, membership=membership,
                         action="administration.membership_add", comment=comment)
        _invitation_queue(actor=actor, user=user, link_base=link_base)
    return user


def _invitation_queue(*, actor, user, link_base):
    invitation = Invitation.objects.create(user=user, invited_by=actor, link_base=link_base,
                                           created_at=timezone.now())
    transaction.on_commit(lambda: invitation_deliver.delay(invitation.pk))
    return invitation


def invitation_resend(*, actor, user_id: int, link_base: str, comment: str = ""):
    """A new link for someone who has not accepted yet; earlier links stop working."""
    with transaction.atomic():
        user = _user_locked(actor, user_id)
        if user.is_active or user.has_usable_password():
            raise ValidationError(_("This person has already accepted an invitation."))
        Invitation.objects.filter(user=user, status__in=[Status.QUEUED, Status.SENT]).update(
            status=Status.SUPERSEDED)
        invitation = _invitation_queue(actor=actor, user=user, link_base=link_base)
        audit_record(actor=actor, action="administration.invitation_resend", obj=user,
                     changes={"invitation": invitation.pk}, comment=comment)
    return invitation


def invitation_accept(*, token: str, password: str):
    """The invitee's first password; the link then works no more. Returns the user."""
    found = invitation_for_token(token)
    now = timezone.now()
    with transaction.atomic():
        invitation = (Invitation.objects.select_for_update().select_related("user")
                      .filter(pk=getattr(found, "pk", None)).first())
        if invitation is None or not invitation.is_usable(now=now):
            raise ValidationError(_("This invitation link is not valid any more. Ask your "
                                    "program administrator for a new one."))
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.status, invitation.accepted_at = Status.ACCEPTED, now
        invitation.save(update_fields=["status", "accepted_at"])
        audit_record(actor=user, action="administration.invitation_accept", obj=user,
                     changes={"invitation": invitation.pk})
    return user


def _user_locked(actor, user_id):
    user = selectors.users_administered_by(actor).select_for_update().filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def membership_add(*, actor, user_id: int, role: str, consulate=None, partner=None,
                   comment: str = "") -> Membership:
    with transaction.atomic():
        user = _user_locked(actor, user_id)
        membership = _membership_checked(actor=actor, user=user, role=role,
                                         consulate=consulate, partner=partner)
        _membership_save(actor=actor, membership=membership,
                         action="administration.membership_add", comment=comment)
    return membership


def _leaves_no_administrator(*, user_id=None, membership=None) -> bool:
    """True when deactivating this user or removing this membership would leave no active
    headquarters program administrator (the role's rows are locked first)."""
    rows = list(Membership.objects.select_for_update().filter(
        role=Role.PROGRAM_ADMIN, consulate__isnull=True, partner__isnull=True))
    affected = [m for m in rows if m.user_id == user_id or m.pk == getattr(membership, "pk", 0)]
    if not affected:
        return False
    others = {m.user_id for m in rows if m not in affected and m.user_id != user_id}
    return not get_user_model().objects.filter(pk__in=others, is_active=True).exists()


def membership_remove(*, actor, membership_id: int, comment: str):
    with transaction.atomic():
        membership = (selectors.memberships_administered_by(actor).select_for_update()
                      .select_related("user").filter(pk=membership_id).first())
        if membership is None:
            raise Http404
        if _leaves_no_administrator(membership=membership):
            raise ValidationError(_("The last program administrator cannot be removed."))
        audit_record(actor=actor, action="administration.membership_remove", obj=membership,
                     changes=_where(membership), comment=comment,
                     consulate_id=membership.consulate_id, partner_id=membership.partner_id)
        membership.delete()
        user_role_groups_sync(membership.user)
    return membership.user


def user_deactivate(*, actor, user_id: int, comment: str):
    with transaction.atomic():
        user = _user_locked(actor, user_id)
        if user.pk == actor.pk:
            raise ValidationError(_("You cannot deactivate yourself."))
        outside = Membership.objects.filter(user=user).exclude(
            pk__in=selectors.memberships_administered_by(actor).values("pk"))
        if outside.exists():
            raise ValidationError(_("This person also works where you do not administer; ask a "
                                    "headquarters program administrator."))
        if _leaves_no_administrator(user_id=user.pk):
            raise ValidationError(_("The last program administrator cannot be deactivated."))
        Invitation.objects.filter(user=user, status__in=[Status.QUEUED, Status.SENT]).update(
            status=Status.SUPERSEDED)
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record(actor=actor, action="administration.user_deactivate", obj=user,
                         changes={"is_active": [True, False]}, comment=comment)
    return user


def user_reactivate(*, actor, user_id: int, comment: str):
    with transaction.atomic():
        user = _user_locked(actor, user_id)
        if not user.has_usable_password():
            raise ValidationError(_("This person has not accepted the invitation yet: send a "
                                    "new invitation instead."))
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
            audit_record(actor=actor, action="administration.user_reactivate", obj=user,
                         changes={"is_active": [False, True]}, comment=comment)
    return user
