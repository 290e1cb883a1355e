"""Subject access exports, the council's retention schedule, legal holds, disposals and what they destroyed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from records import schedule

RECORD_TYPE_CHOICES = [(kind.value, label) for kind, label in schedule.RECORD_TYPE_LABELS.items()]
BASIS_CHOICES = [(basis.value, label) for basis, label in schedule.BASIS_LABELS.items()]
METHOD_CHOICES = [(method.value, label) for method, label in schedule.METHOD_LABELS.items()]


def export_path(instance: "SubjectAccessExport", filename: str) -> str:
    return f"records/exports/{instance.council_id}/{filename}"


class SubjectAccessExport(models.Model):
    """One request to export everything held about a child: also the log of who asked, when, for which child."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be built")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be built")
        EXPIRED = "expired", _("Downloaded file removed")

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # The council's own reference for the request (its information governance log), as typed.
    request_reference = models.CharField(_("your reference for the request"), max_length=60, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=export_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    files_count = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["council", "-requested_at"])]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.get_status_display()})"


class RetentionRule(models.Model):
    """One line of a council's retention schedule: how long one kind of record is kept, and how it is disposed of."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(_("kind of record"), max_length=20, choices=RECORD_TYPE_CHOICES)
    basis = models.CharField(_("counted from"), max_length=10, choices=BASIS_CHOICES)
    years = models.PositiveSmallIntegerField(_("years"))
    method = models.CharField(_("disposal"), max_length=20, choices=METHOD_CHOICES)
    source = models.CharField(_("where the rule comes from"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "record_type"]
        constraints = [
            models.UniqueConstraint(fields=["council", "record_type"], name="one_rule_per_record_type"),
            models.CheckConstraint(
                condition=models.Q(years__gte=schedule.MIN_YEARS, years__lte=schedule.MAX_YEARS),
                name="retention_years_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} {self.get_basis_display()}"

    def as_rule(self) -> schedule.Rule:
        return schedule.Rule(
            schedule.RecordType(self.record_type),
            schedule.Basis(self.basis),
            self.years,
            schedule.Method(self.method),
            self.source,
        )


class LegalHold(models.Model):
    """A reason the law needs a case's records kept (a tribunal appeal, a complaint): nothing is disposed of."""

    class Kind(models.TextChoices):
        TRIBUNAL = "tribunal", _("SEND Tribunal appeal")
        COMPLAINT = "complaint", _("Complaint (council, Ombudsman)")
        CLAIM = "claim", _("Legal claim or court proceedings")
        INQUIRY = "inquiry", _("Inquiry or investigation")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("why it must be kept"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("details"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["case", "lifted_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} hold on case {self.case_id}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class Disposal(models.Model):
    """A child's record the sweep found due under the schedule, waiting for a manager; then approved and done."""

    class Status(models.TextChoices):
        DUE = "due", _("Due: waiting for approval")
        APPROVED = "approved", _("Approved: being carried out")
        DISPOSED = "disposed", _("Disposed of")
        DEFERRED = "deferred", _("Kept for now")

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="+")
    # The case references, copied when found: they stay readable once the child is anonymised.
    references = models.CharField(max_length=300)
    record_type = models.CharField(max_length=20, choices=RECORD_TYPE_CHOICES)
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    # The rule as it stood when found, in words: what the approval was given under.
    rule_text = models.CharField(max_length=300)
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    due_on = models.DateField()
    found_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # Kept for now by a manager: the sweep lists the child again from this day (a year on).
    review_after = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["council", "status", "due_on"])]
        constraints = [
            # One live disposal per child: the sweep run twice finds it and adds nothing.
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(status__in=["due", "approved", "disposed"]),
                name="one_live_disposal_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.references} due {self.due_on}"


class DestructionRecord(models.Model):
    """What was destroyed, when, by whom and under which rule. Holds no personal data about the child."""

    disposal = models.OneToOneField(Disposal, on_delete=models.PROTECT, related_name="destruction")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    references = models.CharField(max_length=300)
    record_type = models.CharField(max_length=20, choices=RECORD_TYPE_CHOICES)
    rule_text = models.CharField(max_length=300)
    method = models.CharField(max_length=20, choices=METHOD_CHOICES)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    destroyed_at = models.DateTimeField(default=timezone.now)
    # One line per thing destroyed ("4 documents: files deleted (2 school reports, 2 letters)").
    destroyed = models.JSONField(default=list)

    class Meta:
        ordering = ["-destroyed_at", "-id"]

    def __str__(self) -> str:
        return f"Destroyed {self.references} on {self.destroyed_at:%Y-%m-%d}"
