"""Advice requests, the advice given (versioned, structured by the plan's sections) and RAS schemes and scores.

Shaped for its readers: the draft plan is assembled from `AdviceNeed`, `AdviceOutcome` and `AdviceProvision` rows
(each carries its submission, so every sentence of the plan can name its source); the family's portal shows each
request's state and, once shared, its `family_summary`; the panel reads the `RasScore` stored for the case; SEN2's
"Week20" question reads the advice deadline rows and their exceptions, which `cases` keeps (`AdviceClock`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from advice.definitions import Kind
from cases.models import AreaOfNeed

KIND_CHOICES = [
    (Kind.FAMILY.value, _("The family's advice (parent or carer, and the child or young person)")),
    (Kind.EDUCATIONAL.value, _("Educational advice (the school or setting)")),
    (Kind.MEDICAL.value, _("Health advice")),
    (Kind.PSYCHOLOGICAL.value, _("Psychological advice (educational psychologist)")),
    (Kind.SOCIAL_CARE.value, _("Social care advice")),
    (Kind.SPEECH_AND_LANGUAGE.value, _("Speech and language therapy advice")),
    (Kind.OCCUPATIONAL_THERAPY.value, _("Occupational therapy advice")),
    (Kind.PREPARATION_FOR_ADULTHOOD.value, _("Preparing for adulthood advice")),
    (Kind.OTHER.value, _("Other advice")),
]


class RequestStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REUSED = "reused", _("Existing advice reused")


OPEN_STATUSES = (RequestStatus.SENT, RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS)


class AdviceSettings(models.Model):
    """A council's choices for advice: configuration with history, edited in the support admin."""

    council = models.OneToOneField("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    # Reg 6(4) lets existing advice be reused; councils set how old it may be (Ealing: 12 months).
    reuse_max_age_months = models.PositiveSmallIntegerField(default=12)
    # How long an adviser can still open the case after their request closes (to answer questions about it).
    access_days_after_close = models.PositiveSmallIntegerField(default=28)
    # Advisers on a case read each other's submitted advice, so goals can be aligned.
    advisers_read_each_other = models.BooleanField(default=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Advice settings for {self.council_id}"


class AdviceTeam(models.Model):
    """A service that gives advice (the EP service, a trust's SALT team): its leads allocate what it is asked."""

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="advice_teams"
    )
    kinds = models.JSONField(_("kinds of advice it gives"), default=list)
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="advice_teams_led")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="advice_teams", blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AdviceRequest(models.Model):
    """One request for advice (reg 6(1)), to a named person or to a service whose manager allocates it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="advice_requests")
    kind = models.CharField(_("kind of advice"), max_length=40, choices=KIND_CHOICES)
    # Who was asked: a named person, or a service (an advice team, whose leads allocate it to one of its staff).
    asked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asked_team = models.ForeignKey(
        AdviceTeam, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    # Or someone with no account yet, invited by email: `asked_user` is set when they accept the invitation.
    asked_name = models.CharField(_("name of the person asked"), max_length=200, blank=True)
    asked_email = models.EmailField(_("email of the person asked"), blank=True)
    # The person in the service who writes it, once allocated (or the named person).
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advice_allocated",
    )
    # A professional already involved, from the request, that this request is addressed to.
    professional = models.ForeignKey(
        "cases.InvolvedProfessional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.SENT)
    # The day the body asked received the request: reg 8(1)'s six weeks run from here, and a request passed on to
    # the right service keeps it.
    sent_on = models.DateField(_("date sent"))
    # Copied from the request's deadline row in cases (six weeks from sent_on), so inboxes sort by it.
    due_on = models.DateField(null=True, blank=True)
    note = models.TextField(_("note to the adviser"), blank=True)
    declined_reason = models.TextField(blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # The family reasonably asked for this adviser (reg 6(1)(h)).
    family_asked = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_on", "id"]
        indexes = [
            models.Index(fields=["allocated_to", "status"]),
            models.Index(fields=["asked_team", "status"]),
            models.Index(fields=["case", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(asked_user__isnull=False)
                | Q(asked_team__isnull=False)
                | ~Q(asked_email="")
                | Q(status="reused"),
                name="advice_request_asks_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.case_id}"

    @property
    def clock_ref(self) -> str:
        """The ref of this request's deadline row in cases (one `advice` deadline per request)."""
        return f"advice:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def asked_label(self) -> str:
        """Who was asked, as pages show it: the service (and who it is allocated to), the person, or the invitee."""
        if self.asked_team_id:
            who = self.asked_team.name
            return f"{who}: {self.allocated_to.full_name}" if self.allocated_to_id else who
        if self.asked_user_id:
            return self.asked_user.full_name
        if self.asked_email:
            return _("%(who)s (invited)") % {"who": self.asked_name or self.asked_email}
        return ""


