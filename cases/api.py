"""The cases API: the same selectors and services as the pages, for another council system to call.

Reads go through `cases.selectors` (scoped to the caller, so a case that is not theirs is a 404); writes go
through `cases.services`. Serializers here parse and shape JSON only: the rules they check are the ones
`cases.forms.LogRequestForm` checks, with the same messages, and the services check them again.
"""

import hashlib
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.fields import get_error_detail
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import services as account_services
from accounts import two_factor
from accounts.backends import client_ip
from accounts.policy import role_may
from cases import policy, selectors, services, workflow
from cases.identifiers import normalise, validate_nhs_number, validate_uln, validate_upn
from cases.models import (
    AreaOfNeed,
    Case,
    CaseTeamMember,
    Child,
    Deadline,
    Ethnicity,
    FamilyContact,
    Gender,
    Requester,
    RequestRoute,
)
from core.api import AUTHENTICATION_CLASSES, PAGE_NOT_FOUND, UNAUTHENTICATED, ErrorSerializer, permission
from core.validators import normalise_uk_phone, normalise_uk_postcode

# The largest id a database column holds (64-bit signed); a bigger one is refused as input, not sent to SQL.
MAX_ID = 2**63 - 1

# Requests typed in from a letter or email, or sent by another system; the online form has its own route.
API_ROUTES = [(r.value, r.label) for r in (RequestRoute.LETTER, RequestRoute.EMAIL, RequestRoute.API)]
RAG_CHOICES = [
    (selectors.Rag.RED, "Red: missed or due within 7 days"),
    (selectors.Rag.AMBER, "Amber: due within 21 days"),
    (selectors.Rag.GREEN, "Green: due later"),
    (selectors.Rag.NONE, "No deadline pending"),
]

# The same words as the pages, from the one place they are defined.
RECEIVED_IN_FUTURE = services.RECEIVED_IN_FUTURE
SAME_NEED = services.SAME_NEED
NO_CONTACT = _("Enter at least one parent or carer contact")


# --- fields -------------------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "enum": ["", *AreaOfNeed.values],
        "description": "Area of need from the SEND code of practice; empty when not known. "
        + "; ".join(f"`{value}`: {label}" for value, label in AreaOfNeed.choices),
    },
    component_name="AreaOfNeed",
)
class AreaOfNeedField(serializers.ChoiceField):
    """Primary and secondary need share one documented choice set (one schema component, not two)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(choices=AreaOfNeed.choices, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class SchoolField(serializers.PrimaryKeyRelatedField):
    """A school or setting in the caller's council area, by id."""

    default_error_messages = {
        "does_not_exist": _(
            "Choose a school or setting in this council's area (there is none with id {pk_value})"
        ),
        "incorrect_type": _("Enter the id of the school or setting as a number"),
    }

    def get_queryset(self):
        return selectors.schools_for(council_id=self.context.get("council_id"))


@extend_schema_field(OpenApiTypes.INT)
class CoordinatorField(serializers.PrimaryKeyRelatedField):
    """An active coordinator of the caller's council, by id."""

    default_error_messages = {
        "does_not_exist": _(
            "Choose an active coordinator from this council (there is none with id {pk_value})"
        ),
        "incorrect_type": _("Enter the id of the coordinator as a number"),
    }

    def get_queryset(self):
        return selectors.coordinators_with_load(council_id=self.context.get("council_id"))


# --- read representations -----------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class OrganisationSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class ChildSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = ["legal_first_name", "legal_last_name", "preferred_name", "date_of_birth"]
        read_only_fields = fields


class ChildSerializer(ChildSummarySerializer):
    current_setting = OrganisationSummarySerializer(read_only=True, allow_null=True)

    class Meta(ChildSummarySerializer.Meta):
        fields = [*ChildSummarySerializer.Meta.fields, "current_setting"]
        read_only_fields = fields


