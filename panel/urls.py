from django.urls import path

from panel import views

app_name = "panel"
urlpatterns = [
    path("", views.home, name="home"),
    path("settings/", views.configure, name="configure"),
    path("settings/members/new/", views.add_member, name="add_member"),
    path("settings/members/<int:member_id>/<slug:action>/", views.member_action, name="member_action"),
    path("meetings/new/", views.add_meeting, name="add_meeting"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/cancel/", views.cancel_meeting, name="cancel_meeting"),
    path("meetings/<int:meeting_id>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:meeting_id>/present/", views.presence, name="presence"),
    path("meetings/<int:meeting_id>/reads/", views.reads, name="reads"),
    path("meetings/<int:meeting_id>/end/", views.end_meeting, name="end_meeting"),
    path("meetings/<int:meeting_id>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("items/<int:item_id>/", views.bundle, name="bundle"),
    path("items/<int:item_id>/documents/<int:document_id>/", views.document, name="document"),
    path("items/<int:item_id>/notes/", views.note, name="note"),
    path("items/<int:item_id>/conflict/", views.conflict, name="conflict"),
    path("items/<int:item_id>/vote/", views.vote, name="vote"),
    path("items/<int:item_id>/chair/", views.chair_item, name="chair_item"),
    path("items/<int:item_id>/open/", views.open_vote, name="open_vote"),
    path("items/<int:item_id>/close/", views.close_vote, name="close_vote"),
    path("items/<int:item_id>/decision/", views.decide, name="decide"),
    path("items/<int:item_id>/withdraw/", views.withdraw_item, name="withdraw_item"),
    path("cases/<str:reference>/", views.case_status, name="case_status"),
    path("cases/<str:reference>/add/", views.add_to_agenda, name="add_to_agenda"),
    path("cases/<str:reference>/digital-vote/", views.digital_vote, name="digital_vote"),
]
