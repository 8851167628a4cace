from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from . import api

app_name = "api"
urlpatterns = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="openapi",
    ),
    path("complaints/", api.ComplaintList.as_view(), name="complaints"),
    path("complaints/<str:reference>/", api.ComplaintDetail.as_view(), name="complaint"),
    path("complaints/<str:reference>/acknowledge/", api.Acknowledge.as_view(), name="acknowledge"),
    path("complaints/<str:reference>/answers/", api.Answers.as_view(), name="answers"),
    path("evidence/<str:token>/", api.EvidenceFile.as_view(), name="evidence"),
]
