"""The online request for assessment through the API, for a council feeding requests from another system.

The same services and rules as the pages: a draft is started with `services.start_draft`, each section's answers
are saved with `services.save_answers`, evidence goes through `services.add_evidence` (the same content sniffing
and size limit), and `services.submit_request` checks `problems_for` and creates (or links) the case. Everything
runs in one transaction, so a refused request leaves no draft, no file record and no email behind.
"""

import base64
import binascii

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from cases import services as case_services
from cases.api import AUTHENTICATION_CLASSES, UNAUTHENTICATED, CanLogRequests, ErrorSerializer
from ehcp.forms import GovUKDateField
from forms_ersa import sections, selectors, services
from forms_ersa.forms import PAGE_FORMS
from forms_ersa.models import DraftEvidence, Route

BAD_DATE_OF_BIRTH = _("Enter their date of birth as a real date, like 2016-05-14")
NOT_YOUR_COUNCIL = _("You can only send requests to your own council.")


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
            + ". The `evidence` section needs `finished: yes`."
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


class _Refused(Exception):
    def __init__(self, found: list[dict]):
        self.found = found


class OnlineRequestView(APIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, CanLogRequests]

    @extend_schema(
        summary="Send an online request for an EHC needs assessment",
        description=(
            "For a council feeding requests made in another system. The same validation as the online form: "
            "every missing or wrong answer comes back in one 400 as `{section, field, message}`. The child's "
            "age is checked on today's date, which is also the date received that starts the 20 weeks. A child "
            "who already has an open case is not given a second one: the request is added to that case "
            "(200 with `linked: true`), so sending the same request twice makes one case. Council coordinators, "
            "business support and service managers only. The family gets the save-and-return link and the "
            "confirmation by email, as on the form; the PDF copy is filed after the response."
        ),
        tags=["requests"],
        request=OnlineRequestSerializer,
        responses={
            201: OpenApiResponse(RequestCreatedSerializer, description="A new case was created."),
            200: OpenApiResponse(
                RequestCreatedSerializer,
                description="The child had an open case: the request was added to it.",
            ),
            400: OpenApiResponse(
                ProblemsSerializer,
                description="Something is missing or wrong.",
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
        },
    )
    def post(self, request):
        council = case_services.council_of(request.user)
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
            with transaction.atomic():
                draft = services.start_draft(
                    council=council, route=data["route"], email=data["email"], send_link=False
                )
                for section in sections.SECTIONS:
                    values = to_save.get(section.key)
                    if values:
                        draft = services.save_answers(
                            draft=draft, section=section.key, values=values, expected_version=None
                        )
                refused = []
                for index, item in enumerate(data["evidence"]):
                    upload = SimpleUploadedFile(item["name"], item["content"])
                    try:
                        services.add_evidence(
                            draft=draft,
                            upload=upload,
                            kind=item["kind"],
                            report_date=item["report_date"],
                            old_reason=item["old_reason"],
                        )
                    except services.ServiceError as error:
                        refused.append(
                            {
                                "section": "evidence",
                                "field": f"evidence[{index}].{error.field or 'content'}",
                                "message": error.message,
                            }
                        )
                found = [
                    {"section": s, "field": f, "message": str(m)}
                    for s, f, m in services.problems_for(draft, today=today)
                ]
                if refused or found:
                    raise _Refused(refused + found)
                try:
                    case = services.submit_request(draft=draft, by=request.user, today=today)
                except services.Incomplete as incomplete:
                    raise _Refused(
                        [{"section": s, "field": f, "message": str(m)} for s, f, m in incomplete.problems]
                    ) from None
                except services.ServiceError as error:
                    raise _Refused(
                        [{"section": "child", "field": error.field or "", "message": error.message}]
                    ) from None
                draft.refresh_from_db()
        except _Refused as refused_request:
            return _problems_response(refused_request.found)
        decision = selectors.decision_date(case)
        body = {
            "reference": case.reference,
            "received_on": today.isoformat(),
            "decision_by": decision.isoformat() if decision else None,
            "linked": draft.linked_to_existing,
            "request_id": str(draft.public_id),
        }
        return Response(
            body, status=status.HTTP_200_OK if draft.linked_to_existing else status.HTTP_201_CREATED
        )
