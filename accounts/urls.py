from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("sms/stop/<str:token>/", views.sms_stop, name="sms_stop"),
]
