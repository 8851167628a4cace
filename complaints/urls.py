from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="mine"),
    path("new/", views.complaint_new, name="new"),
    path("contact/confirm/<str:token>/", views.confirm_contact, name="confirm_contact"),
    path("evidence/<uuid:public_id>/", views.evidence_file, name="evidence"),
    path("evidence/<uuid:public_id>/thumbnail/", views.evidence_file, {"thumbnail": True}, name="evidence_thumbnail"),
    path("<str:reference>/", views.complaint_detail, name="detail"),
    path("<str:reference>/message/", views.complaint_message, name="message"),
    path("<str:reference>/evidence/", views.complaint_add_evidence, name="add_evidence"),
    path("<str:reference>/withdraw/", views.complaint_withdraw, name="withdraw"),
]
