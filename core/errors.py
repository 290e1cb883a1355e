"""The refusal every service raises: one class, so views and the API turn any app's refusal into the same answer."""


class ServiceError(Exception):
    """A refusal with a message fit to show the user, and the form field it is about (if any)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleVersion(ServiceError):
    """Someone else saved the record since it was read: the caller shows the latest and keeps what was typed."""
