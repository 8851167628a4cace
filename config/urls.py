from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("sms/", include("notifications.urls")),
    path("accounts/", include("allauth.urls")),
    path("accounts/data/", include("privacy.urls")),
    path("", include("privacy.legal_urls")),
    path("complaints/", include("complaints.urls")),
    path("channels/", include("channels.urls")),
    path("escalation/", include("escalation.urls")),
    path("reading/", include("reading.urls")),
    path("api/channels/", include("channels.api_urls")),
    path("stats/respondents/", include("respondents.public_urls")),
    path("stats/", include("staff.urls")),
    path("respond/", include("respondents.urls")),
    path("api/v1/", include("respondents.api_urls")),
    path("admin/", admin.site.urls),
]
