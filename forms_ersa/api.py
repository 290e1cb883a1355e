"""The online request for assessment through the API, for a council feeding requests from another system.

The same services and rules as the pages: a draft is started with `services.start_draft`, each section's answers
are saved with `services.save_answers`, evidence goes through `services.add_evidence` (the same content sniffing
and size limit), and `services.submit_request` checks `problems_for` and creates (or links) the case. Everything
runs in one transaction (`services.send_whole_request`), so a refused request leaves no draft, no file record and
no email behind; the evidence files it had already stored are deleted after the rollback.

An optional `Idempotency-Key` header lets the other system retry safely: the key and a hash of the body are kept on
the draft, and a retry with the same key and body gets the first answer back without writing anything or alerting
the coordinator again.
"""

import base64
import binascii
import hashlib
import json

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy import council_of, role_may
from cases import selectors as case_selectors
from cases import services as case_services
from core.api import AUTHENTICATION_CLASSES, UNAUTHENTICATED, ErrorSerializer, permission
from core.forms import GovUKDateField
from forms_ersa import sections, selectors, services
from forms_ersa.forms import PAGE_FORMS
from forms_ersa.models import DraftEvidence, RequestDraft, Route

# The same question the case API asks before a request is logged: the access policy's "log_request".
CanSendRequests = permission(
    lambda user: role_may(user, "log_request"), message=case_services.MAY_NOT_LOG, name="CanSendRequests"
)

BAD_DATE_OF_BIRTH = _("Enter their date of birth as a real date, like 2016-05-14")
NOT_YOUR_COUNCIL = _("You can only send requests to your own council.")

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_MAX_LENGTH = 100  # RequestDraft.idempotency_key's column
BAD_IDEMPOTENCY_KEY = _(
    "The Idempotency-Key header must be 1 to 100 printable ASCII characters. Send a new key for each request, "
    "a UUID for example, or leave the header out"
)
KEY_USED_FOR_ANOTHER_REQUEST = _(
    "This Idempotency-Key was already used for a different request. Send this request with a new key"
)
KEY_IN_PROGRESS = _("A request with this Idempotency-Key is still being processed; try again shortly")


class EvidenceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The file name, for example school-report.pdf.")
    content = serializers.CharField(
        help_text="The file, base64-encoded. PDF, images, Word, plain text or audio; the content is sniffed."
    )
    kind = serializers.ChoiceField(choices=DraftEvidence.Kind.choices)
    report_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Required for every kind but `child_views`."
    )
    old_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why a report older than allowed is kept."
    )

    def validate_content(self, value: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("Send the file as base64")) from None


class OnlineRequestSerializer(serializers.Serializer):
    route = serializers.ChoiceField(
        choices=[(value, label) for value, label in Route.choices if value in sections.FAMILY_ROUTES],
        help_text="Who is making the request.",
    )
    email = serializers.EmailField(
        help_text="The family's (or young person's) email address for the confirmation."
    )
    council = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out: the request goes to your council. Another council's id is refused with a 403.",
    )
    answers = serializers.DictField(
        child=serializers.DictField(),
        help_text=(
            "The answers as the online form stores them, one object per section ("
            + ", ".join(f"`{s.key}`" for s in sections.SECTIONS)
            + "); dates as ISO strings, yes/no questions as `yes`/`no`, areas of need as a list. "
            "Required fields per section: "
            + "; ".join(f"`{s.key}`: {', '.join(s.required)}" for s in sections.SECTIONS)
            + ". The `evidence` section needs `finished: yes`. The `professionals` section needs `finished: yes` "
            "and lists the people already involved as `people`: `[{name, role, service, email, phone}]`, each "
            "with an email or a phone. `consent.share_with` lists the keys of the council's named agencies the "
            "family agreed to (by default setting, ep, health, social_care, named). `contact.channel` is email, "
            "sms, letter or phone; `contact.language` a code such as `pl` (English if left out)."
        ),
    )
    evidence = EvidenceInputSerializer(many=True, required=False, default=list)

    def validate_answers(self, value: dict) -> dict:
        unknown = sorted(set(value) - set(sections.BY_KEY))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown sections: %(unknown)s") % {"unknown": ", ".join(unknown)}
            )
        return value


ProblemSerializer = inline_serializer(
    "RequestProblem",
    many=True,
    fields={
        "section": serializers.CharField(
            help_text="Section key; empty for the request itself (route, email)."
        ),
        "field": serializers.CharField(help_text="Field name; empty when the whole section is missing."),
        "message": serializers.CharField(),
    },
)
ProblemsSerializer = inline_serializer(
    "RequestProblems",
    {"detail": serializers.CharField(), "problems": ProblemSerializer},
)
RequestCreatedSerializer = inline_serializer(
    "OnlineRequestResult",
    {
        "reference": serializers.CharField(help_text="The case reference."),
        "received_on": serializers.DateField(),
        "decision_by": serializers.DateField(
            allow_null=True, help_text="When the council must decide whether to assess (received + 6 weeks)."
        ),
        "linked": serializers.BooleanField(
            help_text="True when the child already had an open case and the request was added to it."
        ),
        "request_id": serializers.UUIDField(help_text="The online request's id."),
    },
)


