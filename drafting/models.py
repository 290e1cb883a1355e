"""The EHC plan of a case: its versions (drafts, the final plan, amended plans), sections A to K as structured
content with provenance, what the family said about the draft and the council's answers, the placement
consultations, sign-off, and the record of the plan's issue that finance and the SEN2 return read.

Shaped for its readers: each section is a row with its own version counter (two editors on different sections never
collide; two on the same one are stopped), the quality findings and grade are cached on the version they describe
(the plan page and the council's quality report read them without re-running the checks), and `IssueRecord` keeps
the decided band and the actual cost beside the RAS suggestion, the personal budget parts and the ranked SEN2 need
types, so the return is a query.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Reg 12's sections, in the order the plan shows them.
SECTIONS = ("A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K")
SECTION_TITLES = {
    "A": _("The views, interests and aspirations of the child and their family"),
    "B": _("Special educational needs"),
    "C": _("Health needs related to special educational needs"),
    "D": _("Social care needs related to special educational needs or disability"),
    "E": _("Outcomes"),
    "F": _("Special educational provision"),
    "G": _("Health provision"),
    "H1": _("Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970"),
    "H2": _("Other social care provision"),
    "I": _("Placement"),
    "J": _("Personal budget"),
    "K": _("Advice and information"),
}
SECTION_CHOICES = [(code, code) for code in SECTIONS]


class Plan(models.Model):
    """One case's EHC plan across its life: every draft, the final plan and later amended plans."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="plan")
    # Copied from the case so the council's quality report reads one table.
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Plan for {self.case_id}"


class PlanVersion(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("Draft plan")
        FINAL = "final", _("Final plan")
        AMENDED = "amended", _("Amended plan")

    class Status(models.TextChoices):
        EDITING = "editing", _("Being written")
        SENT = "sent", _("With the family for comments")
        SIGNED_OFF = "signed_off", _("Signed off")
        ISSUED = "issued", _("Issued")
        SUPERSEDED = "superseded", _("Replaced by a later version")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DRAFT)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.EDITING)
    # What it was made from: the assembly inputs' fingerprint (same inputs, no new version) and the version before.
    inputs_fingerprint = models.CharField(max_length=64, blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    # What changed since the previous version, as `drafting.diffing` summarises it, for the page that shows it.
    changes = models.JSONField(default=list, blank=True)
    # The quality checks' findings and grade for the content as last saved (drafting.quality), cached.
    findings = models.JSONField(default=list, blank=True)
    grade = models.CharField(max_length=30, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    error_count = models.PositiveSmallIntegerField(default=0)
    flag_count = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Serving the draft (reg 13(1)) and issuing (reg 13(2)).
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_number_per_plan_version"),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_on__isnull=False), name="issued_plan_has_issued_on"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_on__isnull=False), name="sent_draft_has_sent_on"
            ),
        ]
        indexes = [models.Index(fields=["plan", "-number"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} of {self.plan_id}"

    @property
    def is_final(self) -> bool:
        return self.kind != self.Kind.DRAFT and self.status == self.Status.ISSUED

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.EDITING


class PlanSection(models.Model):
    """One section of one version, as `drafting.content` writes it to JSON, with its own counter for the
    optimistic check (a save names the counter it started from; someone else's save in between is refused)."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="sections")
    code = models.CharField(max_length=2, choices=SECTION_CHOICES)
    content = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan_version", "code"], name="one_section_per_plan_version")
        ]

    def __str__(self) -> str:
        return f"Section {self.code} of {self.plan_version_id}"


class OverrideReason(models.Model):
    """Why a draft went to the family although the checks still found errors: kept with the errors as they were."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="overrides")
    reason = models.TextField()
    errors = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Override on {self.plan_version_id}: {self.reason[:40]}"


class FamilyComment(models.Model):
    """What the family said about one section (or one item) of a draft: saved as they go, then sent."""

    class Route(models.TextChoices):
        PORTAL = "portal", _("Online")
        API = "api", _("Another system")
        LETTER = "letter", _("By letter or email, recorded by the council")

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="comments")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=2, choices=SECTION_CHOICES)
    item_key = models.CharField(max_length=80, blank=True)
    text = models.TextField(_("comment"), blank=True)
    evidence = models.ForeignKey(
        "cases.CaseDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Section I: the school or college the family ask to be named (reg 13(1)(b), s38(2)(b)) and why.
    school_wanted = models.CharField(_("school or college you would like named"), max_length=200, blank=True)
    school_reason = models.TextField(_("why this school or college"), blank=True)
    wants_meeting = models.BooleanField(_("would like a meeting"), default=False)
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.PORTAL)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_version", "created_at", "id"]
        indexes = [models.Index(fields=["plan_version", "sent_at"])]

    def __str__(self) -> str:
        return f"Comment on {self.section} of {self.plan_version_id}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class CommentAnswer(models.Model):
    class Outcome(models.TextChoices):
        AGREED = "agreed", _("Agreed and changed")
        NOT_AGREED = "not_agreed", _("Not agreed")

    comment = models.OneToOneField(FamilyComment, on_delete=models.PROTECT, related_name="answer")
    outcome = models.CharField(_("answer"), max_length=12, choices=Outcome.choices)
    # Shown to the family: what was changed, or why not.
    reason = models.TextField(_("what we changed, or why not"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.comment_id})"


