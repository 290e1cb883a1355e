import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from forms_ersa import sections


class Route(models.TextChoices):
    PARENT = sections.PARENT, _("Parent or carer")
    YOUNG_PERSON = sections.YOUNG_PERSON, _("Young person (16 to 25)")
    SCHOOL = sections.SCHOOL, _("School or setting")


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class RequestDraft(models.Model):
    """A request being filled in. Answers live here, saved on every page; the session only points at the row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=20, choices=Route.choices)
    email = models.EmailField(_("email address"))
    email_confirmed = models.BooleanField(default=False)
    # sha256 of the save-and-return token; the token itself is only ever in the email.
    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)
    # The school route: the SENCo's school, and the parent invited to see and add to the request.
    school = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parent_email = models.EmailField(_("parent's email address"), blank=True)
    # sha256 of the parent's own link token (a second key to the same draft); the token is only in the email.
    parent_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(max_length=10, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # True when the child already had an open case and this request was added to it.
    linked_to_existing = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    # A request sent whole through the API: the sender's Idempotency-Key, and a hash of the body it came with, so a
    # retry gets the first answer back instead of alerting the coordinator again.
    idempotency_key = models.CharField(max_length=100, blank=True, default="")
    request_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(case__isnull=False, submitted_at__isnull=False),
                name="ersa_submitted_has_case",
            ),
            models.UniqueConstraint(
                fields=["council", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="ersa_one_request_per_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.public_id} ({self.get_status_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_submitted(self) -> bool:
        return self.status == DraftStatus.SUBMITTED


def evidence_path(instance: "DraftEvidence", filename: str) -> str:
    return f"ersa/{instance.draft.public_id}/{timezone.now():%Y%m}/{filename}"


class DraftEvidence(models.Model):
    class Kind(models.TextChoices):
        SCHOOL_REPORT = "school_report", _("School report")
        SEN_SUPPORT_PLAN = "sen_support_plan", _("SEN support plan")
        EP_REPORT = "ep_report", _("Educational psychology report")
        MEDICAL = "medical", _("Medical letter or report")
        SOCIAL_CARE = "social_care", _("Social care report")
        CHILD_VIEWS = (
            "child_views",
            _("The child or young person's views (a drawing, a recording or writing)"),
        )
        OTHER = "other", _("Something else")

    draft = models.ForeignKey(RequestDraft, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    kind = models.CharField(_("type of document"), max_length=30, choices=Kind.choices)
    report_date = models.DateField(_("date of the report"), null=True, blank=True)
    old_reason = models.TextField(_("why an older report should be kept"), blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Removed by the person before sending: hidden, never deleted.
    removed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    def as_rule_input(self) -> sections.Evidence:
        return sections.Evidence(
            kind=self.kind, name=self.name, report_date=self.report_date, old_reason=self.old_reason
        )


def default_required_sections() -> list:
    return [section.key for section in sections.SECTIONS]


def default_share_agencies() -> list:
    return [dict(agency) for agency in sections.DEFAULT_SHARE_AGENCIES]


def default_required_evidence() -> dict:
    return {route: list(kinds) for route, kinds in sections.DEFAULT_REQUIRED_EVIDENCE.items()}


class AllocationRule(models.TextChoices):
    LIGHTEST = "lightest", _("Lightest open caseload")
    SCHOOL_PATCH = "school_patch", _("By school patch")


class FormSettings(models.Model):
    """What a council's request form requires. Without a row, `selectors.rules_for` gives the defaults."""

    council = models.OneToOneField(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="ersa_settings"
    )
    required_sections = models.JSONField(
        _("sections that must be complete"),
        default=default_required_sections,
        help_text=_("Section keys: child, family, needs, views, evidence, contact, parent_consent, consent"),
    )
    required_evidence = models.JSONField(
        _("evidence each route must include"),
        default=default_required_evidence,
        help_text=_(
            'Route to evidence kinds, e.g. {"parent": ["school_report"], "young_person": [], '
            '"school": ["sen_support_plan"]}'
        ),
    )
    share_agencies = models.JSONField(
        _("agencies the family is asked to agree to share with"),
        default=default_share_agencies,
        help_text=_(
            'A list of {"key": ..., "name": ...}, named as families know them, e.g. {"key": "health", "name": '
            '"Riverside NHS Foundation Trust (paediatrics and therapies)"}'
        ),
    )
    max_report_age_months = models.PositiveSmallIntegerField(_("oldest report accepted (months)"), default=12)
    contact_email = models.EmailField(_("contact email on the confirmation page"), blank=True)
    contact_phone = models.CharField(_("contact phone on the confirmation page"), max_length=40, blank=True)
    contact_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    allocation_rule = models.CharField(
        _("how new requests get a coordinator"),
        max_length=20,
        choices=AllocationRule.choices,
        default=AllocationRule.LIGHTEST,
    )
    school_patches = models.JSONField(
        _("coordinator for each school's patch"),
        default=dict,
        blank=True,
        help_text=_(
            'School organisation id to coordinator user id, e.g. {"12": 34}. Schools without one get the '
            "coordinator with the lightest caseload"
        ),
    )
    allocate_ep = models.BooleanField(
        _("also allocate an educational psychologist"),
        default=False,
        help_text=_(
            "Adds the educational psychologist with the lightest caseload to the team of each new request"
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "request form settings"
        verbose_name_plural = "request form settings"

    def __str__(self) -> str:
        return f"Request form settings for {self.council}"

    def clean(self) -> None:
        errors = {}
        known = set(sections.BY_KEY)
        if not isinstance(self.required_sections, list) or not set(self.required_sections) <= known:
            errors["required_sections"] = _("List section keys from: %(keys)s") % {
                "keys": ", ".join(sorted(known))
            }
        rules = self.required_evidence
        if not isinstance(rules, dict) or any(
            route not in sections.ROUTES
            or not isinstance(kinds, list)
            or not set(kinds) <= set(sections.EVIDENCE_KINDS)
            for route, kinds in rules.items()
        ):
            errors["required_evidence"] = _(
                "Map a route (%(routes)s) to a list of evidence kinds from: %(kinds)s"
            ) % {
                "routes": ", ".join(sections.ROUTES),
                "kinds": ", ".join(sections.EVIDENCE_KINDS),
            }
        agencies = self.share_agencies
        if (
            not isinstance(agencies, list)
            or not agencies
            or any(
                not isinstance(a, dict)
                or not str(a.get("key", "")).strip()
                or not str(a.get("name", "")).strip()
                for a in agencies
            )
            or len({a.get("key") for a in agencies if isinstance(a, dict)}) != len(agencies)
        ):
            errors["share_agencies"] = _(
                'List at least one agency as {"key": "health", "name": "NHS health services"}, each key once'
            )
        patches = self.school_patches
        if not isinstance(patches, dict) or any(
            not str(school).isdigit() or not str(user).isdigit() for school, user in patches.items()
        ):
            errors["school_patches"] = _(
                'Map school organisation ids to coordinator user ids, e.g. {"12": 34}'
            )
        if errors:
            raise ValidationError(errors)
