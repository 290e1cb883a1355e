from django import forms
from django.utils.translation import gettext_lazy as _

from cases.documents import DocumentRejected, inspect_upload
from cases.models import CaseDocument
from core.forms import GovUKForm, UKPhoneField
from core.languages import LANGUAGES
from core.validators import MOBILE_EXAMPLE, is_uk_mobile
from portal.models import ShareRole
from portal.services import MAX_MESSAGE_LENGTH

# What a family may call the documents they add (the council's own kinds, such as letters, are not theirs to use).
FAMILY_CATEGORIES = [
    ("", _("Choose the type of document")),
    (CaseDocument.Category.PARENT_VIEWS, _("My views, or the family's views")),
    (CaseDocument.Category.CHILD_VIEWS, _("The child's or young person's views")),
    (CaseDocument.Category.MEDICAL, _("A medical letter or report")),
    (CaseDocument.Category.SCHOOL_REPORT, _("A school report")),
    (CaseDocument.Category.OTHER, _("Something else")),
]


class MessageForm(GovUKForm):
    required_messages = {"body": _("Enter your message")}

    body = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReplyForm(GovUKForm):
    required_messages = {"body": _("Enter your answer")}

    body = forms.CharField(
        label=_("Answer the family"), max_length=MAX_MESSAGE_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class FamilyDocumentForm(GovUKForm):
    required_messages = {"file": _("Select a file to upload"), "category": _("Select the type of document")}

    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("A PDF, Word file, photo, recording or text file, smaller than 20 MB"),
    )
    category = forms.ChoiceField(label=_("What is it?"), choices=FAMILY_CATEGORIES)
    description = forms.CharField(label=_("Tell us about it (optional)"), max_length=300, required=False)

    def clean_file(self):
        # The same checks as every upload (cases.documents), said here with every other problem at once.
        upload = self.cleaned_data["file"]
        try:
            inspect_upload(upload)
        except DocumentRejected as rejected:
            raise forms.ValidationError(str(rejected)) from None
        return upload


class ShareForm(GovUKForm):
    required_messages = {
        "role": _("Select who you want to let see the case"),
        "full_name": _("Enter their full name"),
        "email": _("Enter their email address"),
    }

    role = forms.ChoiceField(label=_("Who are they?"), choices=ShareRole.choices, widget=forms.RadioSelect)
    full_name = forms.CharField(label=_("Their full name"), max_length=200)
    email = forms.EmailField(label=_("Their email address"), max_length=254)


class PreferencesForm(GovUKForm):
    required_messages = {"preferred_channel": _("Select how you would like us to contact you")}

    preferred_channel = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        choices=[("email", _("Email")), ("sms", _("Text message")), ("letter", _("Letter by post"))],
        widget=forms.RadioSelect,
    )
    phone = UKPhoneField(
        label=_("Mobile phone number (needed for text messages)"), what=_("a phone number"), required=False
    )
    postal_address = forms.CharField(
        label=_("Postal address (needed for letters)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    language = forms.ChoiceField(
        label=_("Which language would you like to use?"),
        help_text=_(
            "We write to you in this language when we can. If we cannot, we can arrange an interpreter."
        ),
        choices=LANGUAGES,
        error_messages={"invalid_choice": _("Select a language from the list")},
    )
    needs = forms.CharField(
        label=_("Is there anything that would help you use this service or come to meetings? (optional)"),
        help_text=_("For example, large print, an easy read version, or a ground floor room."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    interpreter = forms.BooleanField(label=_("I need an interpreter at meetings"), required=False)

    def clean(self):
        data = super().clean()
        phone = data.get("phone")
        if data.get("preferred_channel") == "sms" and phone and not is_uk_mobile(phone):
            self.add_error(
                "phone",
                _("Enter a UK mobile phone number for text messages, like %(example)s")
                % {"example": MOBILE_EXAMPLE},
            )
        return data


class SignInLinkForm(GovUKForm):
    required_messages = {"email": _("Enter your email address")}

    email = forms.EmailField(
        label=_("Email address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ClaimForm(GovUKForm):
    required_messages = {"password1": _("Enter a password"), "password2": _("Enter the password again")}

    password1 = forms.CharField(
        label=_("Choose a password"),
        help_text=_("At least 10 characters. A few words you can remember work well."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Enter the password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The passwords do not match. Enter the same password twice"))
        return data


class DraftCommentForm(GovUKForm):
    """A comment on one section of the draft plan (or one thing in it); section I also names a school."""

    required_messages = {}

    text = forms.CharField(
        label=_("Your comment, or the change you would like"),
        help_text=_("Say what is wrong or missing, and what you would like it to say instead"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    school_wanted = forms.CharField(
        label=_("The school or college you would like named (optional)"),
        help_text=_("Its full name, as the school or college writes it"),
        max_length=200,
        required=False,
    )
    school_reason = forms.CharField(
        label=_("Why this school or college (optional)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    wants_meeting = forms.BooleanField(
        label=_("I would like a meeting with the council about the draft plan"), required=False
    )
    evidence = forms.FileField(
        label=_("Upload evidence (optional)"),
        help_text=_(
            "For example a report or letter. A PDF, Word file, photo, recording or text file, smaller than 20 MB"
        ),
        required=False,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, section: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        if section != "I":
            del self.fields["school_wanted"]
            del self.fields["school_reason"]

    def clean_evidence(self):
        # The same checks as every upload (cases.documents), said here with every other problem at once.
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        try:
            inspect_upload(upload)
        except DocumentRejected as rejected:
            raise forms.ValidationError(str(rejected)) from None
        return upload

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        school = (data.get("school_wanted") or "").strip()
        reason = (data.get("school_reason") or "").strip()
        if not text and not school and "text" not in self.errors:
            self.add_error(
                "text",
                _("Enter your comment, or the school or college you would like")
                if self.section == "I"
                else _("Enter your comment"),
            )
        if reason and not school and "school_wanted" not in self.errors:
            self.add_error("school_wanted", _("Enter the name of the school or college you would like"))
        return data


class SendResponseForm(GovUKForm):
    required_messages = {"confirm": _("Confirm that you want to send your comments")}

    confirm = forms.BooleanField(label=_("I have checked my comments and want to send them to the council"))
