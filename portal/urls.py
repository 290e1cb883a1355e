from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("pupils/", views.pupils, name="pupils"),
    path("preferences/", views.preferences, name="preferences"),
    path("sign-in-link/", views.ask_for_link, name="ask_for_link"),
    path("sign-in-link/sent/", views.link_sent, name="link_sent"),
    path("sign-in/<str:token>/", views.use_link, name="use_link"),
    path("claim/<uuid:public_id>/", views.claim, name="claim"),
    path("cases/<str:reference>/", views.case_page, name="case"),
    path("cases/<str:reference>/involved/", views.involved, name="involved"),
    path("cases/<str:reference>/documents/", views.documents, name="documents"),
    path("cases/<str:reference>/documents/new/", views.add_document, name="add_document"),
    path("cases/<str:reference>/decisions/", views.decisions, name="decisions"),
    path("cases/<str:reference>/messages/", views.conversation, name="messages"),
    path("cases/<str:reference>/messages/answer/", views.reply, name="reply"),
    path("cases/<str:reference>/messages/staff/", views.staff_conversation, name="staff_conversation"),
    path("cases/<str:reference>/draft-plan/", views.draft, name="draft"),
    path("cases/<str:reference>/draft-plan/send/", views.draft_send, name="draft_send"),
    path("cases/<str:reference>/draft-plan/sent/", views.draft_sent, name="draft_sent"),
    path("cases/<str:reference>/draft-plan/<str:code>/comment/", views.draft_comment, name="draft_comment"),
    path(
        "cases/<str:reference>/draft-plan/<str:code>/comment/<int:comment_id>/",
        views.draft_comment,
        name="draft_comment_edit",
    ),
    path("cases/<str:reference>/people/", views.people, name="people"),
    path("cases/<str:reference>/people/new/", views.share, name="share"),
    path("cases/<str:reference>/people/<str:kind>/<int:pk>/end/", views.end_share, name="end_share"),
]