class CaseListItemSerializer(serializers.ModelSerializer):
    """A case as it appears on a caseload."""

    # Reads only the case, its child and its coordinator, which `selectors.case_list` has already joined.

    child = ChildSummarySerializer(read_only=True)
    stage_label = serializers.SerializerMethodField()
    coordinator = PersonSerializer(read_only=True, allow_null=True)
    primary_need = AreaOfNeedField(read_only=True)
    next_deadline_code = serializers.CharField(
        read_only=True, help_text="Code of the nearest deadline still to meet; empty when none is pending."
    )
    rag = serializers.SerializerMethodField(
        help_text="Urgency of the nearest deadline still to meet (red: missed or due within 7 days)."
    )

    class Meta:
        model = Case
        fields = [
            "reference",
            "child",
            "stage",
            "stage_label",
            "received_on",
            "coordinator",
            "primary_need",
            "next_due_on",
            "next_deadline_code",
            "rag",
        ]
        read_only_fields = fields

    def get_stage_label(self, case: Case) -> str:
        return workflow.STAGE_LABELS[workflow.Stage(case.stage)]

    @extend_schema_field(serializers.ChoiceField(choices=RAG_CHOICES))
    def get_rag(self, case: Case) -> str:
        on = self.context.get("today") or selectors.today()
        return selectors.rag_for(next_due_on=case.next_due_on, on=on)


class DeadlineSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Deadline
        fields = ["code", "label", "ref", "starts_on", "due_on", "met_on", "status"]
        read_only_fields = fields


class TransitionOptionSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, help_text="Send this as `name` to the transitions endpoint.")
    label = serializers.CharField(read_only=True)
    needs_reason = serializers.BooleanField(read_only=True)


class TeamMemberSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    person = PersonSerializer(source="user", read_only=True, allow_null=True)
    organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseTeamMember
        fields = ["role", "role_label", "person", "organisation", "starts_on"]
        read_only_fields = fields


class CaseDetailSerializer(CaseListItemSerializer):
    """A case with its live (not cancelled) deadlines, the steps the caller may take and who is on its team.

    Fields about a part of the case the caller's role does not see are left out of the response.
    """

    # `deadline_rows`, `transition_options` and `team_members` are set on the case by the view from the
    # selectors, so serializing runs no query of its own.

    child = ChildSerializer(read_only=True)
    secondary_need = AreaOfNeedField(read_only=True)
    stage_description = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    deadlines = DeadlineSerializer(source="deadline_rows", many=True, read_only=True)
    transitions = TransitionOptionSerializer(source="transition_options", many=True, read_only=True)
    team = TeamMemberSerializer(source="team_members", many=True, read_only=True)
    version = serializers.IntegerField(
        read_only=True,
        help_text="Send back with a transition to refuse it if someone changed the case meanwhile.",
    )

    class Meta(CaseListItemSerializer.Meta):
        fields = [
            *CaseListItemSerializer.Meta.fields,
            "stage_description",
            "next_step",
            "route",
            "requested_by",
            "secondary_need",
            "summary",
            "closed_on",
            "version",
            "deadlines",
            "transitions",
            "team",
        ]
        read_only_fields = fields

    # Which fields belong to which part of the case (accounts.policy.FIELD_GROUPS): a role that may not see a
    # part gets none of its fields, not an empty value.
    FIELD_GROUP_OF = {
        "primary_need": "request_summary",
        "secondary_need": "request_summary",
        "summary": "request_summary",
        "deadlines": "deadlines",
        "team": "team",
    }

    def to_representation(self, case: Case) -> dict:
        body = super().to_representation(case)
        user = self.context["request"].user if "request" in self.context else None
        seen = policy.fields_for(user)
        for field, group in self.FIELD_GROUP_OF.items():
            if group not in seen:
                body.pop(field, None)
        return body

    def get_stage_description(self, case: Case) -> str:
        return workflow.STAGE_DESCRIPTIONS[workflow.Stage(case.stage)]

    def get_next_step(self, case: Case) -> str:
        return workflow.next_step(facts=selectors.case_facts(case))


# --- inputs -------------------------------------------------------------------------------------------------


class CaseFilterSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=workflow.STAGE_CHOICES, required=False, allow_blank=True)
    rag = serializers.ChoiceField(choices=RAG_CHOICES, required=False, allow_blank=True)
    school = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Only children whose current school or setting has this id.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Name, reference (EHC-…), UPN or date of birth (for example 14/05/2017).",
    )
    open = serializers.BooleanField(
        required=False, default=True, help_text="Only open cases (the default); false includes closed ones."
    )

    def filters(self) -> selectors.CaseFilters:
        data = self.validated_data
        return selectors.CaseFilters(
            stage=data.get("stage", ""),
            rag=data.get("rag", ""),
            school=data.get("school"),
            query=data.get("q", ""),
            open_only=data.get("open", True),
        )


