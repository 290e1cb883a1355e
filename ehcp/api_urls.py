"""The REST API, mounted at /api/v1/ (schema at /api/v1/schema/, documentation at /api/v1/docs/, Swagger UI at /api/v1/docs/try/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from advice.api import AdviceRequestViewSet
from cases.api import CaseViewSet, ObtainTokenView
from drafting.api import PlanViewSet
from forms_ersa.api import OnlineRequestView
from panel.api import DecisionViewSet, ItemViewSet, MeetingViewSet

app_name = "api"

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("advice-requests", AdviceRequestViewSet, basename="advice-request")
router.register("plans", PlanViewSet, basename="plan")
router.register("panel-meetings", MeetingViewSet, basename="panel-meeting")
router.register("panel-items", ItemViewSet, basename="panel-item")
router.register("panel-decisions", DecisionViewSet, basename="panel-decision")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("requests/", OnlineRequestView.as_view(), name="online-request"),
    *router.urls,
]
