"""What every app's API shares: how a caller signs in, the documented error body, and permissions that ask the
access policy. Imports no app: an app hands in the question to ask (`role_may(user, "log_request")`)."""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import BasePermission

# Token first: an anonymous call gets 401 with `WWW-Authenticate: Token` rather than a bare 403.
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]

ErrorSerializer = inline_serializer("Error", {"detail": serializers.CharField()})
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid token or session.")


def permission(check: Callable[[object], bool], *, message: str, name: str) -> type[BasePermission]:
    """A DRF permission class that asks `check(user)`, refusing with `message` (the 403's `detail`)."""

    def has_permission(self, request, view) -> bool:
        return bool(check(request.user))

    return type(name, (BasePermission,), {"message": message, "has_permission": has_permission})
