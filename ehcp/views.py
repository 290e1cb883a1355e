from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts import services as account_services
from accounts.models import Role
from core.languages import page_language
from ehcp import api_docs as api_docs_module
from forms_ersa import selectors as ersa_selectors

# Where each role lands after signing in: the page that answers "what do I need to do now?".
HOME_FOR_ROLE = {
    Role.COORDINATOR: "cases:caseload",
    Role.BUSINESS_SUPPORT: "cases:unallocated",
    Role.SERVICE_MANAGER: "cases:list",
    Role.ADMINISTRATOR: "accounts:staff_list",
    # A specialist's work is the advice they have been asked for, nearest due date first.
    Role.SPECIALIST: "advice:inbox",
    # Families and their supporters follow their cases in the portal.
    Role.PARENT: "portal:home",
    Role.YOUNG_PERSON: "portal:home",
    Role.SUPPORTER: "portal:home",
}


def home(request):
    """Families who are not signed in start here; a SENCo sees the requests they are writing; staff go to work."""
    if not request.user.is_authenticated:
        return render(request, "pages/start.html")
    if request.user.role == Role.SENCO:
        return _senco_home(request)
    return redirect(HOME_FOR_ROLE.get(request.user.role, "cases:list"))


def _senco_home(request):
    school = request.user.organisation
    drafts = ersa_selectors.unfinished_drafts_for(user=request.user)
    return render(
        request,
        "pages/senco_home.html",
        {
            "council_id": school.council_id if school is not None else None,
            "drafts": [(draft, ersa_selectors.pupil_name(draft)) for draft in drafts],
        },
    )


@require_GET
def api_docs(request):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "pages/api_docs.html",
        {"info": schema.get("info", {}), "groups": api_docs_module.endpoints_from(schema)},
    )


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)


@require_POST
def choose_language(request):
    """The language switcher: the page comes back in the chosen language, and the choice is remembered.

    Someone not signed in keeps it in a cookie; a signed-in person keeps it on their account (their contact
    preference), so it follows them to another device and their messages use it too.
    """
    preference = request.POST.get("page_language", "")
    chosen = page_language(preference)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = HttpResponseRedirect(back)
    if chosen is None:
        return response
    if request.user.is_authenticated:
        account_services.choose_language(user=request.user, language=preference)
    translation.activate(chosen)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        chosen,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
