"""Erasure from the staff side: deleting a user in the admin erases their personal data
the same way the consumer's own deletion does (actions.erasure.erase_account), and an
action lets whoever holds accounts.erase_personal_data run it."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from actions.erasure import erase_account

User = get_user_model()
ERASE_PERMISSION = "accounts.erase_personal_data"


def erase_accounts(modeladmin, request, queryset, users, action: str):
    """An admin action's two steps: a confirmation page naming how many accounts go,
    then the erasure of each (reported as a count, never who)."""
    users = list(users)
    if not request.POST.get("confirm_erase"):
        context = {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.opts,
            "title": gettext("Delete accounts and erase personal data"),
            "accounts": len(users),
            "selected": [obj.pk for obj in queryset],
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/privacy/confirm_erase.html", context)
    erased = sum(erase_account(user) for user in users)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d account deleted and its personal data erased.",
            "%(count)d accounts deleted and their personal data erased.",
            erased,
        )
        % {"count": erased},
        messages.SUCCESS,
    )
    return None


class ErasingUserAdmin(UserAdmin):
    actions = ["erase_selected"]

    def delete_view(self, request, object_id, extra_context=None):
        # Django's delete view runs in a transaction of its own; erasing is an action
        # with its own durable transaction (actions.erasure), so it may not be nested.
        return self._delete_view(request, object_id, extra_context)

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
