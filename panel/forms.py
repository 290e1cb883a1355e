"""Forms of the panel pages (GOV.UK markup from core.forms)."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import GovUKDateField, GovUKForm, LongSelect
from panel import rules
from panel.models import AGENCY_CHOICES, MODE_CHOICES, QUESTION_CHOICES, Attendance

DECIDABLE = [(q, label) for q, label in QUESTION_CHOICES]


class ReasonForm(GovUKForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class AddToAgendaForm(GovUKForm):
    meeting = forms.TypedChoiceField(label=_("Meeting"), coerce=int)
    question = forms.ChoiceField(label=_("What the panel is asked to decide"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why the case is going to the panel"),
        help_text=_("For example, the papers are complete, or the family asked for an early decision."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
    required_messages = {
        "meeting": _("Select the meeting"),
        "question": _("Select what the panel is asked to decide"),
        "reason": _("Enter why the case is going to the panel"),
    }

    def __init__(self, *args, meetings, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", _("Choose a meeting"))] + [
            (m.pk, f"{m.held_on:%-d %B %Y} (papers close {m.papers_close_on:%-d %B})") for m in meetings
        ]
        self.fields["question"].choices = [(q, label) for q, label in QUESTION_CHOICES if q in questions]


class AttendanceForm(GovUKForm):
    reply = forms.ChoiceField(
        label=_("Will you attend?"), choices=Attendance.Reply.choices, widget=forms.RadioSelect
    )
    required_messages = {"reply": _("Select whether you will attend")}


class PresenceForm(GovUKForm):
    present = forms.MultipleChoiceField(
        label=_("Who is present"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(m.pk), f"{m.user.full_name} ({m.get_agency_display()})") for m in members
        ]


class ConflictForm(GovUKForm):
    reason = forms.CharField(
        label=_("What is the conflict?"),
        help_text=_("For example, the child goes to the school you lead, or is a relative."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
    required_messages = {"reason": _("Enter what the conflict is, for example 'my own school'")}


class NoteForm(GovUKForm):
    text = forms.CharField(
        label=_("Note or question for the chair"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    is_question = forms.BooleanField(label=_("This is a question to raise at the meeting"), required=False)
    required_messages = {"text": _("Enter your note or question")}


class VoteForm(GovUKForm):
    choice = forms.ChoiceField(
        label=_("Your vote"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("abstain", _("Abstain"))],
        widget=forms.RadioSelect,
    )
    band = forms.ChoiceField(label=_("The band you support (optional)"), required=False)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    required_messages = {"choice": _("Select yes, no or abstain")}

    def __init__(self, *args, bands, **kwargs):
        super().__init__(*args, **kwargs)
        if bands:
            self.fields["band"].choices = [("", _("No view on the band"))] + [
                (code, f"{label} (£{amount:,.0f} a year)") for code, label, amount in bands
            ]
        else:
            del self.fields["band"]


class DecisionForm(GovUKForm):
    outcome = forms.ChoiceField(
        label=_("The panel's decision"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_(
            "In plain English: the family read them in the decision letter. Required for a refusal, or when the "
            "decision differs from the members' majority or from the suggested band."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        required=False,
    )
    conditions = forms.CharField(
        label=_("Conditions (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    band = forms.ChoiceField(label=_("Band decided (optional)"), required=False)
    correction_reason = forms.CharField(
        label=_("Why the decision is corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    required_messages = {"outcome": _("Select the panel's decision")}

    def __init__(self, *args, bands, correcting: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if bands:
            self.fields["band"].choices = [("", _("No band"))] + [
                (code, f"{label} (£{amount:,.0f} a year)") for code, label, amount in bands
            ]
        else:
            del self.fields["band"]
        if not correcting:
            del self.fields["correction_reason"]


class PanelSettingsForm(GovUKForm):
    name = forms.CharField(label=_("Name of the panel"), max_length=200)
    questions = forms.MultipleChoiceField(
        label=_("What the panel decides"), choices=DECIDABLE, widget=forms.CheckboxSelectMultiple
    )
    decides_for_council = forms.BooleanField(
        label=_("These decisions come from the panel"),
        help_text=_("Coordinators then no longer record the decisions to assess and to issue themselves."),
        required=False,
    )
    mode = forms.ChoiceField(label=_("How the panel decides"), choices=MODE_CHOICES, widget=forms.RadioSelect)
    quorum_members = forms.IntegerField(label=_("Members needed for a quorum"), min_value=1, max_value=30)
    quorum_educational_psychology = forms.IntegerField(
        label=_("Educational psychologists needed"), min_value=0, max_value=10, initial=0
    )
    quorum_health = forms.IntegerField(label=_("Health members needed"), min_value=0, max_value=10, initial=0)
    quorum_social_care = forms.IntegerField(
        label=_("Social care members needed"), min_value=0, max_value=10, initial=0
    )
    quorum_education = forms.IntegerField(
        label=_("Education members needed"), min_value=0, max_value=10, initial=0
    )
    papers_working_days = forms.IntegerField(
        label=_("Papers close this many working days before the meeting"), min_value=0, max_value=30
    )
    first_meeting_on = GovUKDateField(
        label=_("Date of the first meeting"), label_lower=_("the date of the first meeting")
    )
    every_weeks = forms.IntegerField(label=_("Meets every (weeks)"), min_value=1, max_value=8)
    starts_at = forms.TimeField(label=_("Meetings start at"), help_text=_("For example, 10:00"))
    item_minutes = forms.IntegerField(label=_("Minutes for each case"), min_value=5, max_value=120)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    required_messages = {
        "questions": _("Select at least one thing the panel decides"),
        "mode": _("Select how the panel decides"),
    }

    AGENCY_FIELDS = {
        "quorum_educational_psychology": rules.Agency.EDUCATIONAL_PSYCHOLOGY.value,
        "quorum_health": rules.Agency.HEALTH.value,
        "quorum_social_care": rules.Agency.SOCIAL_CARE.value,
        "quorum_education": rules.Agency.EDUCATION.value,
    }

    def agencies(self) -> dict[str, int]:
        return {
            agency: self.cleaned_data[name]
            for name, agency in self.AGENCY_FIELDS.items()
            if self.cleaned_data.get(name)
        }


class MemberForm(GovUKForm):
    user = forms.TypedChoiceField(label=_("Panel member"), coerce=int, widget=LongSelect)
    agency = forms.ChoiceField(label=_("Agency"), choices=AGENCY_CHOICES)
    is_chair = forms.BooleanField(label=_("Chair of the panel"), required=False)
    required_messages = {"user": _("Select the panel member"), "agency": _("Select the member's agency")}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", _("Choose a person"))] + [(p.pk, p.full_name) for p in people]


class MeetingForm(GovUKForm):
    held_on = GovUKDateField(label=_("Date of the meeting"), label_lower=_("the date of the meeting"))


class DigitalVoteForm(GovUKForm):
    question = forms.ChoiceField(label=_("What the panel is asked to decide"), widget=forms.RadioSelect)
    closes_on = GovUKDateField(label=_("Voting closes on"), label_lower=_("the day voting closes"))
    closes_at = forms.TimeField(label=_("At"), help_text=_("For example, 17:00"), initial=time(17, 0))
    required_messages = {"question": _("Select what the panel is asked to decide")}

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].choices = [(q, label) for q, label in QUESTION_CHOICES if q in questions]

    def closing(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["closes_on"], self.cleaned_data["closes_at"])
        )
