from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.models import Organisation, OrganisationKind
from accounts.security import idle_limit_seconds
from core.languages import preference_for
from ehcp.navigation import navigation_for

# (contact preference code, the language's own name, page language code) for the switcher.
PAGE_LANGUAGE_CHOICES = [(preference_for(code), name, code) for code, name in settings.LANGUAGES]


def _council_name(user) -> str:
    if getattr(user, "is_authenticated", False):
        if user.organisation_id:
            organisation = user.organisation
            if organisation.kind == OrganisationKind.COUNCIL:
                return organisation.name
            if organisation.council_id:
                return (
                    Organisation.objects.filter(pk=organisation.council_id)
                    .values_list("name", flat=True)
                    .first()
                )
        # Families belong to no organisation: name the council of the case they are on.
        name = (
            Organisation.objects.filter(cases__team__user=user)
            .order_by("-cases__team__starts_on")
            .values_list("name", flat=True)
            .first()
        )
        if name:
            return name
    return settings.COUNCIL_NAME


def service(request):
    user = getattr(request, "user", None)
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.PHASE,
        # Lazy: pages that never show the header (downloads, API) pay nothing.
        "council_name": SimpleLazyObject(lambda: _council_name(user)),
        "navigation": navigation_for(user, request.path) if user is not None else [],
        # For the warning shown before an idle session ends (accounts.security decides how long).
        "idle_seconds": idle_limit_seconds(user) if getattr(user, "is_authenticated", False) else 0,
        "idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
        # Families (and anyone not signed in) choose the language of the pages; staff pages are in English.
        "language_switcher": not getattr(user, "is_council_staff", False),
        "page_languages": PAGE_LANGUAGE_CHOICES,
    }
