from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases import selectors, services, statutory, workflow
from cases.documents import DocumentRejected, inspect_upload
from cases.identifiers import normalise, validate_nhs_number, validate_uln, validate_upn
from cases.models import (
    AreaOfNeed,
    CaseDocument,
    Ethnicity,
    FamilyContact,
    Gender,
    Requester,
    RequestRoute,
    TeamRole,
)
from core.forms import GovUKDateField, GovUKForm, LongSelect, UKPhoneField, UKPostcodeField

CHOOSE = _("Choose")


def _blank(choices, label=CHOOSE):
    return [("", label), *choices]


class ChildDetailsForm(GovUKForm):
    """The child's details, shared by logging a request and correcting the record later."""

    required_messages = {
        "legal_first_name": _("Enter the child's first name"),
        "legal_last_name": _("Enter the child's last name"),
        "route": _("Select how the request arrived"),
        "requested_by": _("Select who made the request"),
        "contact_name": _("Enter the parent or carer's full name"),
        "contact_relationship": _("Select their relationship to the child"),
    }

    legal_first_name = forms.CharField(label=_("Child's first name"), max_length=100)
    legal_last_name = forms.CharField(label=_("Child's last name"), max_length=100)
    preferred_name = forms.CharField(
        label=_("Name they like to be called (optional)"), max_length=100, required=False
    )
    date_of_birth = GovUKDateField(
        label=_("Child's date of birth"),
        label_lower=_("the child's date of birth"),
        help_text=_("For example, 15 6 2016"),
    )
    gender = forms.ChoiceField(label=_("Gender (optional)"), choices=_blank(Gender.choices), required=False)
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity (optional)"), choices=_blank(Ethnicity.choices), required=False
    )
    home_languages = forms.CharField(
        label=_("Languages spoken at home (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, English, Polish"),
    )
    interpreter_needed = forms.BooleanField(label=_("The family needs an interpreter"), required=False)
    address = forms.CharField(
        label=_("Home address (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    postcode = UKPostcodeField(label=_("Postcode (optional)"), required=False)
    current_setting = forms.ModelChoiceField(
        widget=LongSelect,
        label=_("Current school or setting (optional)"),
        queryset=None,
        required=False,
        empty_label=_("None or not known"),
    )
    setting_name = forms.CharField(
        label=_("Setting not in the list (optional)"),
        help_text=_("For example, a nursery in another area, or ‘home educated’"),
        required=False,
        max_length=200,
    )
    upn = forms.CharField(
        label=_("Unique pupil number (UPN) (optional)"),
        required=False,
        max_length=20,
        help_text=_("13 characters, for example A123456789012"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    uln = forms.CharField(
        label=_("Unique learner number (ULN) (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    nhs_number = forms.CharField(
        label=_("NHS number (optional)"),
        required=False,
        max_length=20,
        help_text=_("10 numbers, for example 485 777 3457"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_setting"].queryset = selectors.schools_for(council_id=council_id)

    def clean_upn(self):
        value = normalise(self.cleaned_data["upn"])
        validate_upn(value)
        return value

    def clean_uln(self):
        value = normalise(self.cleaned_data["uln"])
        validate_uln(value)
        return value

    def clean_nhs_number(self):
        value = normalise(self.cleaned_data["nhs_number"])
        validate_nhs_number(value)
        return value

    def check_age(self, *, received_on) -> None:
        born = self.cleaned_data.get("date_of_birth")
        if received_on and born:
            problem = services.child_age_problem(date_of_birth=born, received_on=received_on)
            if problem:
                self.add_error("date_of_birth", problem)

    def child_details(self) -> services.ChildDetails:
        data = self.cleaned_data
        return services.ChildDetails(
            legal_first_name=data["legal_first_name"].strip(),
            legal_last_name=data["legal_last_name"].strip(),
            preferred_name=data["preferred_name"].strip(),
            date_of_birth=data["date_of_birth"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            home_languages=data["home_languages"],
            interpreter_needed=data["interpreter_needed"],
            address=data["address"],
            postcode=data["postcode"],
            upn=data["upn"],
            uln=data["uln"],
            nhs_number=data["nhs_number"],
            current_setting_id=data["current_setting"].pk if data["current_setting"] else None,
            setting_name=data["setting_name"].strip(),
        )


class EditChildForm(ChildDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, received_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.received_on = received_on

    def clean(self):
        data = super().clean()
        self.check_age(received_on=self.received_on)
        return data


class LogRequestForm(ChildDetailsForm):
    """A request that arrived by letter or email, typed in by staff with the date the council received it."""

    # The order the page asks the questions in, so the error summary lists problems in the same order.
    field_order = [
        "received_on",
        "route",
        "requested_by",
        "summary",
        "legal_first_name",
        "legal_last_name",
        "preferred_name",
        "date_of_birth",
        "gender",
        "ethnicity",
        "home_languages",
        "interpreter_needed",
        "address",
        "postcode",
        "current_setting",
        "setting_name",
        "upn",
        "uln",
        "nhs_number",
        "primary_need",
        "secondary_need",
        "contact_name",
        "contact_relationship",
        "contact_parental_responsibility",
        "contact_email",
        "contact_phone",
        "coordinator",
    ]

    received_on = GovUKDateField(
        label=_("Date the council received the request"),
        label_lower=_("the date the council received the request"),
        help_text=_("The statutory 20 weeks start on this date, not today. For example, 27 3 2026"),
    )
    route = forms.ChoiceField(
        label=_("How did the request arrive?"), choices=RequestRoute.choices[1:3], widget=forms.RadioSelect
    )
    requested_by = forms.ChoiceField(
        label=_("Who made the request?"), choices=Requester.choices, widget=forms.RadioSelect
    )
    contact_name = forms.CharField(label=_("Parent or carer's full name"), max_length=200)
    contact_relationship = forms.ChoiceField(
        label=_("Their relationship to the child"), choices=FamilyContact.Relationship.choices
    )
    contact_parental_responsibility = forms.BooleanField(
        label=_("They have parental responsibility"), required=False, initial=True
    )
    contact_email = forms.EmailField(
        label=_("Their email address (optional)"),
        required=False,
        help_text=_("We use this to tell them about the request"),
    )
    contact_phone = UKPhoneField(
        label=_("Their phone number (optional)"), what=_("their phone number"), required=False
    )
    primary_need = forms.ChoiceField(
        label=_("Primary area of need (if known)"),
        choices=_blank(AreaOfNeed.choices, _("Not known yet")),
        required=False,
    )
    secondary_need = forms.ChoiceField(
        label=_("Secondary area of need (if known)"),
        choices=_blank(AreaOfNeed.choices, _("None or not known")),
        required=False,
    )
    summary = forms.CharField(
        label=_("Why the request was made"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("A short summary in the requester's words"),
    )
    coordinator = forms.ModelChoiceField(
        widget=LongSelect,
        label=_("Coordinator (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Allocate later"),
    )

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, council_id=council_id, **kwargs)
        self.fields["coordinator"].queryset = selectors.coordinators_with_load(council_id=council_id)
        self.fields["coordinator"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.open_cases} open cases)"
        )

    def clean(self):
        data = super().clean()
        received = data.get("received_on")
        today = selectors.today()
        if received and received > today:
            self.add_error("received_on", services.RECEIVED_IN_FUTURE)
        # The age is checked even when the date received is missing or wrong (against today, which it cannot
        # be after), so a child too old for a request is said with every other problem, not after them.
        self.check_age(received_on=received if received and received <= today else today)
        if data.get("secondary_need") and data.get("secondary_need") == data.get("primary_need"):
            self.add_error("secondary_need", services.SAME_NEED)
        return data

    def contacts(self) -> list[services.ContactDetails]:
        data = self.cleaned_data
        return [
            services.ContactDetails(
                name=data["contact_name"],
                relationship=data["contact_relationship"],
                parental_responsibility=data["contact_parental_responsibility"],
                email=data["contact_email"],
                phone=data["contact_phone"],
            )
        ]


class TransitionForm(GovUKForm):
    required_messages = {"reason": _("Enter the reason. It is recorded on the case and sent to the family")}

    on = GovUKDateField(label=_("Date"), label_lower=_("the date"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, transition: workflow.Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        date_labels = {
            "assessment_decided_on": _("Date of the decision"),
            "issue_decided_on": _("Date of the decision"),
            "draft_served_on": _("Date the draft was sent to the family"),
            "family_responded_on": _("Date the family's comments were received"),
            "final_issued_on": _("Date the final plan was issued"),
            "next_review_meeting_on": _("Date of the review meeting"),
            "last_review_meeting_on": _("Date the review meeting was held"),
        }
        self.fields["on"].label = date_labels.get(transition.sets_date or "", _("Date this happened"))
        label = str(self.fields["on"].label)
        self.fields["on"].label_lower = "the " + label[:1].lower() + label[1:]
        if transition.needs_reason:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _(
                "This is recorded on the case and sent to the family with their appeal rights"
            )
        else:
            self.fields["reason"].label = _("Note (optional)")


class AllocateForm(GovUKForm):
    coordinator = forms.ModelChoiceField(
        widget=LongSelect, label=_("Coordinator"), queryset=None, empty_label=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        qs = selectors.coordinators_with_load(council_id=council_id)
        self.fields["coordinator"].queryset = qs
        self.fields["coordinator"].label_from_instance = lambda u: (
            f"{u.full_name} ({u.open_cases} open cases)"
        )


class CaseFilterForm(GovUKForm):
    q = forms.CharField(
        label=_("Search by name, reference or date of birth"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "class": "govuk-input--width-20"}),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=_blank(workflow.STAGE_CHOICES, _("Any stage"))
    )
    rag = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[
            ("", _("Any")),
            (selectors.Rag.RED, _("Red: missed or due within 7 days")),
            (selectors.Rag.AMBER, _("Amber: due within 21 days")),
            (selectors.Rag.GREEN, _("Green: due later")),
        ],
    )
    school = forms.ModelChoiceField(
        widget=LongSelect, label=_("School or setting"), queryset=None, required=False, empty_label=_("Any")
    )

    def __init__(self, *args, council_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = selectors.schools_for(council_id=council_id)

    def filters(self, **extra) -> selectors.CaseFilters:
        data = self.cleaned_data if self.is_valid() else {}
        school = data.get("school")
        return selectors.CaseFilters(
            stage=data.get("stage", ""),
            rag=data.get("rag", ""),
            school=school.pk if school else None,
            query=data.get("q", ""),
            **extra,
        )


class DocumentForm(GovUKForm):
    required_messages = {"file": _("Select a file to upload"), "category": _("Select the type of document")}

    file = forms.FileField(
        label=_("Upload a file"), help_text=_("PDF, Word, a picture, audio or plain text, smaller than 20 MB")
    )
    category = forms.ChoiceField(label=_("Type of document"), choices=_blank(CaseDocument.Category.choices))
    description = forms.CharField(label=_("Description (optional)"), max_length=300, required=False)
    visibility = forms.ChoiceField(
        label=_("Who can see this document?"),
        choices=CaseDocument.Visibility.choices,
        initial=CaseDocument.Visibility.FAMILY,
        widget=forms.RadioSelect,
        help_text=_(
            "The case team is the council, the professionals giving advice or sitting on the panel, and the school."
        ),
    )

    def clean_file(self):
        # Checked here as well as by the service, so a disguised file is said with every other problem at once.
        upload = self.cleaned_data["file"]
        try:
            inspect_upload(upload)
        except DocumentRejected as rejected:
            raise forms.ValidationError(str(rejected)) from None
        return upload


class DocumentVisibilityForm(GovUKForm):
    required_messages = {"visibility": _("Select who can see the document")}

    visibility = forms.ChoiceField(
        label=_("Who can see this document?"),
        choices=CaseDocument.Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "The case team is the council, the professionals giving advice or sitting on the panel, and the school."
        ),
    )
    reason = forms.CharField(label=_("Why (optional)"), max_length=300, required=False)
    # What the person saw when the page opened: a change made meanwhile by someone else is not overwritten.
    was = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)


class WithdrawDocumentForm(GovUKForm):
    required_messages = {"reason": _("Enter why the document is being withdrawn")}

    reason = forms.CharField(
        label=_("Why is this document being withdrawn?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ExceptionForm(GovUKForm):
    required_messages = {
        "kind": _("Select which exception applies"),
        "reason": _("Enter why the exception applies"),
    }

    kind = forms.ChoiceField(
        label=_("Which exception applies?"),
        choices=[(k.value, statutory.EXCEPTION_LABELS[k]) for k in statutory.ExceptionKind],
        widget=forms.RadioSelect,
    )
    starts_on = GovUKDateField(label=_("From"), label_lower=_("the date the exception started"))
    ends_on = GovUKDateField(
        label=_("To (optional)"),
        label_lower=_("the date the exception ended"),
        required=False,
        help_text=_(
            "Leave this blank if it is still going on. You can add the end date from the case page later"
        ),
    )
    reason = forms.CharField(
        label=_("Why does it apply?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what happened. This is kept for the SEN2 return and any tribunal"),
    )
    # One request for advice's own time limit (reg 8(2)): its deadline ref, from the link on that request.
    ref = forms.CharField(widget=forms.HiddenInput, required=False, max_length=60)

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must be the same as or after the start date"))
        return data


class EndExceptionForm(GovUKForm):
    ends_on = GovUKDateField(
        label=_("Date the exception ended"),
        label_lower=_("the date the exception ended"),
        help_text=_("For example, 27 3 2026"),
    )

    def __init__(self, *args, starts_on, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.starts_on = starts_on
        self.today = today

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < self.starts_on:
            raise forms.ValidationError(
                _("The end date must be the same as or after the start date, %(start)s")
                % {"start": f"{self.starts_on:%-d %B %Y}"}
            )
        if ends_on > self.today:
            raise forms.ValidationError(_("The end date must be today or in the past"))
        return ends_on


class TeamMemberForm(GovUKForm):
    required_messages = {"user": _("Select the person to add"), "role": _("Select their role on the case")}

    user = forms.ModelChoiceField(widget=LongSelect, label=_("Person"), queryset=None)
    # No default: a role picked for them by the page is how a member of staff once joined as the family.
    # The coordinator joins through "Change coordinator", never here.
    role = forms.ChoiceField(
        label=_("Role on the case"),
        choices=_blank([choice for choice in TeamRole.choices if choice[0] != TeamRole.COORDINATOR]),
    )

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).filter(
            organisation__council_id=council_id
        ) | User.objects.filter(is_active=True, organisation_id=council_id)
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name} – {u.get_role_display()}"


class InvolvedProfessionalForm(GovUKForm):
    required_messages = {
        "name": _("Enter their name"),
        "role": _("Enter what they do, for example speech and language therapist"),
        "service": _("Enter the service or organisation they work for"),
    }
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.CharField(
        label=_("What they do"), help_text=_("For example, community paediatrician"), max_length=200
    )
    service = forms.CharField(label=_("Service or organisation"), max_length=200)
    email = forms.EmailField(
        label=_("Email address (optional)"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
    phone = UKPhoneField(label=_("Phone number (optional)"), what=_("their phone number"), required=False)

    def details(self) -> services.ProfessionalDetails:
        data = self.cleaned_data
        return services.ProfessionalDetails(
            name=data["name"].strip(),
            role=data["role"].strip(),
            service=data["service"].strip(),
            email=data["email"].strip(),
            phone=data["phone"].strip(),
        )


class InviteToCaseForm(GovUKForm):
    required_messages = {
        "role": _("Select who you are inviting"),
        "full_name": _("Enter their full name"),
        "email": _("Enter their email address"),
    }

    role = forms.ChoiceField(
        label=_("Who are you inviting?"),
        widget=forms.RadioSelect,
        choices=[
            ("parent", _("A parent or carer")),
            ("young_person", _("The young person (16 or over)")),
            ("senco", _("A school SENCo")),
            ("supporter", _("A supporter the family has asked for, such as SENDIASS")),
        ],
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We will send them a link to join. It works once and expires in 14 days"),
    )
    organisation = forms.ModelChoiceField(
        widget=LongSelect,
        label=_("Their school or organisation (SENCo and supporter only)"),
        queryset=None,
        required=False,
        empty_label=_("Not applicable"),
    )

    def __init__(self, *args, council_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.partner_organisations(council_id=council_id)


class RequestIncompleteForm(GovUKForm):
    required_messages = {"reason": _("Enter what is missing from the request")}

    reason = forms.CharField(
        label=_("What is missing from the request?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        help_text=_(
            "This is sent to the family as you write it. Say what is missing and what they should send, "
            "in plain English"
        ),
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Enter what is missing from the request"))
        return reason
