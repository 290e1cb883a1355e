"""Forms for signing in, passwords, staff and invitations. Markup comes from the GOV.UK form renderer."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from accounts import selectors, services
from accounts.models import Discipline, Organisation, Role, User
from core.forms import GovUKForm, UKPhoneField
from core.languages import LANGUAGES
from core.validators import MOBILE_EXAMPLE, is_uk_mobile

EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.com")


def _email_field(label, *, required_message, help_text="") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        help_text=help_text,
        error_messages={"required": required_message, "invalid": EMAIL_FORMAT},
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )


def _password_help_text() -> str:
    """What makes a password acceptable, in plain words, following the configured validators."""
    validators = password_validation.get_default_password_validators()
    min_length = next(
        (v.min_length for v in validators if isinstance(v, password_validation.MinimumLengthValidator)), None
    )
    if min_length is None:
        return " ".join(str(text) for text in password_validation.password_validators_help_texts())
    return _(
        "Use at least %(count)d characters. Do not use a common password, only numbers, or something close to "
        "your name or email address. A few random words together make a strong password."
    ) % {"count": min_length}


def _blank(choices, label):
    return [("", label), *choices]


class EmailAuthenticationForm(AuthenticationForm):
    username = _email_field(_("Email address"), required_message=_("Enter your email address"))

    error_messages = {
        "invalid_login": _(
            "Enter the email address and password for your account. If you have forgotten your password, "
            "you can reset it"
        ),
        "inactive": _("This account has been closed. Ask your administrator if you need it back"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["password"].error_messages["required"] = _("Enter your password")

    def clean_username(self):
        return services.normalise_email(self.cleaned_data["username"])


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset request; the email is written to the outbox by `services.email_password_reset`."""

    email = _email_field(
        _("Email address"),
        help_text=_("The email address you use to sign in"),
        required_message=_("Enter your email address"),
    )

    def get_users(self, email):
        # Staff start with no usable password; if their set-up link has expired this is how they get a new one.
        email = services.normalise_email(email)
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, **kwargs) -> None:
        # Django's save() renders and sends the email itself; the link is made by the service instead.
        for user in self.get_users(self.cleaned_data["email"]):
            services.email_password_reset(user=user)


