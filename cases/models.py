from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases import statutory, workflow
from cases.identifiers import validate_nhs_number, validate_uln, validate_upn
from core.languages import ENGLISH, LANGUAGES

OPEN_STAGE_VALUES = [s.value for s in workflow.OPEN_STAGES]


class AreaOfNeed(models.TextChoices):
    COMMUNICATION_INTERACTION = "communication_interaction", _("Communication and interaction")
    COGNITION_LEARNING = "cognition_learning", _("Cognition and learning")
    SEMH = "semh", _("Social, emotional and mental health")
    SENSORY_PHYSICAL = "sensory_physical", _("Sensory and/or physical")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another way")
    NOT_SAID = "not_said", _("Prefer not to say")


class Ethnicity(models.TextChoices):
    # The DfE's main ethnicity categories used in the school census and SEN2.
    WHITE_BRITISH = "WBRI", _("White – British")
    WHITE_IRISH = "WIRI", _("White – Irish")
    WHITE_OTHER = "WOTH", _("Any other White background")
    TRAVELLER = "WIRT", _("Traveller of Irish heritage")
    GYPSY_ROMA = "WROM", _("Gypsy / Roma")
    MIXED_WHITE_BLACK_CARIBBEAN = "MWBC", _("White and Black Caribbean")
    MIXED_WHITE_BLACK_AFRICAN = "MWBA", _("White and Black African")
    MIXED_WHITE_ASIAN = "MWAS", _("White and Asian")
    MIXED_OTHER = "MOTH", _("Any other mixed background")
    INDIAN = "AIND", _("Indian")
    PAKISTANI = "APKN", _("Pakistani")
    BANGLADESHI = "ABAN", _("Bangladeshi")
    ASIAN_OTHER = "AOTH", _("Any other Asian background")
    BLACK_CARIBBEAN = "BCRB", _("Black Caribbean")
    BLACK_AFRICAN = "BAFR", _("Black African")
    BLACK_OTHER = "BOTH", _("Any other Black background")
    CHINESE = "CHNE", _("Chinese")
    OTHER = "OOTH", _("Any other ethnic group")
    REFUSED = "REFU", _("Prefers not to say")
    NOT_OBTAINED = "NOBT", _("Information not yet obtained")


