from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("copy/", views.data_copy, name="copy"),
    path("delete/", views.delete_account, name="delete"),
]
