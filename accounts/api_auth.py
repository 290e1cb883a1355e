"""How an API call proves who it is: a django-rest-knox token (hashed at rest, expiring), refused once its owner's
password has changed or their account is closed. Named in REST_FRAMEWORK's settings; no app imports it."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from accounts import tokens


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # knox decodes the header as UTF-8 and lets a stray byte become a 500: any such header is simply wrong.
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user = auth_token.user
        if not user.is_active or not tokens.issued_under_current_password(auth_token):
            raise exceptions.AuthenticationFailed(
                _(
                    "This token no longer works: the password changed or the account was closed. Ask for a new one."
                )
            )
        return user, auth_token

    def _cleanup_token(self, auth_token) -> bool:
        # Only this token: knox would also sweep the owner's other tokens on every call, a query each time.
        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            auth_token.delete()
            return True
        return False


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema names the token: `Authorization: Token <token>`, as before."""

    target_class = "accounts.api_auth.ApiTokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 (the header word)
