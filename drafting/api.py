"""The plan API: plans and their versions (content with its sources, findings and grade), the family's comments
(list, and create: the family's own, or one received by letter recorded by the council), answers, and the check of
one provision sentence. Same services, same scoping and the same messages as the pages; not yours is a 404."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases import policy
from cases import selectors as case_selectors
from core.api import AUTHENTICATION_CLASSES, PAGE_NOT_FOUND, UNAUTHENTICATED, ErrorSerializer
from drafting import quality, selectors, services
from drafting.models import CommentAnswer, FamilyComment, PlanVersion

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such plan, or not one you may see.")
REFERENCE = OpenApiParameter("reference", str, OpenApiParameter.PATH, description="The case reference.")
PROBLEM = OpenApiResponse(
    inline_serializer("PlanProblem", {"detail": serializers.CharField(), "field": serializers.CharField()}),
    description="What is wrong and the field it is about.",
)


class VersionSummarySerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="draft, final or amended")
    status = serializers.CharField(
        read_only=True, help_text="editing, sent, signed_off, issued or superseded"
    )

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "grade",
            "score",
            "error_count",
            "flag_count",
            "created_at",
            "sent_on",
            "issued_on",
        ]


class PlanSerializer(serializers.Serializer):
    case_reference = serializers.CharField()
    versions = VersionSummarySerializer(many=True)


class VersionSerializer(VersionSummarySerializer):
    content = serializers.SerializerMethodField()
    findings = serializers.JSONField()

    class Meta(VersionSummarySerializer.Meta):
        fields = [*VersionSummarySerializer.Meta.fields, "content", "findings"]

    def get_content(self, version: PlanVersion) -> dict:
        return selectors.content_of(version).to_dict()


class AnswerSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(read_only=True, help_text="agreed (and changed) or not_agreed")

    class Meta:
        model = CommentAnswer
        fields = ["outcome", "reason", "at"]


class CommentSerializer(serializers.ModelSerializer):
    answer = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="plan_version.number")
    section = serializers.CharField(read_only=True)
    route = serializers.CharField(read_only=True, help_text="portal, api or letter")

    class Meta:
        model = FamilyComment
        fields = [
            "id",
            "version",
            "section",
            "item_key",
            "text",
            "school_wanted",
            "school_reason",
            "wants_meeting",
            "route",
            "author_name",
            "received_on",
            "sent_at",
            "answer",
        ]

    def get_answer(self, comment: FamilyComment) -> dict | None:
        answer = getattr(comment, "answer", None) if _has_answer(comment) else None
        return AnswerSerializer(answer).data if answer else None


def _has_answer(comment) -> bool:
    try:
        return comment.answer is not None
    except CommentAnswer.DoesNotExist:
        return False


class CommentInputSerializer(serializers.Serializer):
    section = serializers.CharField(max_length=2, help_text="A, B, C, D, E, F, G, H1, H2, I, J or K")
    item_key = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    school_wanted = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    school_reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    wants_meeting = serializers.BooleanField(required=False, default=False)
    # The family: send it now (with any others they saved). The council: the date a letter was received.
    send = serializers.BooleanField(required=False, default=False)
    received_on = serializers.DateField(required=False)
    author_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    response_complete = serializers.BooleanField(required=False, default=False)


class AnswerInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=12, help_text="agreed (and changed) or not_agreed")
    reason = serializers.CharField(max_length=5000)


class ProvisionCheckSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    section = serializers.CharField(max_length=2, help_text="F, G, H1 or H2")

    def validate_section(self, value: str) -> str:
        if value not in ("F", "G", "H1", "H2"):
            raise serializers.ValidationError("Choose the section of provision: F, G, H1 or H2")
        return value


def _case(user, reference: str, action_name: str):
    try:
        case = case_selectors.get_case_for(user=user, reference=reference)
    except Http404:
        raise
    if not policy.can(user, action_name, case, known_in_scope=True):
        raise Http404
    return case


def _refused(error) -> Response:
    return Response({"detail": error.message, "field": error.field or ""}, status=status.HTTP_400_BAD_REQUEST)


class PlanViewSet(viewsets.GenericViewSet):
    """The plans of the cases the caller may read (council staff and the panel); the family comment on the draft
    sent to them."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    serializer_class = PlanSerializer
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        summary="List plans",
        responses={200: PlanSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND},
    )
    def list(self, request):
        plans = selectors.plans_for(user=request.user)
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(
            [
                {
                    "case_reference": plan.case.reference,
                    "versions": VersionSummarySerializer(
                        sorted(plan.versions.all(), key=lambda v: -v.number), many=True
                    ).data,
                }
                for plan in page
            ]
        )

    @extend_schema(
        summary="Read a plan's versions",
        parameters=[REFERENCE],
        responses={200: PlanSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def retrieve(self, request, reference=None):
        case = _case(request.user, reference, "view_plan")
        versions = selectors.versions_of(case=case)
        if not versions:
            raise Http404
        return Response(
            {"case_reference": case.reference, "versions": VersionSummarySerializer(versions, many=True).data}
        )

    @extend_schema(
        summary="Read one version: its sections, every item with its sources, the findings and the grade",
        parameters=[REFERENCE, OpenApiParameter("number", int, OpenApiParameter.PATH)],
        responses={200: VersionSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, reference=None, number=None):
        case = _case(request.user, reference, "view_plan")
        version = (
            PlanVersion.objects.filter(plan__case=case, number=int(number))
            .prefetch_related("sections")
            .first()
        )
        if version is None:
            raise Http404
        return Response(VersionSerializer(version).data)

    @extend_schema(
        summary="List the family's comments on the draft, with the council's answers",
        methods=["get"],
        parameters=[REFERENCE],
        responses={200: CommentSerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @extend_schema(
        summary="Comment on the draft (the family), or record a comment received by letter (the council)",
        description=(
            "The family's comment is saved; with `send: true` it is sent with any others they saved, and the "
            "coordinator is told. The council records a comment received by letter or email with `received_on`."
        ),
        methods=["post"],
        parameters=[REFERENCE],
        request=CommentInputSerializer,
        responses={201: CommentSerializer, 400: PROBLEM, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request, reference=None):
        user = request.user
        if request.method == "GET":
            staff = policy.role_may(user, "view_plan")
            case = _case(user, reference, "view_plan" if staff else "view_draft_as_family")
            if staff:
                rows = selectors.comments_of_case(case=case)
            else:
                served = selectors.served_draft(case=case)
                rows = selectors.comments_on(version=served, user=user) if served else []
            return Response(CommentSerializer(rows, many=True).data)
        body = CommentInputSerializer(data=request.data)
        if not body.is_valid():
            field, messages = next(iter(body.errors.items()))
            return Response({"detail": str(messages[0]), "field": field}, status=status.HTTP_400_BAD_REQUEST)
        data = body.validated_data
        fields = {
            "section": data["section"],
            "item_key": data["item_key"],
            "text": data["text"],
            "school_wanted": data["school_wanted"],
            "school_reason": data["school_reason"],
            "wants_meeting": data["wants_meeting"],
        }
        try:
            if policy.role_may(user, "comment_on_draft"):
                case = _case(user, reference, "comment_on_draft")
                comment = services.save_family_comment(case=case, by=user, **fields)
                if data["send"]:
                    services.send_family_response(case=case, by=user)
                    comment.refresh_from_db()
            else:
                case = _case(user, reference, "record_family_comment")
                if "received_on" not in data:
                    return Response(
                        {"detail": "Enter the date the comment was received", "field": "received_on"},
                        status=status.HTTP_400_BAD_REQUEST,
                    )
                comment = services.record_family_comment(
                    case=case,
                    by=user,
                    received_on=data["received_on"],
                    author_name=data["author_name"],
                    response_complete=data["response_complete"],
                    route=FamilyComment.Route.API,
                    **fields,
                )
        except policy.NotAllowed:
            raise Http404 from None
        except services.ServiceError as error:
            return _refused(error)
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Answer one of the family's comments (agreed and changed, or not agreed with a reason)",
        parameters=[REFERENCE, OpenApiParameter("comment_id", int, OpenApiParameter.PATH)],
        request=AnswerInputSerializer,
        responses={200: CommentSerializer, 400: PROBLEM, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path=r"comments/(?P<comment_id>\d+)/answer")
    def answer(self, request, reference=None, comment_id=None):
        case = _case(request.user, reference, "answer_comment")
        comment = selectors.comment_for(
            user=request.user, comment_id=int(comment_id), action="answer_comment"
        )
        if comment.case_id != case.pk:
            raise Http404
        body = AnswerInputSerializer(data=request.data)
        if not body.is_valid():
            field, messages = next(iter(body.errors.items()))
            return Response({"detail": str(messages[0]), "field": field}, status=status.HTTP_400_BAD_REQUEST)
        try:
            services.answer_comment(comment=comment, by=request.user, **body.validated_data)
        except services.ServiceError as error:
            return _refused(error)
        comment = selectors.comment_for(user=request.user, comment_id=comment.pk, action="answer_comment")
        return Response(CommentSerializer(comment).data)

    @extend_schema(
        summary="Check one sentence of provision",
        description="The same rules as the plan editor and the advice forms: what leaves the provision unspecified.",
        request=ProvisionCheckSerializer,
        responses={
            200: inline_serializer(
                "ProvisionFindings",
                {
                    "findings": serializers.ListField(
                        child=inline_serializer(
                            "ProvisionFinding",
                            {"code": serializers.CharField(), "message": serializers.CharField()},
                        )
                    )
                },
            ),
            400: PROBLEM,
            401: UNAUTHENTICATED,
        },
    )
    @action(detail=False, methods=["post"], url_path="provision-check")
    def provision_check(self, request):
        body = ProvisionCheckSerializer(data=request.data)
        if not body.is_valid():
            field, messages = next(iter(body.errors.items()))
            return Response({"detail": str(messages[0]), "field": field}, status=status.HTTP_400_BAD_REQUEST)
        findings = quality.provision_findings(
            body.validated_data["text"], section=body.validated_data["section"]
        )
        return Response(
            {
                "findings": [
                    {"code": getattr(f, "code", ""), "message": getattr(f, "message", str(f))}
                    for f in findings
                ]
            }
        )
