from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("", views.index, name="index"),
    path("exports/new/", views.export_new, name="export_new"),
    path("exports/<int:export_id>/", views.export_detail, name="export"),
    path("exports/<int:export_id>/download/", views.export_download, name="export_download"),
    path("retention/", views.retention, name="retention"),
    path("retention/check/", views.sweep_now, name="sweep_now"),
    path("retention/rules/<int:rule_id>/", views.rule_edit, name="rule"),
    path("retention/disposals/<int:disposal_id>/", views.disposal_decide, name="disposal"),
    path("cases/<str:reference>/holds/", views.case_holds, name="case_holds"),
    path("holds/new/", views.hold_new, name="hold_new"),
    path("holds/<int:hold_id>/lift/", views.hold_lift, name="hold_lift"),
]
