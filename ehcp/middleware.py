import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from whitenoise.middleware import WhiteNoiseMiddleware

from accounts import two_factor
from accounts.security import LAST_SEEN_KEY, idle_limit_seconds
from core.languages import page_language


class StaticAndGovukAssetsMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise for /static/, plus GOV.UK Frontend's fonts and images at /assets/.

    The compiled GOV.UK stylesheet points at /assets/fonts/...; serving them there avoids rebuilding the
    stylesheet with Sass just to change one path.
    """

    def __init__(self, get_response=None, settings=settings):
        # In development and tests files come from the finders; collectstatic fills this folder in production.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        super().__init__(get_response, settings=settings)
        self.add_files(str(settings.GOVUK_ASSETS_DIR), prefix="assets/")


# Paths whose answers carry personal data even to someone not signed in: the online request form (a family's
# answers, by a save-and-return link), account links (reset and invitation tokens) and the API (tokens).
NO_STORE_PREFIXES = ("/request/", "/accounts/", "/api/")
# Written at most this often, so a page view does not cost a session write every time.
LAST_SEEN_RESOLUTION_SECONDS = 30


class NoStoreMiddleware:
    """Pages and API answers with personal data are kept by no browser history, disk cache or shared proxy.

    Static files never reach this (WhiteNoise answers them first, with long-lived caching).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: DRF sets request.user for a token caller while the view runs.
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith(NO_STORE_PREFIXES):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class IdleTimeoutMiddleware:
    """Signs a person out after a quiet spell (staff sooner than families) and says so on the next request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - int(last_seen) > idle_limit_seconds(user):
                logout(request)
                ended = reverse("accounts:session_ended")
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = ended
                    return response
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Your session ended because you did nothing for a while. Sign in again."},
                        status=401,
                    )
                return HttpResponseRedirect(ended)
            if last_seen is None or now - int(last_seen) >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Reachable between the password and the second factor: the second step itself, signing out, and files.
SECOND_STEP_OPEN_PATHS = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/signed-out/", "/static/")


class SecondFactorMiddleware:
    """Nothing past the sign-in pages until the second step is done, by whatever door the password came in.

    The session says how the second step went (accounts.two_factor.SESSION_KEY). A session without that note,
    such as one the support admin's own sign-in page opened, is looked at once: someone who needs a second
    factor, or has one, is sent to the second step; anyone else is noted as not needing it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return self.get_response(request)
        state = request.session.get(two_factor.SESSION_KEY)
        if state is None:
            state = two_factor.state_after_password(user)
            if state is not None:
                request.session[two_factor.SESSION_KEY] = state
        if state is not None or request.path.startswith(SECOND_STEP_OPEN_PATHS):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Finish signing in: enter the code from your authenticator app first."}, status=403
            )
        return HttpResponseRedirect(
            f"{reverse('accounts:two_factor')}?{urlencode({'next': request.get_full_path()})}"
        )


class AccountLanguageMiddleware:
    """A signed-in person reads pages in the language on their account, on any device.

    LocaleMiddleware has already chosen from the cookie (someone not signed in) or the browser; the account's
    preference wins over both, so the contact preference stays the one place a family's language is kept.
    A preference the pages are not written in (say Somali) leaves LocaleMiddleware's choice as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = page_language(user.language)
            if chosen is not None and chosen != request.LANGUAGE_CODE:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)
