from django.urls import path

from advice import views

app_name = "advice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/accept/", views.accept, name="accept"),
    path("requests/<int:request_id>/decline/", views.decline, name="decline"),
    path("requests/<int:request_id>/pass-on/", views.pass_on, name="pass_on"),
    path("requests/<int:request_id>/allocate/", views.allocate, name="allocate"),
    path("requests/<int:request_id>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/<int:request_id>/levels/", views.ras_levels, name="ras"),
    path("requests/<int:request_id>/check/", views.check, name="check"),
    path("requests/<int:request_id>/attach/", views.attach, name="attach"),
    path("requests/<int:request_id>/correct/", views.correct, name="correct"),
    path("requests/<int:request_id>/list/<slug:list_key>/", views.items, name="items"),
    path("requests/<int:request_id>/part/<slug:part_key>/", views.part, name="part"),
    path("advice/<int:submission_id>/", views.submission, name="submission"),
    path("advice/<int:submission_id>/share/", views.share, name="share"),
    path("cases/<str:reference>/", views.plan, name="plan"),
    path("cases/<str:reference>/ask/", views.ask, name="ask"),
    path("cases/<str:reference>/reuse/", views.reuse, name="reuse"),
]