class Child(models.Model):
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="children")
    legal_first_name = models.CharField(_("first name"), max_length=100)
    legal_last_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=4, choices=Ethnicity.choices, blank=True)
    home_languages = models.CharField(_("home languages"), max_length=200, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    address = models.TextField(_("address"), blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    upn = models.CharField(_("UPN"), max_length=13, blank=True, validators=[validate_upn])
    uln = models.CharField(_("ULN"), max_length=10, blank=True, validators=[validate_uln])
    nhs_number = models.CharField(
        _("NHS number"), max_length=10, blank=True, validators=[validate_nhs_number]
    )
    current_setting = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pupils",
        verbose_name=_("current school or setting"),
    )
    # A setting the council does not hold as an organisation (a nursery out of area, home education), as typed.
    setting_name = models.CharField(_("school or setting (not in the list)"), max_length=200, blank=True)
    # Lower-cased copy of the names, so search and duplicate checks use an index instead of a scan.
    search_name = models.CharField(max_length=220, editable=False, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        indexes = [
            models.Index(fields=["council", "date_of_birth"]),
            models.Index(fields=["upn"]),
        ]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.legal_first_name


CONTACT_CHANNELS = [
    ("email", _("Email")),
    ("sms", _("Text message")),
    ("letter", _("Letter")),
    ("phone", _("Phone call")),
]


class FamilyContact(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        CARER = "carer", _("Carer")
        FOSTER_CARER = "foster_carer", _("Foster carer")
        GRANDPARENT = "grandparent", _("Grandparent")
        SOCIAL_WORKER = "social_worker", _("Social worker (corporate parent)")
        SELF = "self", _("The young person")
        OTHER = "other", _("Other")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    parental_responsibility = models.BooleanField(_("has parental responsibility"), default=False)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_main_contact = models.BooleanField(_("main contact"), default=False)
    # How they asked to hear from us. A phone call is arranged by staff; written messages then go by email or letter.
    preferred_channel = models.CharField(
        _("how to contact them"), max_length=10, choices=CONTACT_CHANNELS, default="email"
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES, default=ENGLISH)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_contacts",
    )
    is_archived = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_main_contact", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class RequestRoute(models.TextChoices):
    ONLINE = "online", _("Online request form")
    LETTER = "letter", _("Letter")
    EMAIL = "email", _("Email")
    API = "api", _("Another system")


class Requester(models.TextChoices):
    PARENT = "parent", _("Parent or carer")
    YOUNG_PERSON = "young_person", _("Young person")
    SCHOOL = "school", _("School or setting")
    OTHER = "other", _("Other professional")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    council = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(
        _("stage"),
        max_length=30,
        choices=workflow.STAGE_CHOICES,
        default=workflow.Stage.REQUEST_RECEIVED.value,
    )
    received_on = models.DateField(_("date the request was received"))
    route = models.CharField(_("how the request arrived"), max_length=10, choices=RequestRoute.choices)
    requested_by = models.CharField(_("who made the request"), max_length=20, choices=Requester.choices)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_cases",
    )
    primary_need = models.CharField(
        _("primary area of need"), max_length=30, choices=AreaOfNeed.choices, blank=True
    )
    secondary_need = models.CharField(
        _("secondary area of need"), max_length=30, choices=AreaOfNeed.choices, blank=True
    )
    summary = models.TextField(_("reason for the request"), blank=True)
    # In their own words, from the request: section A of the plan starts from these, and advisers read them first.
    child_views = models.TextField(_("the child's or young person's views"), blank=True)
    family_views = models.TextField(_("the parent's or carer's views"), blank=True)
    # Each named agency the family was asked about (forms_ersa FormSettings.share_agencies) as {"key", "name",
    # "agreed"}, in the words they saw. Empty for a request logged by staff, where consent is recorded on paper.
    share_consent = models.JSONField(_("agreed to share with"), default=list, blank=True)

    # Dates that drive the statutory clock; set by workflow transitions, never typed into the case directly.
    assessment_decided_on = models.DateField(null=True, blank=True)
    assessment_agreed = models.BooleanField(null=True)
    issue_decided_on = models.DateField(null=True, blank=True)
    plan_to_be_issued = models.BooleanField(null=True)
    draft_served_on = models.DateField(null=True, blank=True)
    family_responded_on = models.DateField(null=True, blank=True)
    final_issued_on = models.DateField(null=True, blank=True)
    last_review_meeting_on = models.DateField(null=True, blank=True)
    # The current (or latest) review cycle: its meeting and the steps the regulations time from it.
    next_review_meeting_on = models.DateField(null=True, blank=True)
    review_notice_sent_on = models.DateField(null=True, blank=True)
    review_advice_circulated_on = models.DateField(null=True, blank=True)
    review_report_on = models.DateField(null=True, blank=True)
    review_decided_on = models.DateField(null=True, blank=True)
    phase_transfer_done_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    # Set while business support has asked the family for something missing from the request. The request was
    # still received: the statutory clock keeps running. History keeps every earlier reason.
    incomplete_reason = models.TextField(_("what is missing from the request"), blank=True)
    incomplete_since = models.DateTimeField(null=True, blank=True)

    # The nearest deadline still to meet, kept by the deadline service so caseloads sort on one indexed column.
    next_due_on = models.DateField(null=True, blank=True)
    next_deadline_code = models.CharField(max_length=30, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["council", "coordinator", "next_due_on"]),
            models.Index(fields=["council", "next_due_on"]),
            models.Index(fields=["council", "stage"]),
            # The all-cases list and its count: open cases of a council, nearest deadline first.
            models.Index(
                fields=["council", "next_due_on", "received_on", "id"],
                condition=Q(closed_on__isnull=True),
                name="case_open_by_due",
            ),
        ]
        constraints = [
            # One open case per child: a second request links to the open case instead of starting a new clock.
            models.UniqueConstraint(
                fields=["child"], condition=Q(closed_on__isnull=True), name="one_open_case_per_child"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=OPEN_STAGE_VALUES, closed_on__isnull=True)
                | (~Q(stage__in=OPEN_STAGE_VALUES) & Q(closed_on__isnull=False)),
                name="closed_stage_has_closed_on",
            ),
            models.CheckConstraint(
                condition=~Q(stage=workflow.Stage.FINAL_ISSUED.value) | Q(final_issued_on__isnull=False),
                name="issued_has_issued_on",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def next_deadline_label(self) -> str:
        if not self.next_deadline_code:
            return ""
        return statutory.DEADLINE_LABELS[statutory.DeadlineCode(self.next_deadline_code)]

    def statutory_dates(self) -> statutory.CaseDates:
        return statutory.CaseDates(
            received_on=self.received_on,
            assessment_decided_on=self.assessment_decided_on,
            assessment_agreed=self.assessment_agreed,
            issue_decided_on=self.issue_decided_on,
            plan_to_be_issued=self.plan_to_be_issued,
            draft_served_on=self.draft_served_on,
            family_responded_on=self.family_responded_on,
            final_issued_on=self.final_issued_on,
            last_review_meeting_on=self.last_review_meeting_on,
            next_review_meeting_on=self.next_review_meeting_on,
            review_notice_sent_on=self.review_notice_sent_on,
            review_advice_circulated_on=self.review_advice_circulated_on,
            review_report_on=self.review_report_on,
            review_decided_on=self.review_decided_on,
            phase_transfer_done_on=self.phase_transfer_done_on,
            advice=tuple(clock.as_request() for clock in self.advice_clocks.all()),
            date_of_birth=self.child.date_of_birth,
            closed_on=self.closed_on,
        )


class CaseReferenceCounter(models.Model):
    """Per-year sequence for human-readable references (EHC-2026-00042), locked while incremented."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class TeamRole(models.TextChoices):
    FAMILY = "family", _("Parent or carer")
    YOUNG_PERSON = "young_person", _("Young person")
    SCHOOL = "school", _("School or setting")
    COORDINATOR = "coordinator", _("EHC coordinator")
    SPECIALIST = "specialist", _("Specialist")
    SUPPORTER = "supporter", _("Supporter")
    PANEL = "panel", _("Panel")


class CaseTeamMember(models.Model):
    """Who works on a case. The source of truth for who outside the council may see it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_memberships",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_memberships",
    )
    role = models.CharField(_("role on the case"), max_length=20, choices=TeamRole.choices)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        indexes = [
            models.Index(fields=["user", "case"], name="team_user_case"),
            models.Index(fields=["organisation", "case"], name="team_org_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(organisation__isnull=False), name="team_member_is_someone"
            ),
        ]

    def __str__(self) -> str:
        who = self.user or self.organisation
        return f"{who} – {self.get_role_display()} on {self.case_id}"


