"""Signing in by email and password, with the person's organisation loaded with them.

Every page asks the access policy which council a person works for; loading the organisation with the user
saves a query on every request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("organisation").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
