"""Erasure from the staff side: deleting a user in the admin erases their personal data
the same way the consumer's own deletion does (actions.erasure.erase_account), and an
action lets whoever holds accounts.erase_personal_data run it."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from actions.erasure import erase_account
from core.admin_search import SearchByPostMixin

from .erase_action import ERASE_PERMISSION, erase_accounts

User = get_user_model()


class ErasingUserAdmin(SearchByPostMixin, UserAdmin):
    # Searched by email address: by POST and the session, never in the URL (core.admin_search).
    actions = ["erase_selected"]

    def delete_view(self, request, object_id, extra_context=None):
        # Django's delete view runs in a transaction of its own; erasing is an action
        # with its own durable transaction (actions.erasure), so it may not be nested.
        return self._delete_view(request, object_id, extra_context)  # type: ignore[attr-defined]  # Django's, not in the stubs

    def delete_model(self, request, obj):
        # Deleting a consumer is erasing them: files, complaints' personal data, emails, sessions.
        erase_account(obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            erase_account(user)

    def has_erase_personal_data_permission(self, request):
        return request.user.has_perm(ERASE_PERMISSION)

    @admin.action(
        description=_("Delete the selected accounts and erase their personal data"),
        permissions=["erase_personal_data"],
    )
    def erase_selected(self, request, queryset):
        return erase_accounts(self, request, queryset, queryset, "erase_selected")


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ErasingUserAdmin)
