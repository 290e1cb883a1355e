from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ehcp import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("healthz/", views.healthz, name="healthz"),
    path("language/", views.choose_language, name="choose_language"),
    path("accounts/", include("accounts.urls")),
    path("cases/", include("cases.urls")),
    path("request/", include("forms_ersa.urls")),
    path("advice/", include("advice.urls")),
    path("panel/", include("panel.urls")),
    path("plans/", include("drafting.urls")),
    path("portal/", include("portal.urls")),
    path("records/", include("records.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("ehcp.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", views.api_docs, name="api-docs"),
    # Swagger UI, for trying calls; it sets element styles from its script, so only this page allows inline styles.
    path(
        "api/v1/docs/try/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-explorer",
    ),
    path("support-admin/", admin.site.urls),
]

handler404 = "ehcp.views.not_found"

handler500 = "ehcp.views.server_error"