def _flatten(errors, section: str = "", prefix: str = "") -> list[dict]:
    """DRF's nested error dictionary as a flat list of {section, field, message}."""
    out = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "answers" and isinstance(value, dict):
                for sec, inner in value.items():
                    out += _flatten(inner, section=str(sec))
            else:
                out += _flatten(value, section=section, prefix=f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list):
                out += _flatten(value, section=section, prefix=f"{prefix}[{index}]")
            else:
                out.append({"section": section, "field": prefix, "message": str(value)})
    else:
        out.append({"section": section, "field": prefix, "message": str(errors)})
    return out


def _problems_response(found: list[dict]) -> Response:
    return Response(
        {"detail": str(_("The request is not complete")), "problems": found},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _form_data(form_class, given: dict) -> dict:
    """A section's stored answers as the page's form would have been posted."""
    data = {}
    for name, field in form_class.base_fields.items():
        value = given.get(name)
        if isinstance(field, GovUKDateField):
            born = sections.parse_date(value) if isinstance(value, str) else None
            if born is not None:
                data.update({f"{name}_0": born.day, f"{name}_1": born.month, f"{name}_2": born.year})
        elif isinstance(field, forms.BooleanField):
            if value in ("yes", True, "on"):
                data[name] = "on"
        elif value is not None:
            data[name] = value
    return data


def _check_pages(*, route: str, answers: dict, council_id: int, today) -> tuple[dict, list[dict]]:
    """Run each page's form over the answers of the sections sent: the values to save, and the form's errors."""
    to_save: dict[str, dict] = {}
    found = []
    for (section, _page), form_class in PAGE_FORMS.items():
        given = answers.get(section)
        if not given:
            continue  # a section not sent is reported by the rules, as on the task list
        form = form_class(
            _form_data(form_class, given), route=route, council_id=council_id, today=today, answers=answers
        )
        if form.is_valid():
            to_save.setdefault(section, {}).update(form.to_answers())
        else:
            for name, messages in form.errors.items():
                found += [
                    {"section": section, "field": "" if name == "__all__" else name, "message": str(m)}
                    for m in messages
                ]
    for section, given in answers.items():
        if given and not any(key == section for key, _page in PAGE_FORMS):
            to_save[section] = given  # the evidence section: only `finished`
    return to_save, found


def request_hash(data) -> str:
    """sha256 of the body as canonical JSON, so a retry that orders its keys or spaces its JSON differently matches."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotency_key(request) -> str | None:
    """The sender's key: "" when the header is left out, None when it is there but unusable."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return ""
    if 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH and key.isascii() and key.isprintable():
        return key
    return None


def _received_on(draft: RequestDraft):
    """The date the first answer gave, from what was stored, so a retry on a later day gets the same date.

    A new case was received the day it was sent; a request added to an open case keeps that case's own date, so
    the day this one was sent is its submission date.
    """
    if draft.linked_to_existing:
        return timezone.localdate(draft.submitted_at)
    return draft.case.received_on


def _result(draft: RequestDraft, *, received_on, replayed: bool = False) -> Response:
    decision = selectors.decision_date(draft.case)
    body = {
        "reference": draft.case.reference,
        "received_on": received_on.isoformat(),
        "decision_by": decision.isoformat() if decision else None,
        "linked": draft.linked_to_existing,
        "request_id": str(draft.public_id),
    }
    return Response(
        body,
        status=status.HTTP_200_OK if draft.linked_to_existing else status.HTTP_201_CREATED,
        headers={REPLAYED_HEADER: "true"} if replayed else None,
    )


def _in_progress() -> Response:
    return Response(
        {"detail": str(KEY_IN_PROGRESS)}, status=status.HTTP_409_CONFLICT, headers={"Retry-After": "5"}
    )


def _answer_for_used_key(*, council_id: int, key: str, body_hash: str) -> Response | None:
    """When the key was used before: the first answer again, or why not. None when the key is new."""
    earlier = selectors.draft_by_idempotency_key(council_id=council_id, key=key)
    if earlier is None:
        return None
    if earlier.request_hash != body_hash:
        return Response(
            {"detail": str(KEY_USED_FOR_ANOTHER_REQUEST)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    if not earlier.is_submitted:
        return _in_progress()
    return _result(earlier, received_on=_received_on(earlier), replayed=True)


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional: 1 to 100 printable ASCII characters, new for each request (a UUID, for example). Send the same "
        "key with the same body to retry safely: once the first has been processed you get its answer again, "
        "with the same status and the header `Idempotent-Replayed: true`, and nothing is created or sent twice. "
        "The same key with a different body is refused (422). A refused request (400) keeps nothing, so its "
        "key can be used again once the request is put right."
    ),
)
REPLAYED_PARAMETER = OpenApiParameter(
    REPLAYED_HEADER,
    str,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=[200, 201],
    description="Present when this is the stored answer to an earlier request with the same Idempotency-Key.",
)


class OnlineRequestView(APIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, CanSendRequests]

    @extend_schema(
        summary="Send an online request for an EHC needs assessment",
        description=(
            "For a council feeding requests made in another system. The same validation as the online form: "
            "every missing or wrong answer comes back in one 400 as `{section, field, message}`. The child's "
            "age is checked on today's date, which is also the date received that starts the 20 weeks. A child "
            "who already has an open case is not given a second one: the request is added to that case "
            "(200 with `linked: true`), so sending the same request twice makes one case. To retry without "
            "adding the request to the case again and alerting the coordinator a second time, send an "
            "`Idempotency-Key` header. Council coordinators, business support and service managers only. The "
            "family gets the save-and-return link and the confirmation by email, as on the form; the PDF copy "
            "is filed after the response."
        ),
        tags=["requests"],
        request=OnlineRequestSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER, REPLAYED_PARAMETER],
        responses={
            201: OpenApiResponse(RequestCreatedSerializer, description="A new case was created."),
            200: OpenApiResponse(
                RequestCreatedSerializer,
                description="The child had an open case: the request was added to it.",
            ),
            400: OpenApiResponse(
                ProblemsSerializer,
                description="Something is missing or wrong, or the Idempotency-Key header is not usable.",
                examples=[
                    OpenApiExample(
                        "A section missing",
                        value={
                            "detail": "The request is not complete",
                            "problems": [
                                {
                                    "section": "views",
                                    "field": "",
                                    "message": "Complete the section ‘Views’",
                                }
                            ],
                        },
                        response_only=True,
                        status_codes=["400"],
                    )
                ],
            ),
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer, description="Your role cannot send requests, or not there."
            ),
            409: OpenApiResponse(
                ErrorSerializer,
                description=(
                    "A request with this Idempotency-Key is still being processed. Retry after the "
                    "`Retry-After` seconds, with the same key and body, to get its answer."
                ),
            ),
            422: OpenApiResponse(
                ErrorSerializer,
                description="This Idempotency-Key was already used for a different request: use a new key.",
            ),
        },
    )
    def post(self, request):
        council = council_of(request.user)
        key = _idempotency_key(request)
        if key is None:
            return Response(
                {
                    "detail": str(BAD_IDEMPOTENCY_KEY),
                    "problems": [
                        {"section": "", "field": IDEMPOTENCY_HEADER, "message": str(BAD_IDEMPOTENCY_KEY)}
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        body_hash = request_hash(request.data) if key else ""
        if key:
            # Before any validation: a retry gets the first answer even if the rules or today's date have moved.
            earlier = _answer_for_used_key(council_id=council.pk, key=key, body_hash=body_hash)
            if earlier is not None:
                return earlier
        serializer = OnlineRequestSerializer(data=request.data)
        if not serializer.is_valid():
            return _problems_response(_flatten(serializer.errors))
        data = serializer.validated_data
        if data["council"] is not None and data["council"] != council.pk:
            return Response({"detail": str(NOT_YOUR_COUNCIL)}, status=status.HTTP_403_FORBIDDEN)
        answers = data["answers"]
        born = (answers.get("child") or {}).get("date_of_birth")
        if born and sections.parse_date(born) is None:
            # The pages only ever store a real date; the rules skip one they cannot read, so say it here.
            return _problems_response(
                [{"section": "child", "field": "date_of_birth", "message": str(BAD_DATE_OF_BIRTH)}]
            )
        today = case_selectors.today()
        to_save, page_errors = _check_pages(
            route=data["route"], answers=answers, council_id=council.pk, today=today
        )
        if page_errors:
            wrong = {p["section"] for p in page_errors}
            evidence = [
                sections.Evidence(item["kind"], item["name"], item["report_date"], item["old_reason"])
                for item in data["evidence"]
            ]
            rules = sections.problems(
                data["route"], answers, evidence, selectors.rules_for(council.pk), today
            )
            return _problems_response(
                page_errors
                + [{"section": s, "field": f, "message": str(m)} for s, f, m in rules if s not in wrong]
            )
        try:
            draft = services.send_whole_request(
                council=council,
                by=request.user,
                route=data["route"],
                email=data["email"],
                answers=to_save,
                evidence=data["evidence"],
                today=today,
                idempotency_key=key,
                request_hash=body_hash,
            )
        except services.Refused as refused_request:
            return _problems_response(refused_request.found)
        except services.KeyInUse:
            # A request with the same key got in first. If it has been sent by now, this is a retry of it.
            earlier = _answer_for_used_key(council_id=council.pk, key=key, body_hash=body_hash)
            return earlier if earlier is not None else _in_progress()
        return _result(draft, received_on=today)
