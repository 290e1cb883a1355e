"""The decision panel: its terms of reference, meetings and agendas, attendance, conflicts, votes and decisions.

A panel's configuration is data with history (what it decides, members and their agencies, the chair, the quorum,
the decision mode, the papers deadline). A vote is one row per member per item: sending it again changes that row.
A decision is final; a correction is a new decision pointing at the one it corrects, with the reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from panel import rules

QUESTION_CHOICES = [(q.value, _(rules.QUESTION_LABELS[q])) for q in rules.Question]
AGENCY_CHOICES = [(a.value, _(rules.AGENCY_LABELS[a])) for a in rules.Agency]
MODE_CHOICES = [
    (rules.Mode.CHAIR.value, _("The chair records one decision with reasons, informed by the votes")),
    (rules.Mode.MAJORITY.value, _("The majority of votes cast, with the chair's casting vote")),
]
CHOICE_CHOICES = [
    (rules.Choice.YES.value, _("Yes")),
    (rules.Choice.NO.value, _("No")),
    (rules.Choice.ABSTAIN.value, _("Abstain")),
]


class Panel(models.Model):
    """A council's decision panel and its terms of reference."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    questions = models.JSONField(_("what it decides"), default=list)
    # On: the decisions this panel makes are taken off the coordinator's workflow page (cases.decisions).
    decides_for_council = models.BooleanField(_("these decisions come from the panel"), default=False)
    mode = models.CharField(
        _("how it decides"), max_length=20, choices=MODE_CHOICES, default=rules.Mode.CHAIR
    )
    quorum_members = models.PositiveSmallIntegerField(_("members needed for a quorum"), default=3)
    # {agency: how many of them must be present}
    quorum_agencies = models.JSONField(_("agencies needed for a quorum"), default=dict, blank=True)
    papers_working_days = models.PositiveSmallIntegerField(_("papers close (working days before)"), default=5)
    first_meeting_on = models.DateField(_("first meeting"))
    every_weeks = models.PositiveSmallIntegerField(_("meets every (weeks)"), default=1)
    starts_at = models.TimeField(_("starts at"), default="10:00")
    item_minutes = models.PositiveSmallIntegerField(_("minutes for each case"), default=15)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council"], condition=Q(is_active=True), name="one_active_panel_per_council"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def quorum(self) -> rules.Quorum:
        return rules.Quorum(
            members=self.quorum_members, agencies={k: int(v) for k, v in (self.quorum_agencies or {}).items()}
        )


class PanelMember(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats")
    agency = models.CharField(_("agency"), max_length=30, choices=AGENCY_CHOICES)
    is_chair = models.BooleanField(_("chair"), default=False)
    joined_on = models.DateField(default=timezone.localdate)
    # A member who leaves keeps their votes and decisions on record.
    left_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_chair", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "user"], condition=Q(left_on__isnull=True), name="one_seat_per_member"
            ),
            models.UniqueConstraint(
                fields=["panel"], condition=Q(is_chair=True, left_on__isnull=True), name="one_chair_per_panel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_agency_display()})"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Panel meeting")
        DIGITAL = "digital", _("Digital vote between meetings")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        ENDED = "ended", _("Ended")

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEETING)
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    papers_close_on = models.DateField(_("papers close"))
    # A digital vote closes by itself at this time.
    closes_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancelled_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    minutes_pdf = models.FileField(upload_to="panel/minutes/%Y%m/", max_length=300, blank=True)
    minutes_rendered_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["held_on", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "held_on"],
                condition=Q(kind="meeting") & ~Q(status="cancelled"),
                name="one_meeting_per_panel_day",
            )
        ]
        indexes = [models.Index(fields=["panel", "status", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%-d %B %Y}"

    @property
    def is_digital(self) -> bool:
        return self.kind == self.Kind.DIGITAL


class AgendaItem(models.Model):
    class Status(models.TextChoices):
        LISTED = "listed", _("On the agenda")
        HELD = "held", _("Held back")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        VOTING = "voting", _("Voting open")
        VOTE_CLOSED = "vote_closed", _("Voting closed")
        DECIDED = "decided", _("Decided")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="panel_items")
    question = models.CharField(_("question"), max_length=20, choices=QUESTION_CHOICES)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LISTED)
    position = models.PositiveSmallIntegerField(default=0)
    minutes = models.PositiveSmallIntegerField(_("time box (minutes)"), default=15)
    # The due date of the statutory deadline the decision meets, copied so the agenda sorts without a join.
    due_on = models.DateField(null=True, blank=True)
    held_reason = models.TextField(_("why it is held back"), blank=True)
    withdrawn_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    vote_opened_at = models.DateTimeField(null=True, blank=True)
    vote_closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case", "question"],
                condition=~Q(status="withdrawn"),
                name="one_item_per_case_question_meeting",
            )
        ]
        indexes = [models.Index(fields=["case", "status"])]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_question_display()}"

    @property
    def is_on_agenda(self) -> bool:
        return self.status not in (self.Status.HELD, self.Status.WITHDRAWN)


class Attendance(models.Model):
    class Reply(models.TextChoices):
        ATTENDING = "attending", _("Attending")
        APOLOGIES = "apologies", _("Sends apologies")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="attendance")
    reply = models.CharField(max_length=10, choices=Reply.choices, blank=True)
    # Recorded by the chair at the meeting: who is in the room (quorum counts these).
    present = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} at {self.meeting}"


class ConflictOfInterest(models.Model):
    """A member's declared conflict on a case (their own school, a relative): no bundle, no vote."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="conflicts")
    reason = models.TextField(_("the conflict"))
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "member"], name="one_conflict_per_member_case")
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.case}"


class Vote(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(max_length=10, choices=CHOICE_CHOICES)
    band = models.CharField(_("band supported"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    cast_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    # How many times it was sent (a retry or a double tap sends it again): for the record, never a second vote.
    sends = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member_item")]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="panel_decisions")
    question = models.CharField(max_length=20, choices=QUESTION_CHOICES)
    outcome = models.CharField(max_length=10, choices=CHOICE_CHOICES[:2])
    mode = models.CharField(max_length=20, choices=MODE_CHOICES)
    reasons = models.TextField(_("reasons"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    band = models.CharField(_("band decided"), max_length=20, blank=True)
    amount = models.DecimalField(_("annual amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    suggested_band = models.CharField(max_length=20, blank=True)
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # What the members said: kept as it was when the decision was made, whatever changes later.
    majority = models.CharField(max_length=10, blank=True)
    tally = models.JSONField(default=dict)
    present = models.JSONField(default=list)
    votes = models.JSONField(default=list)
    quorum = models.TextField(blank=True)
    # A correction: a new decision naming the one it corrects, with the reason.
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.case}: {self.question} {self.outcome}"


class Note(models.Model):
    """A member's note or question on an item before the meeting, for the chair."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note or question"))
    is_question = models.BooleanField(_("a question for the meeting"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class BundleRead(models.Model):
    """Who has opened which bundle (the chair's read tracker); each view is also in the cases access log."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)
    views = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "user"], name="one_read_row_per_item_user")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.item_id}"
