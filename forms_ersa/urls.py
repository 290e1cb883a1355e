from django.urls import path

from forms_ersa import views

app_name = "forms_ersa"

urlpatterns = [
    path("", views.index, name="index"),
    path("council/<int:council_id>/", views.start, name="start"),
    path("council/<int:council_id>/school/", views.senco, name="senco"),
    path("council/<int:council_id>/<str:route>/email/", views.email, name="email"),
    path("return/<str:token>/", views.return_by_link, name="return"),
    path("parent/<str:token>/", views.return_as_parent, name="parent_return"),
    path("<uuid:public_id>/", views.task_list, name="tasks"),
    path("<uuid:public_id>/link-sent/", views.link_sent, name="link_sent"),
    path("<uuid:public_id>/evidence/", views.evidence, name="evidence"),
    path(
        "<uuid:public_id>/evidence/<int:evidence_id>/remove/", views.remove_evidence, name="remove_evidence"
    ),
    path("<uuid:public_id>/professionals/", views.professionals, name="professionals"),
    path(
        "<uuid:public_id>/professionals/<str:person_id>/remove/",
        views.remove_professional,
        name="remove_professional",
    ),
    path("<uuid:public_id>/check/", views.check, name="check"),
    path("<uuid:public_id>/sent/copy.pdf", views.download_copy, name="copy"),
    path("<uuid:public_id>/sent/", views.confirmation, name="confirmation"),
    path("<uuid:public_id>/<slug:section>/<slug:page>/", views.page, name="page"),
]
