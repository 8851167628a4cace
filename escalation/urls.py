from django.urls import path

from . import packet_views, step_views, views
from .paperwork import views as paperwork_views

app_name = "escalation"
urlpatterns = [
    path("", views.index, name="index"),
    path("routes/", views.routes, name="routes"),
    path("mute/<str:token>/", views.mute, name="mute"),
    path("<str:reference>/filed-with-platform/", views.filed_with_platform, name="filed_with_platform"),
    path("<str:reference>/deadlines.ics", views.deadlines_ics, name="ics"),
    path("<str:reference>/packet/", packet_views.packet_start, name="packet_start"),
    path("<str:reference>/packet/<str:body>/", packet_views.packet, name="packet"),
    path("<str:reference>/packet/<str:body>/evidence.zip", packet_views.packet_zip, name="packet_zip"),
    path("<str:reference>/packet/<str:body>/timeline/", packet_views.packet_timeline, name="packet_timeline"),
    path("<str:reference>/paperwork/<str:kind>.pdf", paperwork_views.download, name="paperwork_pdf"),
    path("<str:reference>/escalated/", packet_views.record_escalation, name="record_escalation"),
    path("<str:reference>/step/<str:route>/<str:step>/", step_views.record_step, name="record_step"),
    path("<str:reference>/platform-answered/", step_views.platform_answered, name="platform_answered"),
    path("<str:reference>/solved/", step_views.answer_solved, name="answer_solved"),
]
