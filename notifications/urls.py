from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("callback/<str:provider>/<str:token>/", views.sms_callback, name="sms_callback"),
]
