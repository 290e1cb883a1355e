"""A demo-only setting must never reach a real service: refuse to start with it."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def demo_second_factor_bypass(app_configs, **kwargs):
    if settings.DEMO_TOTP_BYPASS and not settings.DEBUG:
        return [
            Error(
                "DEMO_TOTP_BYPASS is on while DEBUG is off.",
                hint=(
                    "DEMO_TOTP_BYPASS lets anyone without an authenticator app pass the second factor with a "
                    "fixed code. It is for `make run` demonstrations only: remove it from the environment."
                ),
                id="accounts.E001",
            )
        ]
    return []
