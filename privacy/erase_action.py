"""Erasing accounts from an admin list: the action's two steps (a confirmation page, then
the erasure of each account through actions.erasure), shared by privacy's user admin and
staff's complaint queue. A module of its own, not privacy.admin, so that importing it
registers no admin."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext

from actions.erasure import erase_account

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
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
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