class ChildInputSerializer(serializers.Serializer):
    legal_first_name = serializers.CharField(max_length=100)
    legal_last_name = serializers.CharField(max_length=100)
    preferred_name = serializers.CharField(max_length=100, allow_blank=True, default="")
    date_of_birth = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True, default="")
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, allow_blank=True, default="")
    home_languages = serializers.CharField(max_length=200, allow_blank=True, default="")
    interpreter_needed = serializers.BooleanField(default=False)
    address = serializers.CharField(allow_blank=True, default="")
    postcode = serializers.CharField(max_length=20, allow_blank=True, default="", help_text="A UK postcode.")
    upn = serializers.CharField(
        max_length=20, allow_blank=True, default="", help_text="13 characters; spaces are ignored."
    )
    uln = serializers.CharField(
        max_length=20, allow_blank=True, default="", help_text="10 numbers; spaces are ignored."
    )
    nhs_number = serializers.CharField(
        max_length=20, allow_blank=True, default="", help_text="10 numbers; spaces are ignored."
    )
    current_setting = SchoolField(
        allow_null=True,
        default=None,
        help_text="Id of the child's current school or setting in this council.",
    )

    # The identifier checks are the form's own validators, so a malformed number gets the same message.
    def validate_upn(self, value: str) -> str:
        value = normalise(value)
        validate_upn(value)
        return value

    def validate_uln(self, value: str) -> str:
        value = normalise(value)
        validate_uln(value)
        return value

    def validate_nhs_number(self, value: str) -> str:
        value = normalise(value)
        validate_nhs_number(value)
        return value

    def validate_postcode(self, value: str) -> str:
        return normalise_uk_postcode(value)


class ContactInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.ChoiceField(choices=FamilyContact.Relationship.choices)
    parental_responsibility = serializers.BooleanField(default=True)
    email = serializers.EmailField(allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, allow_blank=True, default="", help_text="A UK phone number.")

    def validate_phone(self, value: str) -> str:
        return normalise_uk_phone(value, what="their phone number")


class CaseCreateSerializer(serializers.Serializer):
    child = ChildInputSerializer()
    contacts = ContactInputSerializer(
        many=True,
        help_text="At least one: parents, carers or the young person; the first is the main contact.",
        error_messages={"required": NO_CONTACT, "null": NO_CONTACT},
    )
    received_on = serializers.DateField(
        help_text="The date the council received the request: the statutory 20 weeks start on it."
    )
    route = serializers.ChoiceField(choices=API_ROUTES, default=RequestRoute.API.value)
    requested_by = serializers.ChoiceField(choices=Requester.choices)
    primary_need = AreaOfNeedField(default="")
    secondary_need = AreaOfNeedField(default="")
    summary = serializers.CharField(allow_blank=True, default="")
    coordinator = CoordinatorField(allow_null=True, default=None, help_text="Leave out to allocate later.")

    def validate_contacts(self, value):
        # Checked here rather than with allow_empty, which would nest the message under non_field_errors.
        if not value:
            raise serializers.ValidationError(NO_CONTACT)
        return value

    def validate_received_on(self, value):
        if value > selectors.today():
            raise serializers.ValidationError(RECEIVED_IN_FUTURE)
        return value

    def validate(self, data):
        errors = {}
        received, born = data["received_on"], data["child"]["date_of_birth"]
        problem = services.child_age_problem(date_of_birth=born, received_on=received)
        if problem:
            errors["child"] = {"date_of_birth": [problem]}
        if data["secondary_need"] and data["secondary_need"] == data["primary_need"]:
            errors["secondary_need"] = [SAME_NEED]
        if errors:
            raise serializers.ValidationError(errors)
        return data


class TransitionRequestSerializer(serializers.Serializer):
    name = serializers.ChoiceField(
        choices=[(t.name, t.label) for t in workflow.TRANSITIONS.values()],
        help_text="One of the case's `transitions`.",
    )
    on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="When it happened; today if left out."
    )
    reason = serializers.CharField(
        allow_blank=True, default="", help_text="Required for refusals, withdrawal, ceasing and transfer."
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="The case's `version` as you read it; a 409 means someone changed the case since.",
    )


# Documented error bodies.
DuplicateCaseSerializer = inline_serializer(
    "DuplicateOpenCase",
    {
        "detail": serializers.CharField(),
        "reference": serializers.CharField(help_text="The open case to add this request to."),
    },
)
VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Invalid input: each field name maps to a list of messages."
)
CREATE_VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Invalid input: field name (nested for `child` and `contacts`) to a list of messages.",
    examples=[
        OpenApiExample(
            "Future date received",
            value={"received_on": [str(RECEIVED_IN_FUTURE)]},
            response_only=True,
            status_codes=["400"],
        ),
        OpenApiExample(
            "Same primary and secondary need",
            value={"secondary_need": [str(SAME_NEED)]},
            response_only=True,
            status_codes=["400"],
        ),
    ],
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No case with that reference that you may see.")


