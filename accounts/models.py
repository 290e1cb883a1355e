import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from simple_history.models import HistoricalRecords

from core.languages import ENGLISH, LANGUAGES


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", _("Council")
    SCHOOL = "school", _("School or setting")
    NHS = "nhs", _("NHS body")
    SOCIAL_CARE = "social_care", _("Social care team")
    CHARITY = "charity", _("Support charity")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    # Which council's area a school, NHS body or charity works in; councils leave it empty.
    council = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": OrganisationKind.COUNCIL},
    )
    urn = models.CharField(_("URN or ODS code"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "council"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    PARENT = "parent", _("Parent or carer")
    YOUNG_PERSON = "young_person", _("Young person")
    SENCO = "senco", _("School SENCo")
    COORDINATOR = "coordinator", _("EHC coordinator")
    BUSINESS_SUPPORT = "business_support", _("Business support")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    SPECIALIST = "specialist", _("Specialist")
    PANEL_MEMBER = "panel_member", _("Panel member")
    SUPPORTER = "supporter", _("Supporter")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles held by council staff: they see every case of their own council. Everyone else sees only the
# cases whose team they (or their organisation) are on.
COUNCIL_ROLES = frozenset({Role.COORDINATOR, Role.BUSINESS_SUPPORT, Role.SERVICE_MANAGER, Role.ADMINISTRATOR})
# Roles that join by invitation rather than being created by an administrator.
EXTERNAL_ROLES = frozenset({Role.PARENT, Role.YOUNG_PERSON, Role.SENCO, Role.SUPPORTER})
FAMILY_ROLES = frozenset({Role.PARENT, Role.YOUNG_PERSON})


class Discipline(models.TextChoices):
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", _("Educational psychology")
    SPEECH_AND_LANGUAGE = "speech_and_language", _("Speech and language therapy")
    OCCUPATIONAL_THERAPY = "occupational_therapy", _("Occupational therapy")
    HEALTH = "health", _("Health")
    SOCIAL_CARE = "social_care", _("Social care")
    OTHER = "other", _("Other")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        extra.setdefault("role", Role.ADMINISTRATOR)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    discipline = models.CharField(_("discipline"), max_length=40, choices=Discipline.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    # How they want to hear from the service: email, text message or letter (notifications.models.Channel).
    preferred_channel = models.CharField(
        _("how to contact them"),
        max_length=10,
        choices=[("email", _("Email")), ("sms", _("Text message")), ("letter", _("Letter"))],
        default="email",
    )
    # The language messages are written in, where the council has a translation (core/languages.py).
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES, default=ENGLISH)
    # Staff only: a morning email of what is due this week across their caseload.
    wants_daily_digest = models.BooleanField(_("send me a daily digest"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("can use the support admin"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["organisation", "role"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="specialist") | ~models.Q(discipline=""),
                name="specialist_has_discipline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_council_staff(self) -> bool:
        return self.role in COUNCIL_ROLES and self.organisation_id is not None

    @property
    def council_id(self) -> int | None:
        """The council whose cases this person works on (their own organisation, or its council)."""
        if self.organisation is None:
            return None
        if self.organisation.kind == OrganisationKind.COUNCIL:
            return self.organisation_id
        return self.organisation.council_id


class Invitation(models.Model):
    """A single-use, expiring link that lets an external person create their account."""

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    # A specialist's account must name their discipline, so the invitation carries it.
    discipline = models.CharField(_("discipline"), max_length=40, choices=Discipline.choices, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    # Only the hash is stored: a leaked database does not leak working links.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations_accepted"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # What the new account is for, such as joining one case's team; read by the inviting app's service.
    purpose = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


class ApiToken(AbstractAuthToken):
    """A token for the API. Only a hash is kept (django-rest-knox), so a copy of the database opens no door.

    It ends at `expiry`, when its owner revokes it, and when their password changes: `password_fingerprint` is the
    fingerprint of the password the token was issued under (docs/decisions/0010-hashed-expiring-api-tokens.md).
    """

    name = models.CharField(_("name"), max_length=100, blank=True)
    password_fingerprint = models.CharField(max_length=128)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.user_id})"


class SecurityEvent(models.Model):
    """What happened at the doors: sign-ins, refusals, factor changes, tokens, support-admin reads. Append-only."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in with their password")
        SIGN_IN_FAILED = "sign_in_failed", _("Wrong email address or password")
        LOCKED_OUT = "locked_out", _("Signing in paused after too many wrong passwords")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong two-factor code")
        FACTOR_SET_UP = "factor_set_up", _("Set up two-factor sign-in")
        FACTOR_RESET = "factor_reset", _("Two-factor sign-in reset by an administrator")
        PASSWORD_LINK_SENT = "password_link_sent", _("Sent a link to choose a new password")
        THROTTLED = "throttled", _("Too many tries: asked to wait")
        TOKEN_CREATED = "token_created", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        ACCESS_REFUSED = "access_refused", _("Refused a case they may not see")
        ADMIN_READ = "admin_read", _("Read a child's record in the support admin")

    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The person the event is about; None when the email typed matches no account.
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Someone acting on another's account (an administrator resetting a factor or sending a link).
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    email = models.CharField(_("email as typed"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Whose service manager reads it: the council of `user` when the event happened.
    council = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["council", "-at"]), models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.email or self.user_id} {self.at:%Y-%m-%d %H:%M}"
