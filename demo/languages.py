"""The demo's languages: one family reads the service in Polish and one in Urdu, chosen as a family would (the
language switcher's service), so their pages, messages and letters follow."""

from accounts import services
from accounts.models import User

READERS = {"parent3": "pl", "parent5": "ur"}


def seed(*, users: dict[str, User]) -> None:
    for key, language in READERS.items():
        if key in users:
            services.choose_language(user=users[key], language=language)
