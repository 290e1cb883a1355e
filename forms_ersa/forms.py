"""One small form per page of the request. Each knows how to turn its answers into JSON and back."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases import statutory
from cases.documents import DocumentRejected, inspect_upload
from cases.identifiers import validate_upn
from core.forms import GovUKDateField, GovUKForm, LongSelect, UKPhoneField, UKPostcodeField
from core.languages import LANGUAGES, preference_for
from core.validators import MOBILE_EXAMPLE, is_uk_mobile
from forms_ersa import sections, selectors
from forms_ersa.models import DraftEvidence, Route

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
RELATIONSHIPS = [
    ("mother", _("Mother")),
    ("father", _("Father")),
    ("carer", _("Carer")),
    ("foster_carer", _("Foster carer")),
    ("grandparent", _("Grandparent")),
    ("other", _("Other")),
]
CHANNELS = [
    ("email", _("Email")),
    ("sms", _("Text message")),
    ("letter", _("Letter")),
    ("phone", _("A phone call")),
]


def radios(label, choices, **kwargs):
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


class StartForm(GovUKForm):
    required_messages = {"who": _("Select who is making the request")}
    who = radios(
        _("Who is making the request?"),
        [
            (sections.PARENT, _("A parent or carer of the child or young person")),
            (sections.YOUNG_PERSON, _("A young person aged 16 to 25, for myself")),
            ("senco", _("A school or setting, for a pupil")),
        ],
    )


class EmailForm(GovUKForm):
    required_messages = {"email": _("Enter your email address")}
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We will send you a link so you can come back to your request. We will not share it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class PageForm(GovUKForm):
    """A page of the request: `from_answers` fills it, `to_answers` gives what to save."""

    def __init__(
        self, *args, route: str = sections.PARENT, council_id=None, today=None, answers=None, **kwargs
    ):
        self.route = route
        self.all_answers = answers or {}
        self.council_id = council_id
        self.today = today or datetime.date.today()
        super().__init__(*args, **kwargs)
        self.adapt()

    def adapt(self) -> None:
        pass

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = {}
        for name, field in cls.base_fields.items():
            if name not in answers:
                continue
            value = answers[name]
            if isinstance(field, GovUKDateField):
                value = sections.parse_date(value)
            if isinstance(field, forms.BooleanField):
                value = value == "yes"
            initial[name] = value
        return initial

    def to_answers(self) -> dict:
        out = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "yes" if value else ""
            elif value is None:
                value = ""
            out[name] = value
        return out


class ChildNameForm(PageForm):
    required_messages = {
        "first_name": _("Enter their first name"),
        "last_name": _("Enter their last name"),
    }
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    preferred_name = forms.CharField(
        label=_("The name they like to be called (optional)"), max_length=100, required=False
    )


class ChildDateOfBirthForm(PageForm):
    date_of_birth = GovUKDateField(
        label=_("Date of birth"), label_lower=_("their date of birth"), help_text=_("For example, 27 3 2015")
    )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        problem = statutory.age_problem(born, self.today)
        if problem == statutory.AgeProblem.NOT_YET_BORN:
            raise ValidationError(_("Date of birth must be today or in the past"))
        if problem == statutory.AgeProblem.TOO_OLD:
            raise ValidationError(
                _("The child or young person must be under 25 today. Check the date of birth")
            )
        if self.route == sections.YOUNG_PERSON and not statutory.is_young_person(born, self.today):
            raise ValidationError(
                _(
                    "You can only request for yourself if you are 16 or over. Ask a parent or carer to make the request"
                )
            )
        return born


class ChildAddressForm(PageForm):
    required_messages = {"address": _("Enter their address"), "postcode": _("Enter their postcode")}
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"})
    )
    postcode = UKPostcodeField(label=_("Postcode"))


class ChildLanguageForm(PageForm):
    required_messages = {
        "home_languages": _("Enter the languages spoken at home"),
        "interpreter_needed": _("Select yes if you need an interpreter"),
    }
    home_languages = forms.CharField(
        label=_("Languages spoken at home"), max_length=200, help_text=_("For example, English and Polish")
    )
    interpreter_needed = radios(_("Do you need an interpreter when we talk to you?"), YES_NO)

    def adapt(self) -> None:
        # On the school route the SENCo answers for the family, so the question is about the family.
        if self.route == sections.SCHOOL:
            self.fields["interpreter_needed"].label = _(
                "Does the family need an interpreter when we talk to them?"
            )
            self.fields["interpreter_needed"].error_messages["required"] = _(
                "Select yes if the family needs an interpreter"
            )


class ChildSettingForm(PageForm):
    school_id = forms.ChoiceField(
        label=_("School, nursery or college (optional)"), required=False, widget=LongSelect
    )
    setting_name = forms.CharField(
        label=_("If it is not in the list, or they are not in a setting, tell us here (optional)"),
        max_length=200,
        required=False,
    )
    upn = forms.CharField(
        label=_("Unique pupil number (UPN), if you know it (optional)"),
        max_length=13,
        required=False,
        help_text=_("13 characters, on school reports. Leave it blank if you do not know it"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )

    def adapt(self) -> None:
        schools = selectors.schools_for(self.council_id) if self.council_id else []
        self.fields["school_id"].choices = [("", _("Not in the list"))] + [
            (str(s.pk), s.name) for s in schools
        ]

    def clean_upn(self):
        upn = self.cleaned_data["upn"].strip().upper().replace(" ", "")
        if upn:
            try:
                validate_upn(upn)
            except ValidationError:
                raise ValidationError(
                    _("Enter a UPN in the correct format, like A123456789012, or leave it blank")
                ) from None
        return upn


class FamilyYouForm(PageForm):
    required_messages = {
        "full_name": _("Enter your full name"),
        "relationship": _("Select your relationship to the child or young person"),
    }
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    relationship = radios(_("Your relationship to the child or young person"), RELATIONSHIPS)
    phone = UKPhoneField(label=_("Phone number (optional)"), what=_("your phone number"), required=False)

    def adapt(self) -> None:
        if self.route == sections.YOUNG_PERSON:
            del self.fields["relationship"]


class FamilyResponsibilityForm(PageForm):
    required_messages = {
        "parental_responsibility": _("Select yes if you have parental responsibility"),
        "looked_after": _("Select yes if the child is looked after by the council"),
    }
    parental_responsibility = radios(_("Do you have parental responsibility for the child?"), YES_NO)
    others_with_responsibility = forms.CharField(
        label=_("Anyone else with parental responsibility (optional)"),
        help_text=_("Their names and how they are related to the child"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    looked_after = radios(_("Is the child looked after by a council (in care)?"), YES_NO)
    social_worker = forms.CharField(
        label=_("Social worker's name and contact details, if they have one (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def adapt(self) -> None:
        if self.route == sections.YOUNG_PERSON:
            del self.fields["parental_responsibility"]
            self.fields["others_with_responsibility"].label = _(
                "Anyone who has parental responsibility for you (optional)"
            )
            self.fields["looked_after"].label = _("Are you a care leaver or looked after by a council?")
            self.fields["looked_after"].error_messages["required"] = _(
                "Select yes if you are looked after or a care leaver"
            )


class NeedsAreasForm(PageForm):
    required_messages = {"areas": _("Select at least one area where they need help")}
    areas = forms.MultipleChoiceField(
        label=_("Which areas do they need help with?"),
        help_text=_("Select all that apply"),
        choices=[(key, _(label)) for key, label in sections.AREAS_OF_NEED.items()],
        widget=forms.CheckboxSelectMultiple,
    )


class NeedsDescriptionForm(PageForm):
    required_messages = {"description": _("Describe their needs in your own words")}
    description = forms.CharField(
        label=_("Describe their needs in your own words"),
        help_text=_("What they find hard, at home and at school or college, and how it affects them"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )


class NeedsSupportForm(PageForm):
    required_messages = {
        "support_in_place": _("Enter the support they get now, or write ‘none’"),
        "tried": _("Enter what has been tried, or write ‘nothing yet’"),
        "tried_for": _("Enter how long it has been tried for"),
    }
    support_in_place = forms.CharField(
        label=_("What support do they get now?"),
        help_text=_("For example, SEN support at school, a support plan, speech and language therapy"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    tried = forms.CharField(
        label=_("What has been tried to help them?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    tried_for = forms.CharField(label=_("For how long?"), help_text=_("For example, 2 terms"), max_length=200)

    def adapt(self) -> None:
        if self.route == sections.SCHOOL:
            self.fields["support_in_place"].label = _("What SEN support does the school give the pupil now?")
            self.fields["support_in_place"].help_text = _(
                "The assess, plan, do, review cycles so far, and the outside agencies involved"
            )
            self.fields["tried"].label = _("What has the school tried, and with what outcome?")


class ChildViewsForm(PageForm):
    child_views = forms.CharField(
        label=_("What do they say about school, what they enjoy and what they hope for? (optional)"),
        help_text=_(
            "Write it in their words. You can also add a drawing or a recording of them in ‘Reports and evidence’"
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=5000,
    )

    def adapt(self) -> None:
        if self.route == sections.SCHOOL:
            self.fields["child_views"].label = _(
                "What does the pupil say about school, what they enjoy and what they hope for? (optional)"
            )
        if self.route == sections.YOUNG_PERSON:
            self.fields["child_views"].label = _(
                "Tell us about you: what you enjoy, what is hard and what you hope for (optional)"
            )


class ParentViewsForm(PageForm):
    required_messages = {"parent_views": _("Enter your views")}
    parent_views = forms.CharField(
        label=_("Your views"),
        help_text=_("What you would like to happen, and anything else you want the council to know"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )

    def adapt(self) -> None:
        if self.route == sections.SCHOOL:
            self.fields["parent_views"].required = False
            self.fields["parent_views"].label = _("The parent or carer's views (optional)")
            self.fields["parent_views"].help_text = _(
                "The parent or carer can add these themselves with the link we email them"
            )


class ContactForm(PageForm):
    required_messages = {
        "channel": _("Select how you would like us to contact you"),
    }
    channel = radios(
        _("How would you like us to contact you?"),
        CHANNELS,
        help_text=_("If you choose a phone call, we will still send you the important letters in writing"),
    )
    phone = UKPhoneField(
        label=_("Phone number (needed for text messages and phone calls)"),
        help_text=_("A mobile number for text messages"),
        what=_("a phone number"),
        required=False,
    )
    language = forms.ChoiceField(
        label=_("Which language would you like us to use?"),
        help_text=_(
            "We write in this language when we have a translation. If we do not, we write in English and can "
            "arrange a translation or an interpreter"
        ),
        choices=LANGUAGES,
        initial="en",
        # Another system may leave it out: English, as the select starts.
        required=False,
        widget=LongSelect,
    )

    def adapt(self) -> None:
        if not self.initial.get("language"):
            # A family reading the form in Polish or Urdu is offered that language for our messages too.
            self.fields["language"].initial = preference_for(translation.get_language())
        if self.route == sections.SCHOOL:
            self.fields["channel"].label = _("How would the parent or carer like us to contact them?")
            self.fields["channel"].error_messages["required"] = _(
                "Select how the parent or carer would like us to contact them"
            )
            self.fields["language"].label = _("Which language would the parent or carer like us to use?")

    def clean(self):
        data = super().clean()
        if "phone" in self.errors:
            return data
        phone = data.get("phone") or ""
        if data.get("channel") in ("sms", "phone") and not phone:
            self.add_error("phone", _("Enter a phone number, or choose another way for us to contact you"))
        elif data.get("channel") == "sms" and not is_uk_mobile(phone):
            self.add_error(
                "phone",
                _(
                    "Enter a UK mobile phone number for text messages, like %(example)s, or choose another way "
                    "for us to contact you"
                )
                % {"example": MOBILE_EXAMPLE},
            )
        return data


class ConsentForm(PageForm):
    required_messages = {
        "young_person_consent": _("Select yes if the young person agrees to this request"),
        "declaration": _("Confirm that the information is correct to the best of your knowledge"),
        "share_with": _("Select at least one service we may share the request with"),
    }
    young_person_consent = radios(
        _("The young person is 16 or over. Do they agree to this request being made?"), YES_NO, required=False
    )
    share_with = forms.MultipleChoiceField(
        label=_("Who may we share this request with?"),
        help_text=_(
            "To decide, we ask these services for advice and information. Select all you agree to. If you do not "
            "agree to one, we will talk to you about it"
        ),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    declaration = forms.BooleanField(
        label=_("The information I have given is correct to the best of my knowledge")
    )

    def adapt(self) -> None:
        self.fields["share_with"].choices = [
            (agency["key"], _(agency["name"])) for agency in selectors.share_agencies(self.council_id)
        ]
        if self.route == sections.YOUNG_PERSON:
            self.fields["young_person_consent"].label = _("Do you agree to this request being made?")
            self.fields["young_person_consent"].error_messages["required"] = _(
                "Select yes if you agree to this request"
            )
            self.fields["young_person_consent"].required = True
        else:
            born = sections.parse_date((self.all_answers.get("child") or {}).get("date_of_birth"))
            if born is None or not statutory.is_young_person(born, self.today):
                del self.fields["young_person_consent"]
            else:
                self.fields["young_person_consent"].required = True

    def clean_young_person_consent(self):
        value = self.cleaned_data.get("young_person_consent")
        if value == "no":
            raise ValidationError(
                _(
                    "A request for a young person aged 16 or over needs their agreement. Talk to them before sending it"
                )
            )
        return value


class ParentDetailsForm(PageForm):
    """The school route: the parent or carer who gave consent."""

    required_messages = {
        "parent_name": _("Enter the parent or carer's full name"),
        "relationship": _("Select their relationship to the pupil"),
        "parent_email": _("Enter the parent or carer's email address"),
        "parental_responsibility": _("Select yes if they have parental responsibility"),
    }
    parent_name = forms.CharField(label=_("Parent or carer's full name"), max_length=200)
    relationship = radios(_("Their relationship to the pupil"), RELATIONSHIPS)
    parent_email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    parent_phone = UKPhoneField(
        label=_("Their phone number (optional)"), what=_("their phone number"), required=False
    )
    parental_responsibility = radios(_("Do they have parental responsibility for the pupil?"), YES_NO)


class ParentConsentForm(PageForm):
    required_messages = {
        "consent": _("Select yes if the parent or carer consents to this request"),
        "consent_how": _("Select how the parent or carer gave their consent"),
        "parent_involved": _("Select yes if the parent or carer wants to see and add to the request"),
    }
    consent = radios(_("Does the parent or carer consent to the school making this request?"), YES_NO)
    consent_date = GovUKDateField(
        label=_("Date they gave consent"),
        label_lower=_("the date they gave consent"),
        help_text=_("For example, 27 2 2026"),
    )
    consent_how = radios(
        _("How did they give consent?"), [(k, _(v)) for k, v in sections.CONSENT_HOW.items()]
    )
    parent_involved = radios(
        _("Does the parent or carer want to see and add to the request?"),
        YES_NO,
        help_text=_("If yes, we email them a link so they can add their views and reports"),
    )

    def clean_consent(self):
        value = self.cleaned_data.get("consent")
        if value == "no":
            raise ValidationError(
                _("A school can only make the request with the parent or carer's consent. Talk to them first")
            )
        return value

    def clean_consent_date(self):
        given = self.cleaned_data["consent_date"]
        if given > self.today:
            raise ValidationError(_("Date they gave consent must be today or in the past"))
        return given


class SchoolCareForm(FamilyResponsibilityForm):
    """The school route: who else has parental responsibility, and whether the pupil is in care."""

    def adapt(self) -> None:
        del self.fields["parental_responsibility"]
        self.fields["others_with_responsibility"].help_text = _(
            "Their names and how they are related to the pupil"
        )
        self.fields["looked_after"].label = _("Is the pupil looked after by a council (in care)?")
        self.fields["looked_after"].error_messages["required"] = _(
            "Select yes if the pupil is looked after by a council"
        )


class ProfessionalForm(GovUKForm):
    """One professional already working with the child. Not a page of answers: each one is added to a list."""

    required_messages = {
        "name": _("Enter their name"),
        "role": _("Enter what they do, for example speech and language therapist"),
        "service": _("Enter the service or organisation they work for"),
    }
    name = forms.CharField(label=_("Their name"), max_length=200)
    role = forms.CharField(
        label=_("What they do"), help_text=_("For example, speech and language therapist"), max_length=200
    )
    service = forms.CharField(
        label=_("The service or organisation they work for"),
        help_text=_("For example, Riverside Children's Therapy Service"),
        max_length=200,
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    phone = UKPhoneField(label=_("Phone number"), what=_("their phone number"), required=False)

    def clean(self):
        data = super().clean()
        if (
            "email" not in self.errors
            and "phone" not in self.errors
            and not data.get("email")
            and not data.get("phone")
        ):
            self.add_error("email", _("Enter an email address or a phone number for them"))
        return data

    def to_person(self) -> dict:
        return {name: (self.cleaned_data.get(name) or "").strip() for name in sections.PROFESSIONAL_FIELDS}


PAGE_FORMS = {
    ("child", "name"): ChildNameForm,
    ("child", "date_of_birth"): ChildDateOfBirthForm,
    ("child", "address"): ChildAddressForm,
    ("child", "language"): ChildLanguageForm,
    ("child", "setting"): ChildSettingForm,
    ("family", "you"): FamilyYouForm,
    ("family", "responsibility"): FamilyResponsibilityForm,
    ("needs", "areas"): NeedsAreasForm,
    ("needs", "description"): NeedsDescriptionForm,
    ("needs", "support"): NeedsSupportForm,
    ("views", "child_views"): ChildViewsForm,
    ("views", "parent_views"): ParentViewsForm,
    ("contact", "preferences"): ContactForm,
    ("parent_consent", "parent"): ParentDetailsForm,
    ("parent_consent", "consent"): ParentConsentForm,
    ("parent_consent", "care"): SchoolCareForm,
    ("consent", "declaration"): ConsentForm,
}


class EvidenceForm(GovUKForm):
    required_messages = {"file": _("Select a file to upload"), "kind": _("Select what the document is")}
    file = forms.FileField(
        label=_("Upload a file"), help_text=_("PDF, Word, a photo, a drawing or a recording")
    )
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=DraftEvidence.Kind.choices, widget=forms.RadioSelect
    )
    report_date = GovUKDateField(
        label=_("Date of the report (optional for the child's views)"),
        label_lower=_("the date of the report"),
        required=False,
        help_text=_("For example, 14 9 2025"),
    )
    old_reason = forms.CharField(
        label=_("If the report is more than 12 months old, why should we use it? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, today=None, max_months: int = 12, **kwargs):
        self.today = today or datetime.date.today()
        self.max_months = max_months
        super().__init__(*args, **kwargs)
        self.fields["old_reason"].label = _(
            "If the report is more than %(months)s months old, why should we use it? (optional)"
        ) % {"months": max_months}

    def clean_file(self):
        # Checked here as well as by the service, so a disguised file is said with every other problem at once.
        upload = self.cleaned_data["file"]
        try:
            inspect_upload(upload)
        except DocumentRejected as rejected:
            raise ValidationError(str(rejected)) from None
        return upload

    def clean(self):
        data = super().clean()
        kind, report_date = data.get("kind"), data.get("report_date")
        if kind and kind in sections.DATED_KINDS and report_date is None and "report_date" not in self.errors:
            self.add_error("report_date", _("Enter the date of the report"))
        if report_date and report_date > self.today:
            self.add_error("report_date", _("Date of the report must be today or in the past"))
        elif (
            sections.is_old(report_date, today=self.today, max_months=self.max_months)
            and not (data.get("old_reason") or "").strip()
        ):
            self.add_error(
                "old_reason",
                _("The report is more than %(months)s months old. Say why we should use it")
                % {"months": self.max_months},
            )
        return data


class EvidenceDoneForm(GovUKForm):
    pass


ROUTE_LABELS = dict(Route.choices)
