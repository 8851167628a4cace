from django.urls import path

from . import legal

app_name = "legal"
urlpatterns = [
    path("terms/", legal.terms, name="terms"),
    path("privacy/", legal.policy, name="privacy"),
]