class SettingType(models.TextChoices):
    """SEN2's placement: a school or college with a URN/UKPRN, or a setting code where there is none."""

    SCHOOL = "school", _("A school or college (with a URN or UKPRN)")
    OTHER_LA = "other_la", _("Other arrangements made by the council")
    PARENT = "parent", _("Arrangements made by the parent or young person")
    EHE = "ehe", _("Elective home education")
    EARLY_YEARS = "early_years", _("Early years provider")
    OTHER = "other", _("Other")
    NEET = "neet", _("Not in education, employment or training")
    NOT_IN_EDUCATION = "not_in_education", _("Not in education")


class PlacementConsultation(models.Model):
    """A school consulted about being named (s39): it has 15 days to reply."""

    class Response(models.TextChoices):
        WAITING = "waiting", _("Waiting for a reply")
        CAN_MEET = "can_meet", _("Can meet the needs and offers a place")
        CANNOT_MEET = "cannot_meet", _("Cannot meet the needs or has no place")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="consultations")
    school = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_name = models.CharField(_("school or college"), max_length=200)
    family_named = models.BooleanField(_("the family asked for this school"), default=False)
    sent_on = models.DateField(_("date sent"))
    reply_due_on = models.DateField()
    response = models.CharField(max_length=12, choices=Response.choices, default=Response.WAITING)
    response_text = models.TextField(_("what the school said"), blank=True)
    response_on = models.DateField(_("date of the reply"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.school_name} consulted on {self.sent_on}"


class NamedPlacement(models.Model):
    """The placement named in section I, in SEN2's terms (URN or setting code, rank, unit, resourced provision)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="placements")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="placements")
    school = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name of the school, college or setting"), max_length=200)
    setting_type = models.CharField(_("type of placement"), max_length=20, choices=SettingType.choices)
    urn = models.CharField(_("URN or UKPRN"), max_length=20, blank=True)
    rank = models.PositiveSmallIntegerField(default=1)
    sen_unit = models.BooleanField(_("in an SEN unit"), default=False)
    resourced_provision = models.BooleanField(_("in resourced provision"), default=False)
    consultation = models.ForeignKey(
        PlacementConsultation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    named_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    named_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "rank", "id"]

    def __str__(self) -> str:
        return self.name


class SignOffRule(models.Model):
    """A council's rule for who signs a plan off: this role may sign off up to this band and this yearly cost.

    Configuration with history, edited in the support admin. No band list means any band; no cost means any cost.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    bands = models.JSONField(_("bands this role may sign off (empty: any)"), default=list, blank=True)
    max_annual_cost = models.DecimalField(
        _("highest yearly cost this role may sign off (empty: any)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "max_annual_cost"]

    def __str__(self) -> str:
        return f"{self.role} up to {self.max_annual_cost or 'any cost'}"


class SignOff(models.Model):
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="sign_offs")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    band = models.CharField(max_length=20, blank=True)
    annual_cost = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    rule = models.ForeignKey(SignOffRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Signed off {self.plan_version_id} by {self.by_id}"


class IssueRecord(models.Model):
    """The final plan's issue: the decided band and the actual cost beside the RAS suggestion, the SEN2 items, and
    the hand-off finance exports."""

    plan_version = models.OneToOneField(PlanVersion, on_delete=models.PROTECT, related_name="issue")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    # Idealised (the RAS suggestion, then the band decided) against actual funding (what the placement costs).
    ras_points = models.PositiveIntegerField(null=True, blank=True)
    ras_band = models.CharField(max_length=20, blank=True)
    ras_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    decided_band = models.CharField(_("band decided"), max_length=20, blank=True)
    decided_amount = models.DecimalField(
        _("yearly top-up decided"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    actual_cost = models.DecimalField(
        _("actual yearly cost of the placement"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # SEN2 named plan: the personal budget parts, and the need types ranked (SPLD, MLD, ... OTH).
    budget_organised = models.BooleanField(_("personal budget: organised arrangements"), default=False)
    budget_direct_payments = models.BooleanField(_("personal budget: direct payments"), default=False)
    need_types = models.JSONField(_("SEN2 need types, ranked"), default=list, blank=True)
    placement = models.ForeignKey(
        NamedPlacement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    finance_exported_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["council", "issued_on"])]

    def __str__(self) -> str:
        return f"Issued {self.issued_on} ({self.plan_version_id})"


class PlanPdf(models.Model):
    """A version rendered to PDF and filed with the case (a later edit renders a new one; the old ones stay)."""

    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="pdfs")
    document = models.OneToOneField("cases.CaseDocument", on_delete=models.PROTECT, related_name="+")
    # The version's content counter it was rendered from: a PDF older than the content is re-rendered.
    content_stamp = models.CharField(max_length=64)
    rendered_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan_version", "-rendered_at"]

    def __str__(self) -> str:
        return f"PDF of {self.plan_version_id}"