class Deadline(models.Model):
    """One statutory time limit of a case, recomputed by the service whenever a date it depends on changes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    code = models.CharField(
        max_length=30, choices=[(c.value, statutory.DEADLINE_LABELS[c]) for c in statutory.DeadlineCode]
    )
    ref = models.CharField(max_length=60, blank=True, default="")
    kind = models.CharField(max_length=10, default=statutory.DeadlineKind.DUTY.value)
    starts_on = models.DateField()
    due_on = models.DateField()
    met_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10,
        choices=[(s.value, s.value.capitalize()) for s in statutory.DeadlineStatus],
        default=statutory.DeadlineStatus.OPEN.value,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code", "ref"], name="one_deadline_per_code_ref")
        ]
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["code", "status"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.code} due {self.due_on}"

    @property
    def label(self) -> str:
        return statutory.DEADLINE_LABELS[statutory.DeadlineCode(self.code)]

    @property
    def regulation(self) -> str:
        return statutory.DEADLINE_REGULATIONS[statutory.DeadlineCode(self.code)]

    @property
    def is_late_met(self) -> bool:
        return self.met_on is not None and self.met_on > self.due_on


class DeadlineException(models.Model):
    """A lawful exception to a time limit: recorded, never moving the date, so a breach becomes 'excused'."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="exceptions")
    kind = models.CharField(
        _("exception"),
        max_length=30,
        choices=[(k.value, statutory.EXCEPTION_LABELS[k]) for k in statutory.ExceptionKind],
    )
    codes = models.JSONField(_("time limits it applies to"), default=list, blank=True)
    ref = models.CharField(max_length=60, blank=True, default="")
    starts_on = models.DateField(_("from"))
    # Empty while the exception is still going on; closed later with the day it ended.
    ends_on = models.DateField(_("to"), null=True, blank=True)
    reason = models.TextField(_("why"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on or 'ongoing'}"

    @property
    def is_ongoing(self) -> bool:
        return self.ends_on is None

    def as_recorded(self) -> statutory.RecordedException:
        return statutory.RecordedException(
            kind=statutory.ExceptionKind(self.kind),
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            codes=frozenset(self.codes) if self.codes else None,
            ref=self.ref,
        )


class TimelineEvent(models.Model):
    """Append-only record of what happened on a case, shown on the case page."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Request logged")
        TRANSITION = "transition", _("Stage changed")
        ALLOCATED = "allocated", _("Coordinator allocated")
        DOCUMENT = "document", _("Document added")
        DOCUMENT_WITHDRAWN = "document_withdrawn", _("Document withdrawn")
        EXCEPTION = "exception", _("Exception recorded")
        TEAM = "team", _("Team changed")
        DETAILS = "details", _("Details changed")
        NOTE = "note", _("Note")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    # Staff-only events (internal notes) are hidden from families and schools.
    visible_to_family = models.BooleanField(default=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.summary}"


def document_path(instance: "CaseDocument", filename: str) -> str:
    return f"cases/{instance.case_id}/{timezone.now():%Y%m}/{filename}"


class CaseDocument(models.Model):
    class Visibility(models.TextChoices):
        # Who may read it (accounts.policy.DOCUMENT_READERS): each level is read by everyone of the levels below.
        FAMILY = "family", _("The family and everyone on the case")
        TEAM = "team", _("The case team, not the family")
        STAFF = "staff", _("Council staff only")

    class Category(models.TextChoices):
        REQUEST = "request", _("Request for assessment")
        SCHOOL_REPORT = "school_report", _("School report")
        SEN_SUPPORT_PLAN = "sen_support_plan", _("SEN support plan")
        EP_REPORT = "ep_report", _("Educational psychology report")
        MEDICAL = "medical", _("Medical letter or report")
        SOCIAL_CARE = "social_care", _("Social care report")
        CHILD_VIEWS = "child_views", _("Child or young person's views")
        PARENT_VIEWS = "parent_views", _("Parent or carer's views")
        ADVICE = "advice", _("Advice for the assessment")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(upload_to=document_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    category = models.CharField(_("type of document"), max_length=30, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # Empty when nobody signed in sent it: a family's online request, or a letter the service produced.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility.choices, default=Visibility.FAMILY
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class AccessLog(models.Model):
    """Who looked at a child's record, and when. Written for every view of a case or child."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=40)
    path = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["case", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


# --- Reminders: rules (configuration) and what the sweep has sent -------------------------------------------


class ReminderAudience(models.TextChoices):
    RESPONSIBLE = (
        "responsible",
        _("The person responsible (the coordinator, or the service managers if none)"),
    )
    COORDINATOR = "coordinator", _("The coordinator")
    MANAGER = "manager", _("The coordinator's managers (the council's service managers)")
    FAMILY = "family", _("The family (parents, carers, the young person)")
    ADVISER = "adviser", _("The person asked for advice (or their service's manager until it is allocated)")


class ReminderTemplate(models.TextChoices):
    """Message templates a reminder rule may use (registered by cases.reminders; text in templates/notifications)."""

    DUE_SOON = "reminder.due_soon", _("Staff: a time limit is coming up")
    DUE_TODAY = "reminder.due_today", _("Staff: a time limit is due today")
    OVERDUE = "reminder.overdue", _("Staff: a time limit has passed and is not met")
    ESCALATION = "reminder.escalation", _("Managers: a time limit has passed and is not met")
    WINDOW_CLOSED = "reminder.window_closed", _("Coordinator: the family's time to comment has ended")
    FAMILY_DRAFT_WINDOW = "reminder.family_draft_window", _("Family: comments on the draft plan are due")
    FAMILY_AMENDMENT_WINDOW = (
        "reminder.family_amendment_window",
        _("Family: comments on proposed changes are due"),
    )


FAMILY_REMINDER_TEMPLATES = frozenset(
    {ReminderTemplate.FAMILY_DRAFT_WINDOW.value, ReminderTemplate.FAMILY_AMENDMENT_WINDOW.value}
)


class ReminderRule(models.Model):
    """When to remind whom about a kind of deadline: configuration, not code.

    Rules without a council are the defaults every council gets. A council's own rule with the same deadline,
    offset and audience replaces the default for that council (an inactive one switches the default off);
    any other council rule is added to the defaults.
    """

    council = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "council"},
        help_text=_("Leave empty for a default that applies to every council."),
    )
    deadline_code = models.CharField(
        _("time limit"),
        max_length=30,
        choices=[(c.value, statutory.DEADLINE_LABELS[c]) for c in statutory.DeadlineCode],
    )
    offset_days = models.SmallIntegerField(
        _("days from the due date"),
        help_text=_("-7 is a week before the due date, 0 the day itself, 3 three days after it."),
    )
    audience = models.CharField(_("who"), max_length=20, choices=ReminderAudience.choices)
    template = models.CharField(_("message"), max_length=80, choices=ReminderTemplate.choices)
    escalate = models.BooleanField(
        _("escalate"),
        default=False,
        help_text=_("Also tell the council's service managers, naming the coordinator."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline_code", "offset_days", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline_code", "offset_days", "audience"],
                condition=Q(council__isnull=True),
                name="one_default_reminder_rule",
            ),
            models.UniqueConstraint(
                fields=["council", "deadline_code", "offset_days", "audience"],
                condition=Q(council__isnull=False),
                name="one_council_reminder_rule",
            ),
            models.CheckConstraint(
                condition=Q(offset_days__gte=-400, offset_days__lte=400), name="reminder_offset_in_range"
            ),
        ]

    def __str__(self) -> str:
        if self.offset_days == 0:
            when = "on the day"
        else:
            when = f"{abs(self.offset_days)} days {'before' if self.offset_days < 0 else 'after'}"
        return f"{self.get_deadline_code_display()}: {when}, to {self.audience}"

    def clean(self) -> None:
        # Family messages carry only what a family needs; staff messages say what to do. Keep them apart.
        family_template = self.template in FAMILY_REMINDER_TEMPLATES
        if self.audience == ReminderAudience.FAMILY and not family_template:
            raise ValidationError({"template": _("Choose a message written for the family.")})
        if self.audience != ReminderAudience.FAMILY and family_template:
            raise ValidationError(
                {"template": _("That message is written for the family: choose one for staff.")}
            )


