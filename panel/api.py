"""The panel's API: meetings, agenda items, votes and decisions, over the same services, selectors and rules as the
pages. A vote sent again changes or confirms the member's vote; a vote after closing is a 409; anyone who may not
see a meeting or an item gets a 404."""

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cases import policy
from core.api import AUTHENTICATION_CLASSES, PAGE_NOT_FOUND, UNAUTHENTICATED, ErrorSerializer
from panel import rules, selectors, services
from panel.models import AgendaItem, ConflictOfInterest, Decision, Meeting

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such meeting or item, or not one you may see.")
REFUSED = OpenApiResponse(
    ErrorSerializer, description="Understood, but refused now (voting closed, no quorum…)."
)
ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


def _id(pk) -> int:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        value = -1
    if not 0 < value < 2**31:
        raise Http404
    return value


class DecisionSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference")
    question = serializers.CharField(help_text=", ".join(q.value for q in rules.Question))
    outcome = serializers.CharField(help_text="yes or no")
    mode = serializers.CharField(help_text="chair or majority")
    corrects = serializers.IntegerField(source="supersedes_id", allow_null=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "case_reference",
            "question",
            "outcome",
            "mode",
            "reasons",
            "conditions",
            "band",
            "amount",
            "suggested_band",
            "decided_on",
            "majority",
            "tally",
            "present",
            "votes",
            "quorum",
            "corrects",
            "correction_reason",
        ]


class ItemSerializer(serializers.ModelSerializer):
    case_reference = serializers.CharField(source="case.reference")
    question_label = serializers.CharField(source="get_question_display")
    question = serializers.CharField(help_text=", ".join(q.value for q in rules.Question))
    status = serializers.CharField(help_text=", ".join(AgendaItem.Status.values))

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "case_reference",
            "question",
            "question_label",
            "status",
            "position",
            "minutes",
            "due_on",
            "held_reason",
            "withdrawn_reason",
        ]


class MeetingSerializer(serializers.ModelSerializer):
    panel = serializers.CharField(source="panel.name")
    kind = serializers.CharField(help_text="meeting, or digital (a vote between meetings)")
    status = serializers.CharField(help_text=", ".join(Meeting.Status.values))

    class Meta:
        model = Meeting
        fields = ["id", "panel", "kind", "held_on", "starts_at", "papers_close_on", "closes_at", "status"]


class MeetingDetailSerializer(MeetingSerializer):
    items = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "items"]

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, meeting) -> list[dict]:
        return ItemSerializer(self.context["items"], many=True).data


class VoteInputSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=[c.value for c in rules.Choice])
    band = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


