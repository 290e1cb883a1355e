from django.urls import path

from drafting import views

app_name = "drafting"
urlpatterns = [
    path("quality/", views.quality, name="quality"),
    path("finance/", views.finance, name="finance"),
    path("finance/export/", views.finance_export, name="finance_export"),
    path("cases/<str:reference>/", views.plan, name="plan"),
    path("cases/<str:reference>/assemble/", views.assemble, name="assemble"),
    path("cases/<str:reference>/panel/", views.panel, name="panel"),
    path("cases/<str:reference>/send/", views.send, name="send"),
    path("cases/<str:reference>/comments/", views.comments, name="comments"),
    path("cases/<str:reference>/comments/record/", views.record_comment, name="record_comment"),
    path("cases/<str:reference>/placement/", views.placement, name="placement"),
    path("cases/<str:reference>/sign-off/", views.sign_off, name="sign_off"),
    path("cases/<str:reference>/issue/", views.issue, name="issue"),
    path("comments/<int:comment_id>/answer/", views.answer, name="answer"),
    path("consultations/<int:consultation_id>/", views.consultation, name="consultation"),
    path("versions/<int:version_id>/", views.version, name="version"),
    path("versions/<int:version_id>/changes/", views.changes, name="changes"),
    path("versions/<int:version_id>/pdf/", views.pdf, name="pdf"),
    path("versions/<int:version_id>/sections/<str:code>/", views.section, name="section"),
    path("versions/<int:version_id>/sections/<str:code>/add/", views.add_item, name="add_item"),
    path("versions/<int:version_id>/sections/<str:code>/items/<str:key>/", views.item, name="item"),
    path(
        "versions/<int:version_id>/sections/<str:code>/items/<str:key>/flag/", views.resolve, name="resolve"
    ),
    path(
        "versions/<int:version_id>/sections/<str:code>/items/<str:key>/delete/", views.delete, name="delete"
    ),
]