# --- views --------------------------------------------------------------------------------------------------


CanLogRequests = permission(
    lambda user: role_may(user, "log_request"), message=services.MAY_NOT_LOG, name="CanLogRequests"
)


REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The case reference, for example EHC-2026-00042."
)


class CaseViewSet(viewsets.GenericViewSet):
    """Cases the caller may see: council staff their council's, everyone else the cases whose team they are on."""

    authentication_classes = AUTHENTICATION_CLASSES
    lookup_field = "reference"
    lookup_value_regex = r"[^/]+"
    serializer_class = CaseDetailSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), CanLogRequests()]
        return super().get_permissions()

    def get_queryset(self):
        return selectors.cases_for(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": selectors.today()}

    @extend_schema(
        summary="List cases",
        parameters=[CaseFilterSerializer],
        responses={
            200: CaseListItemSerializer(many=True),
            400: VALIDATION_ERROR,
            401: UNAUTHENTICATED,
            404: PAGE_NOT_FOUND,
        },
    )
    def list(self, request):
        params = CaseFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = selectors.case_list(user=request.user, filters=params.filters())
        page = self.paginate_queryset(rows)
        data = CaseListItemSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Read a case",
        description="Each read is written to the access log, as on the case page.",
        parameters=[REFERENCE],
        responses={200: CaseDetailSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def retrieve(self, request, reference: str):
        case = selectors.get_case_for(user=request.user, reference=reference)
        return self._detail_response(case)

    @extend_schema(
        summary="Log a request for an EHC needs assessment",
        description=(
            "For a request that reached the council by letter, email or another system. Council coordinators, "
            "business support and service managers only. The statutory clock starts on `received_on`."
        ),
        request=CaseCreateSerializer,
        responses={
            201: CaseDetailSerializer,
            400: CREATE_VALIDATION_ERROR,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(ErrorSerializer, description="Your role cannot log requests."),
            409: OpenApiResponse(DuplicateCaseSerializer, description="The child already has an open case."),
        },
    )
    def create(self, request):
        council = policy.council_of(request.user)
        serializer = CaseCreateSerializer(
            data=request.data, context={**self.get_serializer_context(), "council_id": council.pk}
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        child, coordinator = data["child"], data["coordinator"]
        try:
            case = services.log_request(
                council=council,
                child=services.ChildDetails(
                    **{k: v for k, v in child.items() if k != "current_setting"},
                    current_setting_id=child["current_setting"].pk if child["current_setting"] else None,
                ),
                contacts=[services.ContactDetails(**contact) for contact in data["contacts"]],
                received_on=data["received_on"],
                route=data["route"],
                requested_by=data["requested_by"],
                primary_need=data["primary_need"],
                secondary_need=data["secondary_need"],
                summary=data["summary"],
                coordinator=coordinator,
                by=request.user,
            )
        except services.DuplicateOpenCase as duplicate:
            return Response(
                {"detail": duplicate.message, "reference": duplicate.case.reference},
                status=status.HTTP_409_CONFLICT,
            )
        except services.ServiceError as error:
            raise serializers.ValidationError(_error_body(error)) from None
        except DjangoValidationError as error:
            # Model validation the serializer did not foresee: still a 400 naming the field, never a 500.
            raise serializers.ValidationError({"child": get_error_detail(error)}) from None
        case = selectors.get_case_for(user=request.user, reference=case.reference)
        location = reverse("api:case-detail", kwargs={"reference": case.reference}, request=request)
        return self._detail_response(
            case, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(
        summary="Move a case to its next step",
        description=(
            "Records a decision or event (see the case's `transitions`), stamps its date and recomputes the "
            "deadlines. A refused move is a 400 with the reason; a stale `version` is a 409."
        ),
        parameters=[REFERENCE],
        request=TransitionRequestSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="The move is not allowed now; `detail` says why."
            ),
            401: UNAUTHENTICATED,
            404: NOT_FOUND,
            409: OpenApiResponse(ErrorSerializer, description="Someone else changed the case meanwhile."),
        },
    )
    @action(detail=True, methods=["post"], url_path="transitions")
    def transitions(self, request, reference: str):
        case = selectors.get_case_for(user=request.user, reference=reference)
        serializer = TransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.case_transition(
                case=case,
                name=data["name"],
                by=request.user,
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"],
            )
        except services.StaleVersion as stale:
            return Response({"detail": stale.message}, status=status.HTTP_409_CONFLICT)
        except services.ServiceError as refused:
            return Response({"detail": refused.message}, status=status.HTTP_400_BAD_REQUEST)
        case = selectors.get_case_for(user=request.user, reference=reference)
        return self._detail_response(case)

    def _detail_response(
        self, case: Case, *, status_code: int = status.HTTP_200_OK, headers=None
    ) -> Response:
        """The detail representation; returning a child's record counts as reading it, so it is logged."""
        user = self.request.user
        services.log_access(user=user, case=case, action="view_case", path=self.request.path)
        parts = selectors.case_detail_parts(case=case, user=user)
        case.deadline_rows = parts["deadlines"]
        case.team_members = parts["team"]
        case.transition_options = (
            workflow.allowed_transitions(facts=selectors.case_facts(case), role=user.role)
            if policy.can(user, "transition", case, known_in_scope=True)
            else []
        )
        body = CaseDetailSerializer(case, context=self.get_serializer_context()).data
        return Response(body, status=status_code, headers=headers)


def _error_body(error: services.ServiceError) -> dict:
    """A service refusal as a DRF error body, under the same field name as the request."""
    if error.field in ChildInputSerializer().fields:
        return {"child": {error.field: [error.message]}}
    if error.field in CaseCreateSerializer().fields:
        return {error.field: [error.message]}
    return {"detail": error.message}


# --- token --------------------------------------------------------------------------------------------------


class EmailAuthTokenSerializer(AuthTokenSerializer):
    username = serializers.CharField(
        label=_("Email address"),
        write_only=True,
        help_text="The account's email address (the field keeps DRF's name, `username`).",
    )
    code = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        write_only=True,
        help_text="Staff, and anyone who has set up two-factor sign-in: the 6-digit code from the authenticator "
        "app (or a recovery code).",
    )
    default_error_messages = {
        "invalid": _("Send a JSON object with the fields username (your email address) and password")
    }

    def run_validation(self, data=serializers.empty):
        if data is None:  # a JSON body of `null`: DRF would answer "No data provided", naming no field
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [self.error_messages["invalid"]]}, code="invalid"
            )
        return super().run_validation(data)

    def validate(self, attrs):
        attrs["username"] = attrs.get("username", "").strip().lower()
        attrs = super().validate(attrs)
        try:  # the same second factor as the pages: a password alone opens no door
            two_factor.check_for_token(user=attrs["user"], code=attrs.get("code", ""))
        except services.ServiceError as refused:
            raise serializers.ValidationError({"code": [refused.message]}) from None
        return attrs


