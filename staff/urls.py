from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.public_statistics, name="public_stats"),
]