class _NewPasswordMixin:
    """Plain-English labels and messages, and validator messages shown on the box where the password is typed."""

    def _relabel(self, label1, label2):
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = label1, label2
        first.help_text = _password_help_text()
        second.help_text = ""
        first.error_messages["required"] = _("Enter a new password")
        second.error_messages["required"] = _("Enter the new password again")

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class NewPasswordForm(_NewPasswordMixin, SetPasswordForm):
    error_messages = {
        "password_mismatch": _("The passwords do not match. Enter the same password in both boxes")
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self._relabel(_("Create a password"), _("Confirm your password"))


class ChangePasswordForm(_NewPasswordMixin, PasswordChangeForm):
    error_messages = {
        "password_mismatch": _("The passwords do not match. Enter the same password in both boxes"),
        "password_incorrect": _("Your current password is not correct. Enter it again"),
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["old_password"].error_messages["required"] = _("Enter your current password")
        self._relabel(_("New password"), _("Confirm your new password"))


class StaffForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter their full name")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = _email_field(
        _("Email address"),
        help_text=_("Their work email address. We will send them a link to set their password"),
        required_message=_("Enter their email address"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in selectors.STAFF_ROLES],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select their role"),
            "invalid_choice": _("Select one of the roles listed"),
        },
    )
    discipline = forms.ChoiceField(
        label=_("Discipline (specialists only)"),
        choices=_blank(Discipline.choices, _("Not a specialist")),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation they work for"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text=_(
            "Coordinators, business support, service managers and administrators work for the council"
        ),
        error_messages={
            "required": _("Select the organisation they work for"),
            "invalid_choice": _("Select the council or one of its partner organisations from the list"),
        },
    )
    job_title = forms.CharField(label=_("Job title (optional)"), max_length=200, required=False)

    def __init__(self, *args, council: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.staff_organisations(council=council)
        self.fields["organisation"].initial = council.pk

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SPECIALIST and not data.get("discipline"):
            self.add_error("discipline", _("Select the specialist's discipline"))
        return data


class InvitationForm(forms.Form):
    ROLES = [(r.value, r.label) for r in (Role.PARENT, Role.YOUNG_PERSON, Role.SENCO, Role.SUPPORTER)]

    full_name = forms.CharField(
        label=_("Their full name"), max_length=200, error_messages={"required": _("Enter their full name")}
    )
    email = _email_field(
        _("Their email address"),
        help_text=_("We will email them a link to create their account"),
        required_message=_("Enter their email address"),
    )
    role = forms.ChoiceField(
        label=_("Who are you inviting?"),
        choices=ROLES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select who you are inviting"),
            "invalid_choice": _("Select one of the people listed"),
        },
    )
    school = forms.ModelChoiceField(
        label=_("School (for a SENCo)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Choose a school"),
        error_messages={"invalid_choice": _("Select a school from the list")},
    )
    charity = forms.ModelChoiceField(
        label=_("Support organisation (for a supporter, optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None"),
        error_messages={"invalid_choice": _("Select a support organisation from the list")},
    )

    def __init__(self, *args, council: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = selectors.schools_for(council=council)
        self.fields["charity"].queryset = selectors.charities_for(council=council)

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SENCO and not data.get("school") and "school" not in self.errors:
            self.add_error("school", _("Select the SENCo's school"))
        return data

    @property
    def organisation(self) -> Organisation | None:
        role = self.cleaned_data.get("role")
        if role == Role.SENCO:
            return self.cleaned_data.get("school")
        if role == Role.SUPPORTER:
            return self.cleaned_data.get("charity")
        return None

    @property
    def organisation_field(self) -> str:
        return "school" if self.cleaned_data.get("role") == Role.SENCO else "charity"


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Create a password"),
        strip=False,
        error_messages={"required": _("Enter a password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirm your password"),
        strip=False,
        error_messages={"required": _("Enter the password again")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = _password_help_text()

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error(
                "password2", _("The passwords do not match. Enter the same password in both boxes")
            )
        if password1:
            # Checked against the account about to exist, so a password like the person's name is refused.
            user = User(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ContactPreferencesForm(GovUKForm):
    required_messages = {"preferred_channel": _("Select how you would like us to contact you")}

    preferred_channel = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        help_text=_(
            "We tell you about every step and decision on your case this way. Letters about decisions are always posted too."
        ),
        choices=[("email", _("Email")), ("sms", _("Text message")), ("letter", _("Letter by post"))],
        widget=forms.RadioSelect,
    )
    phone = UKPhoneField(
        label=_("Mobile phone number (needed for text messages)"),
        what=_("a phone number"),
        required=False,
    )
    postal_address = forms.CharField(
        label=_("Postal address (needed for letters)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    language = forms.ChoiceField(
        label=_("Which language would you like us to write to you in?"),
        help_text=_(
            "We write to you in this language when we have a translation of the message. "
            "If we do not, we write in English and can arrange a translation or an interpreter."
        ),
        choices=LANGUAGES,
        # Not required so that a form sent without it (an older page still open) keeps the language they had.
        required=False,
        error_messages={"invalid_choice": _("Select a language from the list")},
        widget=forms.Select,
    )
    wants_daily_digest = forms.BooleanField(
        label=_("Email me each morning with what is due this week on my cases"), required=False
    )

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["wants_daily_digest"]

    def clean_language(self):
        return self.cleaned_data["language"] or self.get_initial_for_field(
            self.fields["language"], "language"
        )

    def clean(self):
        data = super().clean()
        # Said here as well as by the service, so it shows with every other problem at once.
        phone = data.get("phone")
        if data.get("preferred_channel") == "sms" and phone and not is_uk_mobile(phone):
            self.add_error(
                "phone",
                _("Enter a UK mobile phone number for text messages, like %(example)s")
                % {"example": MOBILE_EXAMPLE},
            )
        return data
