from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.message_list, name="list"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:message_id>/", views.message_detail, name="detail"),
    path("templates/", views.template_preview, name="templates"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:message_id>/follow-up/", views.record_follow_up, name="record_follow_up"),
    # GOV.UK Notify posts delivery receipts here (a bearer token, no session, no CSRF token).
    path("notify-callback/", views.notify_callback, name="notify_callback"),
]