class ReminderSent(models.Model):
    """One reminder rule fired for one deadline on one day. The unique key makes a second sweep a no-op."""

    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="reminders_sent")
    rule = models.ForeignKey(ReminderRule, on_delete=models.PROTECT, related_name="sent")
    # The day the reminder was due (the deadline's due date plus the rule's offset), not the day it went out.
    occurrence = models.DateField()
    # The sweep that wrote it: the sweep reads back exactly the rows it inserted.
    run = models.UUIDField(db_index=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "rule", "occurrence"], name="one_reminder_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} for deadline {self.deadline_id} on {self.occurrence}"


class InvolvedProfessional(models.Model):
    """Someone already working with the child, as the request named them, so their advice can be asked for later."""

    class Source(models.TextChoices):
        REQUEST = "request", _("Named in the request")
        STAFF = "staff", _("Added by the council")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="professionals")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("what they do"), max_length=200)
    service = models.CharField(_("service or organisation"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REQUEST)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # No longer involved: kept, never deleted.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role} ({self.service})"


class AdviceClock(models.Model):
    """The time limit of one request for advice (reg 8(1)), kept with the case's other dates.

    The advice app owns the request and what the adviser wrote; cases owns its clock, so every deadline rule, the
    reminder sweep, the caseload and SEN2 read one table of deadline rows (code `advice`, ref = this row's ref).
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="advice_clocks")
    ref = models.CharField(max_length=60)
    label = models.CharField(_("who was asked"), max_length=200)
    # The day the body asked received the request: the six weeks run from here and do not restart when it is
    # passed on to the right service.
    requested_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    # Reminders go to the adviser (or, until one is allocated, the service's manager); escalations to the manager.
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adviser_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Where the adviser acts on it (a path in the service), for the links in their reminders.
    link = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "ref"], name="one_advice_clock_per_ref")]

    def __str__(self) -> str:
        return f"{self.label} from {self.requested_on}"

    def as_request(self) -> statutory.AdviceRequest:
        return statutory.AdviceRequest(
            ref=self.ref,
            requested_on=self.requested_on,
            received_on=self.received_on,
            cancelled=self.cancelled,
        )
