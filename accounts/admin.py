from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin

from core.admin_search import SearchByPostMixin

from .models import Profile


class SearchedByPostEmailAddressAdmin(SearchByPostMixin, EmailAddressAdmin):
    """allauth's list of email addresses, searched by POST and the session, never in the
    URL (core.admin_search); auth's user list does the same (privacy.admin)."""


if admin.site.is_registered(EmailAddress):
    admin.site.unregister(EmailAddress)
admin.site.register(EmailAddress, SearchedByPostEmailAddressAdmin)


@admin.register(Profile)
class ProfileAdmin(SearchByPostMixin, admin.ModelAdmin):
    list_display = ("user", "display_name", "language")
    search_fields = ("user__email", "display_name")
    raw_id_fields = ("user",)