class TokenRequestThrottle(SimpleRateThrottle):
    """At most 10 attempts a minute per account, so a password cannot be guessed through the API."""

    scope = "api_token"
    rate = "10/minute"

    def get_cache_key(self, request, view):
        # The body may be any JSON (false, a list): only an object names an account; the rest count per address.
        data = request.data if isinstance(request.data, Mapping) else {}
        account = str(data.get("username", "")).strip().lower()
        # The address as the lockout counts it (behind TRUSTED_PROXY_COUNT proxies); a request may carry none.
        ident = account or client_ip(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(ident.encode()).hexdigest()}


class ObtainTokenView(APIView):
    authentication_classes = []
    permission_classes = []
    serializer_class = EmailAuthTokenSerializer
    throttle_classes = [TokenRequestThrottle]

    @extend_schema(
        summary="Get an API token",
        description=(
            "Exchange an email address (sent as `username`), password and (for staff) the second-factor code for "
            "a new token. Send it on every call as `Authorization: Token <token>`. Only a hash of it is kept, so "
            'it is shown once. It works until `expiry`, until its owner revokes it ("Your API tokens" on the '
            "website), or until their password changes or their account is closed."
        ),
        tags=["auth"],
        auth=[],
        request=EmailAuthTokenSerializer,
        responses={
            200: inline_serializer(
                "AuthToken",
                {"token": serializers.CharField(), "expiry": serializers.DateTimeField(allow_null=True)},
            ),
            400: VALIDATION_ERROR,
            429: OpenApiResponse(ErrorSerializer, description="Too many attempts; wait a minute."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, plain = account_services.create_api_token(
            user=serializer.validated_data["user"], name="API token door", request=request
        )
        return Response({"token": plain, "expiry": token.expiry})
