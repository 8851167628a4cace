from django.urls import path

from . import views

# Mounted at /api/channels/ by config/urls.py.
urlpatterns = [
    path("check", views.check_api, name="channels_check_api"),
]
