from django.urls import path

from . import views

app_name = "reading"
urlpatterns = [
    path("fill/", views.fill_from_screenshots, name="fill"),
]