class Referral(models.Model):
    """A request passed on to another service (sent to the wrong team): its clock does not restart."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.PROTECT, related_name="referrals")
    from_team = models.ForeignKey(
        AdviceTeam, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_team = models.ForeignKey(AdviceTeam, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Passed on to {self.to_team_id}: {self.reason[:40]}"


class ReuseAgreement(models.Model):
    """Existing advice reused instead of asking again (reg 6(4)): the author, the council and the family agree."""

    class Party(models.TextChoices):
        AUTHOR = "author", _("The person who gave the advice")
        COUNCIL = "council", _("The council")
        FAMILY = "family", _("The family")

    class How(models.TextChoices):
        IN_WRITING = "in_writing", _("In writing")
        EMAIL = "email", _("By email")
        PHONE = "phone", _("By phone")
        MEETING = "meeting", _("At a meeting")
        IN_SERVICE = "in_service", _("In this service")

    request = models.ForeignKey(AdviceRequest, on_delete=models.PROTECT, related_name="reuse_agreements")
    party = models.CharField(max_length=20, choices=Party.choices)
    who = models.CharField(_("who agreed"), max_length=200)
    agreed_on = models.DateField()
    how = models.CharField(max_length=20, choices=How.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "party"], name="one_agreement_per_party")]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.who} on {self.agreed_on}"


class AdviceSubmission(models.Model):
    """The advice given: saved as the adviser goes, locked when submitted; a correction is a new version."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveSmallIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(_("role and qualification"), max_length=200, blank=True)
    # The definition's free-text answers by question key (advice.definitions), saved page by page.
    answers = models.JSONField(default=dict, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    family_summary = models.TextField(blank=True)
    declaration = models.BooleanField(default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    correction_reason = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # Reused advice (reg 6(4)) points at the document reused instead of structured answers.
    reused_document = models.ForeignKey(
        "cases.CaseDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The PDF rendered after submission and filed in the case documents (section K lists it).
    document = models.ForeignKey(
        "cases.CaseDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The council shares it with the family (the portal shows it then).
    shared_with_family_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "number"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="one_number_per_advice_version"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(declaration=True),
                name="submitted_advice_is_declared",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice {self.request_id} v{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class AdviceAttachment(models.Model):
    """A report the adviser attached to their advice (checked like the request's uploads), filed with the case."""

    request = models.ForeignKey(AdviceRequest, on_delete=models.PROTECT, related_name="attachments")
    document = models.OneToOneField("cases.CaseDocument", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"Attachment {self.document_id} to {self.request_id}"


class AdviceNeed(models.Model):
    """A need the adviser found, by area of need, with its evidence: section B (C for health, D for social care)."""

    submission = models.ForeignKey(AdviceSubmission, on_delete=models.PROTECT, related_name="needs")
    position = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(max_length=2, default="B")
    area = models.CharField(_("area of need"), max_length=30, choices=AreaOfNeed.choices, blank=True)
    # The SEN2 type of need where the adviser names one (e.g. ASD, SLCN), beside the broad area.
    sen2_type = models.CharField(max_length=5, blank=True)
    description = models.TextField(_("the need"))
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "position", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class AdviceOutcome(models.Model):
    """An outcome sought (section E): what, by when, how progress will be measured, and the needs it meets."""

    submission = models.ForeignKey(AdviceSubmission, on_delete=models.PROTECT, related_name="outcomes")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(_("the outcome"))
    by_when = models.CharField(_("by when"), max_length=200)
    measure = models.TextField(_("how progress will be measured"))
    needs = models.ManyToManyField(AdviceNeed, blank=True, related_name="outcomes")
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "position", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class AdviceProvision(models.Model):
    """Provision recommended, specified and quantified (F; G for health; H1/H2 for social care)."""

    submission = models.ForeignKey(AdviceSubmission, on_delete=models.PROTECT, related_name="provision")
    position = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(max_length=2, default="F")
    what = models.TextField(_("what will be provided"))
    who = models.CharField(_("delivered by (role and qualification)"), max_length=200, blank=True)
    frequency = models.CharField(_("how often"), max_length=200, blank=True)
    duration = models.CharField(_("for how long"), max_length=200, blank=True)
    group_size = models.CharField(_("group size"), max_length=100, blank=True)
    need = models.ForeignKey(
        AdviceNeed, on_delete=models.PROTECT, null=True, blank=True, related_name="provision"
    )
    outcome = models.ForeignKey(
        AdviceOutcome, on_delete=models.PROTECT, null=True, blank=True, related_name="provision"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "position", "id"]

    def __str__(self) -> str:
        return self.what[:60]


class RasScheme(models.Model):
    """A council's RAS: scale and descriptors, weights, caps, bands and amounts, setting adjustments, combining rule.

    Configuration with an effective-from date, edited by an administrator with history; `advice.ras` reads it.
    """

    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    effective_from = models.DateField()
    # {"levels": [{"value", "label", "descriptor"}], "weights": {area: n}, "caps": {area: n},
    #  "bands": [{"code", "label", "min_points", "annual_amount"}], "combine": "highest",
    #  "lead_disciplines": {area: kind}, "setting_adjustments": {setting: "0.8"}}
    config = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["council", "effective_from"], name="one_ras_scheme_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from:%-d %B %Y})"


class RasLevel(models.Model):
    """One specialist's level for one area of need, given in their advice."""

    submission = models.ForeignKey(AdviceSubmission, on_delete=models.PROTECT, related_name="ras_levels")
    area = models.CharField(max_length=30, choices=AreaOfNeed.choices)
    level = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "area"], name="one_level_per_area")]

    def __str__(self) -> str:
        return f"{self.area}: {self.level}"


class RasScore(models.Model):
    """The suggestion the RAS made for a case on a day: kept so the panel decides the band against it, and the
    final plan records the actual cost beside it (idealised against actual funding)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ras_scores")
    scheme = models.ForeignKey(RasScheme, on_delete=models.PROTECT, related_name="+")
    scored_on = models.DateField()
    points = models.PositiveIntegerField()
    band = models.CharField(max_length=20, blank=True)
    annual_amount = models.DecimalField(max_digits=10, decimal_places=2)
    setting_type = models.CharField(max_length=40, blank=True)
    # The profile with where each level came from, and the explanation lines, as `advice.ras.Result` gave them.
    profile = models.JSONField()
    explanation = models.JSONField()
    disagreements = models.JSONField(default=list)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_current=True), name="one_current_ras_score_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.points} points, band {self.band or 'none'}"
