from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("caseload/", views.caseload, name="caseload"),
    path("unallocated/", views.unallocated, name="unallocated"),
    path("new/", views.log_request, name="log_request"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/steps/<str:name>/", views.transition, name="transition"),
    path("<str:reference>/child/", views.edit_child, name="edit_child"),
    path("<str:reference>/allocate/", views.allocate, name="allocate"),
    path("<str:reference>/incomplete/", views.request_incomplete, name="request_incomplete"),
    path("<str:reference>/documents/new/", views.upload_document, name="upload_document"),
    path("<str:reference>/documents/<int:document_id>/", views.download_document, name="download_document"),
    path(
        "<str:reference>/documents/<int:document_id>/withdraw/",
        views.withdraw_document,
        name="withdraw_document",
    ),
    path(
        "<str:reference>/documents/<int:document_id>/visibility/",
        views.document_visibility,
        name="document_visibility",
    ),
    path("<str:reference>/exceptions/new/", views.record_exception, name="record_exception"),
    path("<str:reference>/exceptions/<int:exception_id>/end/", views.end_exception, name="end_exception"),
    path("<str:reference>/team/invite/", views.invite_to_case, name="invite_to_case"),
    path("<str:reference>/team/new/", views.add_team_member, name="add_team_member"),
    path("<str:reference>/professionals/new/", views.add_professional, name="add_professional"),
    path(
        "<str:reference>/professionals/<int:professional_id>/withdraw/",
        views.withdraw_professional,
        name="withdraw_professional",
    ),
    path("<str:reference>/team/<int:member_id>/end/", views.end_team_member, name="end_team_member"),
]
