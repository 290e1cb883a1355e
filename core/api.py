"""What every app's API shares: how a caller signs in, the documented error body, and permissions that ask the
access policy. Imports no app: an app hands in the question to ask (`role_may(user, "log_request")`)."""

from collections.abc import Callable

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings

# From REST_FRAMEWORK's settings (a hashed, expiring token first, then the session), so the kernel names no app.
AUTHENTICATION_CLASSES = api_settings.DEFAULT_AUTHENTICATION_CLASSES

ErrorSerializer = inline_serializer("Error", {"detail": serializers.CharField()})
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No valid token or session.")
# A list's `page` past the last page (or not a page number at all).
PAGE_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such page of results.")


def permission(check: Callable[[object], bool], *, message: str, name: str) -> type[BasePermission]:
    """A DRF permission class that asks `check(user)`, refusing with `message` (the 403's `detail`)."""

    def has_permission(self, request, view) -> bool:
        return bool(check(request.user))

    return type(name, (BasePermission,), {"message": message, "has_permission": has_permission})
