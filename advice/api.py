"""The advice API: list and read requests for advice, and send advice from another system (a health trust's own
records system, say) with the same checks as the form. Same services, same scoping, same messages as the pages."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from advice import checks, definitions, selectors, services
from advice.models import AdviceRequest
from cases import policy
from core.api import AUTHENTICATION_CLASSES, PAGE_NOT_FOUND, UNAUTHENTICATED, ErrorSerializer

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such request, or not one you were asked.")
PROBLEMS = OpenApiResponse(
    inline_serializer(
        "AdviceProblems",
        {
            "detail": serializers.CharField(),
            "problems": serializers.ListField(
                child=inline_serializer(
                    "AdviceProblem",
                    {
                        "part": serializers.CharField(),
                        "field": serializers.CharField(),
                        "message": serializers.CharField(),
                    },
                )
            ),
        },
    ),
    description="The advice cannot be sent yet: each problem names the part and field to fix.",
)
REQUEST_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The request for advice.")


class AdviceRequestSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference")
    kind_label = serializers.CharField(source="get_kind_display")
    asked = serializers.SerializerMethodField()
    regulation = serializers.SerializerMethodField()
    areas_to_score = serializers.SerializerMethodField()
    provision_sections = serializers.SerializerMethodField()

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "case_reference",
            "kind",
            "kind_label",
            "status",
            "sent_on",
            "due_on",
            "asked",
            "regulation",
            "areas_to_score",
            "provision_sections",
        ]

    def get_asked(self, request: AdviceRequest) -> str:
        if request.asked_team_id:
            return request.asked_team.name
        if request.asked_user_id:
            return request.asked_user.full_name
        return request.asked_name or request.asked_email

    def get_regulation(self, request: AdviceRequest) -> str:
        return f"SEND Regulations 2014, regulation 6(1)({definitions.definition(request.kind).regulation})"

    def get_areas_to_score(self, request: AdviceRequest) -> list[str]:
        return list(definitions.definition(request.kind).ras_areas)

    def get_provision_sections(self, request: AdviceRequest) -> list[str]:
        return list(definitions.definition(request.kind).provision_sections)


class NeedSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=40)
    area = serializers.CharField(max_length=30, allow_blank=True, required=False, default="")
    sen2_type = serializers.CharField(max_length=5, allow_blank=True, required=False, default="")
    description = serializers.CharField(max_length=5000)
    evidence = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class OutcomeSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=5000)
    by_when = serializers.CharField(max_length=200)
    measure = serializers.CharField(max_length=2000)
    needs = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)


class ProvisionSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=40)
    section = serializers.CharField(max_length=2)
    what = serializers.CharField(max_length=5000)
    who = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    frequency = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    duration = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    group_size = serializers.CharField(max_length=100, allow_blank=True, required=False, default="")
    need = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")
    outcome = serializers.CharField(max_length=40, allow_blank=True, required=False, default="")


class AdviceInputSerializer(serializers.Serializer):
    author_name = serializers.CharField(max_length=200, required=False)
    author_role = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    answers = serializers.DictField(
        child=serializers.CharField(max_length=20000, allow_blank=True),
        help_text="The form's free-text answers by question key; dates as YYYY-MM-DD.",
    )
    needs = NeedSerializer(many=True, required=False, default=list)
    outcomes = OutcomeSerializer(many=True, required=False, default=list)
    provision = ProvisionSerializer(many=True, required=False, default=list)
    ras = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100), required=False, default=dict
    )
    declaration = serializers.BooleanField()


class AdviceResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(source="number")
    submitted_at = serializers.DateTimeField()
    warnings = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class AdviceRequestViewSet(viewsets.GenericViewSet):
    """Requests for advice the caller was asked (council staff: those on their council's cases)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    serializer_class = AdviceRequestSerializer

    def get_queryset(self):
        return selectors.requests_for(user=self.request.user).select_related(
            "case", "asked_team", "asked_user"
        )

    @extend_schema(
        summary="List requests for advice",
        responses={200: AdviceRequestSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND},
    )
    def list(self, request):
        rows = self.get_queryset().order_by("due_on", "id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(AdviceRequestSerializer(page, many=True).data)

    @extend_schema(
        summary="Read a request for advice",
        parameters=[REQUEST_ID],
        responses={200: AdviceRequestSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        advice_request = selectors.request_for(user=request.user, request_id=_id(pk))
        return Response(AdviceRequestSerializer(advice_request).data)

    @extend_schema(
        summary="Send advice",
        description=(
            "Saves the whole advice and sends it, with the same checks as the online form: a problem in any part "
            "is a 400 naming the part and field, and nothing is sent. Vague or unquantified provision is returned "
            "as warnings and does not stop it. Advice already sent is a 409: send a correction in the service."
        ),
        parameters=[REQUEST_ID],
        request=AdviceInputSerializer,
        responses={
            201: AdviceResultSerializer,
            400: PROBLEMS,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="This advice has already been sent."),
        },
    )
    @action(detail=True, methods=["post"], url_path="advice")
    def advice(self, request, pk=None):
        advice_request = selectors.request_for(user=request.user, request_id=_id(pk))
        if not policy.role_may(request.user, "give_advice"):
            return Response({"detail": "You cannot give advice."}, status=status.HTTP_403_FORBIDDEN)
        body = AdviceInputSerializer(data=request.data)
        if not body.is_valid():
            return Response(
                {"detail": "The advice is not valid", "problems": _flatten(body.errors)},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = body.validated_data
        if advice_request.status == "submitted" and selectors.draft_of(request=advice_request) is None:
            return Response(
                {"detail": "This advice has already been sent. To change it, send a correction"},
                status=status.HTTP_409_CONFLICT,
            )
        changes = {
            "answers": data["answers"],
            "needs": data["needs"],
            "outcomes": data["outcomes"],
            "provision": data["provision"],
            "ras": data["ras"],
            "declaration": data["declaration"],
        }
        if data.get("author_name"):
            changes["author"] = {"name": data["author_name"], "role": data["author_role"]}
        try:
            services.save_advice(request=advice_request, by=request.user, changes=changes)
            sent = services.submit_advice(request=advice_request, by=request.user)
        except services.Incomplete as incomplete:
            return Response(
                {
                    "detail": "The advice is not finished yet",
                    "problems": [
                        {"part": p.part, "field": p.field, "message": p.message} for p in incomplete.problems
                    ],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        except policy.NotAllowed:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        except services.ServiceError as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        warnings = checks.warnings(definitions.definition(advice_request.kind), sent.answers)
        result = {
            "id": sent.pk,
            "number": sent.number,
            "submitted_at": sent.submitted_at,
            "warnings": {key: [f.message for f in findings] for key, findings in warnings.items()},
        }
        return Response(AdviceResultSerializer(result).data, status=status.HTTP_201_CREATED)


def _id(pk) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        value = -1
    if not 0 < value < 2**31:
        raise Http404
    return value


def _flatten(errors, prefix: str = "") -> list[dict]:
    out = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            out.extend(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if isinstance(value, dict | list):
                out.extend(_flatten(value, f"{prefix}[{index}]"))
            else:
                out.append(
                    {"part": prefix.split(".")[0].split("[")[0], "field": prefix, "message": str(value)}
                )
    return out
