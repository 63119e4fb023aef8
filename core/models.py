import hashlib
import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import (
    format_a_number,
    normalize_a_number,
    normalize_curp,
    normalize_ein,
    normalize_name,
    phone_digits,
)


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="es"
    )
    # Moves on every change of the user's memberships (core.access_version): a session keeps
    # what it derived from them (the time zone) only while this is unchanged.
    access_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class ConsulateTimeZone(models.TextChoices):
    """The zones the network's offices keep; Arizona keeps Mountain time without daylight saving."""

    EASTERN = "America/New_York", _("Eastern")
    CENTRAL = "America/Chicago", _("Central")
    MOUNTAIN = "America/Denver", _("Mountain")
    MOUNTAIN_NO_DST = "America/Phoenix", _("Mountain, without daylight saving (Arizona)")
    PACIFIC = "America/Los_Angeles", _("Pacific")
    ALASKA = "America/Anchorage", _("Alaska")
    ATLANTIC = "America/Puerto_Rico", _("Atlantic (San Juan)")


class Consulate(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=120)
    city = models.CharField(_("city"), max_length=80)
    state = models.CharField(_("state"), max_length=2)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=40, choices=ConsulateTimeZone.choices,
        default=ConsulateTimeZone.CENTRAL,
        help_text=_("Dates, deadlines and reminder hours of this consulate's cases use this zone."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("consulate")
        verbose_name_plural = _("consulates")

    def __str__(self):
        return f"{self.name} ({self.code})"


class AdvisorKind(models.TextChoices):
    LAW_FIRM = "law_firm", _("Law firm")
    CLINIC = "clinic", _("Legal clinic or non-profit")
    UNIVERSITY = "university", _("University law clinic")


class PartnerOrganization(models.Model):
    name = models.CharField(_("name"), max_length=160)
    ein = models.CharField(_("EIN"), max_length=10, unique=True)
    is_501c3 = models.BooleanField(_("501(c)(3) organization"), default=True)
    obligor_eligible = models.BooleanField(
        _("may act as bond obligor"),
        default=True,
        help_text=_("ICE accepts non-profits with their IRS letter and EIN as obligors."),
    )
    consulates = models.ManyToManyField(
        Consulate, related_name="partners", blank=True, verbose_name=_("consulates served")
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    stripe_account_id = models.CharField(_("Stripe account"), max_length=64, blank=True)
    # Blank: not an external legal advisor (PALE) of the network.
    legal_advisor_kind = models.CharField(
        _("external legal advisor"), max_length=16, choices=AdvisorKind.choices, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organization")
        verbose_name_plural = _("partner organizations")

    def __str__(self):
        return self.name

    def clean(self):
        self.ein = normalize_ein(self.ein)


class Role(models.TextChoices):
    CONSULATE_OFFICER = "consulate_officer", _("Consulate officer")
    FINANCE_APPROVER = "finance_approver", _("Finance approver")
    PARTNER_STAFF = "partner_staff", _("Partner staff")
    PROGRAM_ADMIN = "program_admin", _("Program administrator")
    AUDITOR = "auditor", _("Auditor")


class Membership(models.Model):
    """A user's role in one consulate or one partner; without either, headquarters-wide."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    consulate = models.ForeignKey(
        Consulate, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    partner = models.ForeignKey(
        PartnerOrganization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_partner_iff_partner_staff",
                condition=(
                    Q(role="partner_staff", partner__isnull=False, consulate__isnull=True)
                    | (~Q(role="partner_staff") & Q(partner__isnull=True))
                ),
            ),
            models.CheckConstraint(
                name="membership_officer_has_consulate",
                condition=~Q(role="consulate_officer") | Q(consulate__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "consulate", "partner"], name="membership_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        where = self.consulate or self.partner or _("headquarters")
        return f"{self.user} · {self.get_role_display()} · {where}"


class PreferredLanguage(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    NAHUATL = "nah", _("Nahuatl")
    MAYA = "yua", _("Yucatec Maya")
    MIXTEC = "mix", _("Mixtec")
    ZAPOTEC = "zap", _("Zapotec")
    TZOTZIL = "tzo", _("Tzotzil")
    TZELTAL = "tzh", _("Tzeltal")
    OTOMI = "oto", _("Otomi")
    MAZAHUA = "maz", _("Mazahua")
    TRIQUI = "trs", _("Triqui")
    PUREPECHA = "tsz", _("Purepecha")
    OTHER = "other", _("Other")


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class MessagingContact(models.Model):
    """How a person agreed to be reached; the outbox reads it and never sends without it."""

    message_channel = models.CharField(
        _("messages by"), max_length=10, choices=MessageChannel.choices, blank=True
    )
    mobile_number = models.CharField(
        _("mobile number for SMS or WhatsApp"), max_length=16, blank=True,
        validators=[RegexValidator(
            r"^\+[1-9]\d{7,14}$",
            _("Write the number with its country code, e.g. +13125550123."))],
    )
    message_consent = models.BooleanField(_("agrees to receive messages"), default=False)
    messages_opted_out_at = models.DateTimeField(
        _("asked to stop messages on"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    NON_BINARY = "X", _("Non-binary")


class BeneficiaryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(merged_into__isnull=True)


class Beneficiary(MessagingContact):
    """A Mexican national the consular network assists."""

    reference = models.CharField(_("case reference"), max_length=20, unique=True, editable=False)
    given_names = models.CharField(_("given names"), max_length=120)
    family_names = models.CharField(_("family names"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    country_of_birth = models.CharField(_("country of birth"), max_length=2, default="MX")
    a_number = models.CharField(_("A-number"), max_length=9, blank=True)
    curp = models.CharField(_("CURP"), max_length=18, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.SPANISH,
    )
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    consulate = models.ForeignKey(
        Consulate,
        on_delete=models.PROTECT,
        related_name="beneficiaries",
        verbose_name=_("consulate of record"),
    )
    consents_to_family_lookup = models.BooleanField(
        _("consents to family status lookup"), default=False
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )
    # Kept by save() (and by bulk paths through refresh_search_fields): the names without
    # accents, case or punctuation, and the phone's last ten digits. PostgreSQL indexes
    # search_text with trigrams (see core's beneficiary_search migration).
    search_text = models.CharField(max_length=250, blank=True, editable=False)
    phone_digits = models.CharField(max_length=10, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        ordering = ["family_names", "given_names"]
        verbose_name = _("beneficiary")
        verbose_name_plural = _("beneficiaries")
        default_permissions = ("add", "change", "delete", "view", "import", "export")
        indexes = [
            models.Index(fields=["consulate", "family_names"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["family_names", "given_names", "id"],
                         name="beneficiary_name_idx"),
            models.Index(fields=["created_at"], name="beneficiary_created_idx"),
            models.Index(fields=["phone_digits"], name="beneficiary_phone_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["a_number"],
                condition=~Q(a_number="") & Q(merged_into__isnull=True),
                name="beneficiary_unique_a_number",
            ),
            models.UniqueConstraint(
                fields=["curp"],
                condition=~Q(curp="") & Q(merged_into__isnull=True),
                name="beneficiary_unique_curp",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.SEARCH_SOURCES.intersection(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text", "phone_digits"}
        super().save(*args, **kwargs)

    @property
    def full_name(self):
        return f"{self.given_names} {self.family_names}"

    SEARCH_SOURCES = frozenset({"given_names", "family_names", "phone"})

    def refresh_search_fields(self):
        self.search_text = normalize_name(self.full_name)[:250]
        self.phone_digits = phone_digits(self.phone)

    @property
    def a_number_display(self):
        return format_a_number(self.a_number)

    def clean(self):
        if self.a_number:
            self.a_number = normalize_a_number(self.a_number)
        if self.curp:
            self.curp = normalize_curp(self.curp)
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})


class FamilyContact(MessagingContact):
    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="family_contacts"
    )
    name = models.CharField(_("name"), max_length=160)
    relationship = models.CharField(_("relationship"), max_length=60)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=PreferredLanguage.choices,
        default=PreferredLanguage.SPANISH,
    )

    class Meta:
        verbose_name = _("family contact")
        verbose_name_plural = _("family contacts")

    def __str__(self):
        return f"{self.name} ({self.relationship})"


class ReferenceSequence(models.Model):
    """The last case number given per consulate and year (CHI-2026-000123)."""

    consulate = models.ForeignKey(Consulate, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consulate", "year"], name="reference_seq_unique")
        ]

    def __str__(self):
        return f"{self.consulate_id}/{self.year}: {self.last}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only.")

    def delete(self):
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where; each row chains the previous hash."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    consulate = models.ForeignKey(
        Consulate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        PartnerOrganization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "id"]),
            models.Index(fields=["action", "id"], name="auditevent_action_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only.")

    def compute_hash(self):
        payload = json.dumps(
            {
                "prev": self.prev_hash,
                "at": self.created_at.isoformat(),
                "actor": self.actor_id,
                "action": self.action,
                "object": [self.object_type, str(self.object_id)],
                "changes": self.changes,
                "comment": self.comment,
                "ip": self.ip,
                "consulate": self.consulate_id,
                "partner": self.partner_id,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()


class AuditChainHead(models.Model):
    """A single row locked by every audit write, so the hash chain never forks."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return self.last_hash


from core.models_auth import PasswordResetRequest  # noqa: E402,F401
from core.models_documents import IssuedDocument  # noqa: E402,F401
from core.models_imports import DocumentBatch, DocumentBatchFile, ImportJob  # noqa: E402,F401
from core.models_people import (  # noqa: E402,F401
    BeneficiaryMerge,
    DuplicateReview,
    PersonLocation,
    PersonService,
)
