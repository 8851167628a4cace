from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from . import api

# Mounted at /api/v1/ by config/urls.py.
app_name = "api"
urlpatterns = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="openapi",
    ),
    path("complaints/", api.ComplaintList.as_view(), name="complaints"),
    path("complaints/<str:reference>/", api.ComplaintDetail.as_view(), name="complaint"),
    path("complaints/<str:reference>/acknowledge/", api.Acknowledge.as_view(), name="acknowledge"),
    path("complaints/<str:reference>/answers/", api.AnswerCreate.as_view(), name="answers"),
    path("evidence/<str:signed>/", api.evidence_file, name="evidence"),
]
