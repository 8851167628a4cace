from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.phones import mask_phone

from . import services
from .models import Complaint, Evidence, Platform, TimelineEvent
from .states import Actor, Status


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_zh", "name_en", "order_number_kind", "active", "sort_order")
    list_editable = ("active", "sort_order")
    prepopulated_fields = {"slug": ("name_en",)}


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "text", "staff_only")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    can_delete = False
    fields = ("original_name", "content_type", "width", "height", "size", "sha256", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _move_action(target, description):
    """An admin action that moves the selected complaints through the state machine."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        moved, refused = 0, 0
        for complaint in queryset:
            try:
                services.transition(complaint, target, actor=request.user, role=Actor.STAFF)
                moved += 1
            except (services.TransitionNotAllowed, services.ComplaintChanged):
                refused += 1
        if moved:
            modeladmin.message_user(request, _("%(count)d complaint(s) moved.") % {"count": moved}, messages.SUCCESS)
        if refused:
            modeladmin.message_user(
                request,
                _("%(count)d complaint(s) cannot make that move from their status.") % {"count": refused},
                messages.WARNING,
            )

    action.__name__ = f"move_to_{target}"
    return action


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("reference", "platform", "category", "status", "masked_phone", "amount", "assignee", "created_at")
    list_filter = ("status", "platform", "category")
    search_fields = ("reference", "order_number")
    list_select_related = ("platform", "assignee")
    show_full_result_count = False
    raw_id_fields = ("owner", "assignee")
    inlines = [EvidenceInline, TimelineInline]
    actions = [
        _move_action(Status.IN_REVIEW, _("Take into review")),
        _move_action(Status.FORWARDED, _("Mark forwarded to platform")),
        _move_action(Status.RESOLVED, _("Mark resolved")),
        _move_action(Status.CLOSED, _("Close")),
    ]
    # Status is never edited directly: it changes only through the actions above.
    readonly_fields = (
        "reference",
        "status",
        "status_changed_at",
        "submission_token",
        "created_at",
        "updated_at",
        "consent_at",
        "owner",
    )

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.contact_phone)
