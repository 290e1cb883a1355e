"""Thin views: the signed-in person's in-app messages, staff pages (template preview, failures), and the
endpoint where GOV.UK Notify posts delivery receipts.

Staff pages are 404 for everyone else, checked before the HTTP method, as in accounts/views.py.
"""

import datetime
import hmac
import json
import logging
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organisation
from accounts.policy import council_of, role_may
from notifications import channels, selectors, services, templates_registry
from notifications.models import Channel, Message

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# Notify charges a text of up to 160 characters as one message, and a longer one as parts of 153.
SMS_SINGLE = 160
SMS_PART = 153


def _council_for(user, action: str) -> Organisation | None:
    """The council of a member of its staff whom the policy lets take `action`; None for anyone else."""
    return council_of(user) if role_may(user, action) else None


def _council_staff_only(action: str):
    """Deny by default: the page does not exist (404) for anyone the policy does not let take `action`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if _council_for(request.user, action) is None:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _safe_link(link: str) -> str:
    """Only our own kind of link is followed from a message: http(s) or a path, never `javascript:`."""
    if link.startswith(("https://", "http://")) or (link.startswith("/") and not link.startswith("//")):
        return link
    return ""


@dataclass
class Shown:
    """A message as a page shows it: the row, and its text rendered in the person's language."""

    message: Message
    subject: str
    body: str
    link: str

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n\n") if part.strip()]


def _shown(message: Message) -> Shown:
    try:
        rendered = templates_registry.render(
            message.template, message.data, link=message.link, language=message.language
        )
    except Exception:  # a template removed or broken since the message was written: still list the message
        logger.exception("Could not render message %s (%s)", message.pk, message.template)
        return Shown(message, _("Message from the service"), "", _safe_link(message.link))
    return Shown(message, rendered.subject, rendered.body, _safe_link(message.link))


# --- In-app messages -------------------------------------------------------------------------------------


@login_required
@require_GET
def message_list(request):
    paginator = Paginator(selectors.in_app_for(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [_shown(message) for message in page.object_list]
    return render(request, "notifications/pages/list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(user=request.user)
    if count:
        flash.success(request, _("All your messages are marked as read."))
    return redirect("notifications:list")


@login_required
@require_GET
def message_detail(request, message_id: int):
    message = selectors.in_app_for(user=request.user).filter(pk=message_id).first()
    if message is None:
        raise Http404
    if message.read_at is None:
        services.mark_read(user=request.user, message_ids=[message.pk])
    return render(request, "notifications/pages/detail.html", {"shown": _shown(message)})


# --- Staff: template preview -------------------------------------------------------------------------------


@dataclass
class Preview:
    template: templates_registry.MessageTemplate
    subject: str = ""
    body: str = ""
    sms: str = ""
    sms_parts: int = 0
    error: str = ""


def _preview(template: templates_registry.MessageTemplate) -> Preview:
    link = template.example.get("link") or settings.SITE_URL.rstrip("/") + "/"
    try:
        rendered = templates_registry.render(template.code, template.example, link=link)
    except Exception as error:  # a broken template is exactly what this page is for finding
        return Preview(template, error=f"{type(error).__name__}: {error}")
    length = len(rendered.sms)
    parts = 0 if not length else 1 if length <= SMS_SINGLE else -(-length // SMS_PART)
    return Preview(template, rendered.subject, rendered.body, rendered.sms, parts)


@login_required
@_council_staff_only("preview_templates")
@require_GET
def template_preview(request):
    previews = [_preview(template) for template in templates_registry.all_templates()]
    return render(request, "notifications/pages/templates.html", {"previews": previews})


# --- Staff: messages that failed and need a person ------------------------------------------------------------

NEEDED = {
    Channel.EMAIL: _("Letter or phone call needed: the email could not be delivered"),
    Channel.SMS: _("Email or letter needed: the text message could not be delivered"),
    Channel.LETTER: _("Phone call or email needed: the letter could not be sent"),
}


def _failure_row(message: Message) -> dict:
    try:
        address = channels.destination(message).address
    except channels.PermanentFailure:
        address = ""
    try:
        about = templates_registry.get(message.template).description
    except KeyError:
        about = message.template
    return {
        "message": message,
        "needed": NEEDED.get(message.channel, _("Follow-up needed")),
        "name": message.recipient.full_name if message.recipient else message.to_name,
        "address": address,
        "about": about,
        "link": _safe_link(message.link),
    }


@login_required
@_council_staff_only("follow_up_failures")
@require_GET
def failures(request):
    council = _council_for(request.user, "follow_up_failures")
    page = Paginator(selectors.failures_for(organisation=council), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [_failure_row(message) for message in page.object_list]
    return render(
        request, "notifications/pages/failures.html", {"page": page, "rows": rows, "council": council}
    )


@login_required
@_council_staff_only("follow_up_failures")
@require_POST
def record_follow_up(request, message_id: int):
    council = _council_for(request.user, "follow_up_failures")
    message = selectors.failures_for(organisation=council).filter(pk=message_id).first()
    if message is None:
        raise Http404
    services.record_follow_up(message=message, by=request.user)
    name = message.recipient.full_name if message.recipient else message.to_name or message.to_address
    flash.success(request, _("Recorded that you contacted %(name)s another way.") % {"name": name})
    return redirect("notifications:failures")


# --- GOV.UK Notify delivery receipts --------------------------------------------------------------------


def _bearer_token(request) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@csrf_exempt
@never_cache
def notify_callback(request):
    """Notify posts a receipt for each message it delivered or gave up on; we answer 204.

    Without a configured token the endpoint does not exist (404). The token is compared in constant time.
    An unknown id still gets 204: Notify would otherwise retry a receipt we can do nothing with.
    """
    expected = settings.NOTIFY_CALLBACK_TOKEN
    if not expected:
        raise Http404
    if not hmac.compare_digest(_bearer_token(request).encode(), expected.encode()):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="notify-callback"'
        return response
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("The body is not JSON")
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("id"), str)
        or not isinstance(body.get("status"), str)
    ):
        return HttpResponseBadRequest("A receipt needs an id and a status")
    services.record_delivery_receipt(provider_id=body["id"], status=body["status"], at=_receipt_time(body))
    return HttpResponse(status=204)


def _receipt_time(body: dict):
    """When Notify finished with the message (its times are UTC), or None to use the time of arrival."""
    for field in ("completed_at", "sent_at"):
        try:
            at = parse_datetime(body.get(field) or "") if isinstance(body.get(field), str) else None
        except ValueError:
            at = None
        if at is not None:
            return at if timezone.is_aware(at) else timezone.make_aware(at, datetime.UTC)
    return None
