from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("", views.index, name="index"),
    path("check/", views.check, name="check"),
    path("<slug:slug>/", views.body, name="body"),
]