VoteResultSerializer = inline_serializer(
    "PanelVoteResult",
    {
        "counted": serializers.BooleanField(),
        "new": serializers.BooleanField(
            help_text="False when this send changed or confirmed a vote already counted"
        ),
        "choice": serializers.CharField(),
        "sends": serializers.IntegerField(),
    },
)
TallySerializer = inline_serializer(
    "PanelTally",
    {
        "yes": serializers.IntegerField(),
        "no": serializers.IntegerField(),
        "abstain": serializers.IntegerField(),
        "eligible": serializers.IntegerField(),
        "majority": serializers.CharField(allow_null=True),
        "quorum": serializers.CharField(),
        "status": serializers.CharField(),
    },
)


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["yes", "no"])
    reasons = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    conditions = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    band = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    corrects = serializers.IntegerField(required=False, allow_null=True, default=None)
    correction_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class MeetingViewSet(viewsets.GenericViewSet):
    """The panel meetings the caller works with: their council's (staff) or the panel they sit on (members)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    serializer_class = MeetingSerializer

    @extend_schema(
        summary="List panel meetings",
        responses={200: MeetingSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND},
    )
    def list(self, request):
        rows = selectors.meetings_for(user=request.user).order_by("-held_on", "-id")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(
        summary="Read a panel meeting and its agenda",
        parameters=[ID],
        responses={200: MeetingDetailSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        meeting = selectors.meeting_for(user=request.user, meeting_id=_id(pk))
        items = meeting.items.select_related("case").order_by("position", "id")
        return Response(MeetingDetailSerializer(meeting, context={"items": items}).data)


class ItemViewSet(viewsets.GenericViewSet):
    """Agenda items: read one, vote on it, see its tally (the chair), record its decision (the chair)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    serializer_class = ItemSerializer

    def _member_item(self, request, pk):
        return selectors.item_for_member(user=request.user, item_id=_id(pk))

    @extend_schema(
        summary="Read an agenda item",
        parameters=[ID],
        responses={200: ItemSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def retrieve(self, request, pk=None):
        item = selectors.item_for(user=request.user, item_id=_id(pk))
        seat = selectors.seat(user=request.user, panel_id=item.meeting.panel_id)
        if seat is not None and selectors.is_conflicted(member=seat, case_id=item.case_id):
            raise Http404
        return Response(ItemSerializer(item).data)

    @extend_schema(
        summary="Vote on an agenda item",
        description="Sending the same vote again (a retry) confirms it; a different choice changes it. Never two.",
        parameters=[ID],
        request=VoteInputSerializer,
        responses={
            200: VoteResultSerializer,
            400: ErrorSerializer,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: REFUSED,
        },
    )
    @action(detail=True, methods=["post"])
    def votes(self, request, pk=None):
        item, _seat = self._member_item(request, pk)
        body = VoteInputSerializer(data=request.data)
        if not body.is_valid():
            return Response({"detail": "Choose yes, no or abstain"}, status=status.HTTP_400_BAD_REQUEST)
        try:
            result = services.cast_vote(item=item, by=request.user, **body.validated_data)
        except policy.NotAllowed:
            raise Http404 from None
        except services.ServiceError as error:
            return Response({"detail": error.message}, status=status.HTTP_409_CONFLICT)
        return Response(
            {"counted": True, "new": result.new, "choice": result.vote.choice, "sends": result.vote.sends}
        )

    def _chair_item(self, request, pk, action_name: str):
        item = selectors.item_for(user=request.user, item_id=_id(pk))
        seat = selectors.seat(user=request.user, panel_id=item.meeting.panel_id)
        if (
            seat is None
            or not seat.is_chair
            or not policy.role_may(request.user, action_name)
            or selectors.is_conflicted(member=seat, case_id=item.case_id)
        ):
            raise Http404
        return item

    @extend_schema(
        summary="The live tally of an agenda item (the chair)",
        parameters=[ID],
        responses={200: TallySerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        item = self._chair_item(request, pk, "chair_meeting")
        live = selectors.live_tally(item=item)
        return Response(
            {
                "yes": live["tally"].yes,
                "no": live["tally"].no,
                "abstain": live["tally"].abstain,
                "eligible": live["eligible"],
                "majority": live["majority"],
                "quorum": selectors.quorum_for(item=item).explanation,
                "status": item.status,
            }
        )

    @extend_schema(
        summary="Record the panel's decision on an agenda item (the chair)",
        description=(
            "Per the panel's decision mode, with the quorum enforced; reasons are required when the rules say. "
            "A correction names the decision it corrects (`corrects`) with its reason."
        ),
        parameters=[ID],
        request=DecisionInputSerializer,
        responses={
            201: DecisionSerializer,
            400: ErrorSerializer,
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: REFUSED,
        },
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        item = self._chair_item(request, pk, "record_panel_decision")
        body = DecisionInputSerializer(data=request.data)
        if not body.is_valid():
            return Response({"detail": "Give the outcome as yes or no"}, status=status.HTTP_400_BAD_REQUEST)
        data = body.validated_data
        corrects = None
        if data["corrects"]:
            corrects = item.decisions.filter(pk=data["corrects"]).first()
            if corrects is None:
                raise Http404
        try:
            decision = services.record_decision(
                item=item,
                values=services.DecisionInput(
                    outcome=data["outcome"],
                    reasons=data["reasons"],
                    conditions=data["conditions"],
                    band=data["band"],
                ),
                by=request.user,
                corrects=corrects,
                correction_reason=data["correction_reason"],
            )
        except services.ServiceError as error:
            code = status.HTTP_400_BAD_REQUEST if error.field else status.HTTP_409_CONFLICT
            return Response({"detail": error.message}, status=code)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class DecisionViewSet(viewsets.GenericViewSet):
    """The panel's recorded decisions on the meetings the caller may see, latest first (corrections included)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    serializer_class = DecisionSerializer

    @extend_schema(
        summary="List panel decisions",
        parameters=[OpenApiParameter("case", str, description="Only this case's decisions (its reference).")],
        responses={200: DecisionSerializer(many=True), 401: UNAUTHENTICATED, 404: PAGE_NOT_FOUND},
    )
    def list(self, request):
        rows = Decision.objects.filter(
            item__meeting__panel__in=selectors.panels_for(user=request.user)
        ).select_related("case")
        # A member does not read the decisions on a case they declared a conflict on.
        rows = rows.exclude(
            case_id__in=ConflictOfInterest.objects.filter(member__user=request.user).values("case_id")
        )
        if request.query_params.get("case"):
            rows = rows.filter(case__reference=request.query_params["case"])
        page = self.paginate_queryset(rows.order_by("-recorded_at", "-id"))
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)
