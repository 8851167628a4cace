from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import workdays
from .checks import WARN_DAYS_BEFORE_END
from .models import (
    Clock,
    DeadlinePolicy,
    EscalationFiling,
    HolidayOverride,
    PlatformFiling,
    PublishedSchedule,
    Reminder,
    ReminderMute,
)


def warn_if_schedule_ends_soon(request) -> None:
    """Staff see it on every clock and override page: never a silent guess."""
    known_until = workdays.known_until()
    if (known_until - timezone.localdate()).days < WARN_DAYS_BEFORE_END:
        messages.warning(
            request,
            _(
                "The official holiday schedule is known only until %(date)s. Deadlines after it count weekends only "
                "and are marked provisional: enter the State Council's notice as overrides, then mark the year published."
            )
            % {"date": known_until.isoformat()},
        )


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "is_working_day", "note", "source", "updated_at")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        warn_if_schedule_ends_soon(request)
        return super().changelist_view(request, extra_context)


@admin.register(PublishedSchedule)
class PublishedScheduleAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = (
        "slug",
        "body",
        "platform",
        "kind",
        "expected_after",
        "due_after",
        "unit",
        "active",
        "basis",
        "reliability",
    )
    list_filter = ("body", "platform", "active")
    list_editable = ("expected_after", "due_after", "active")


class ReminderInline(admin.TabularInline):
    model = Reminder
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "seq", "status", "attempts", "last_error", "email", "finished_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    list_display = ("complaint", "kind", "state", "due_at", "provisional", "met_at", "next_reminder_at")
    list_filter = ("state", "kind", "provisional")
    search_fields = ("complaint__reference",)
    raw_id_fields = ("complaint", "policy", "started_by")
    readonly_fields = [f.name for f in Clock._meta.fields]
    inlines = [ReminderInline]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        warn_if_schedule_ends_soon(request)
        return super().changelist_view(request, extra_context)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("created_at", "clock", "kind", "seq", "status", "attempts", "last_error", "email_status")
    list_filter = ("status", "kind")
    search_fields = ("clock__complaint__reference",)
    readonly_fields = [f.name for f in Reminder._meta.fields]
    list_select_related = ("email", "clock")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("email"))
    def email_status(self, obj):
        return obj.email.get_status_display() if obj.email_id else "—"


@admin.register(ReminderMute)
class ReminderMuteAdmin(admin.ModelAdmin):
    list_display = ("complaint", "muted_at")
    raw_id_fields = ("complaint",)


@admin.register(PlatformFiling)
class PlatformFilingAdmin(admin.ModelAdmin):
    list_display = ("complaint", "channel", "filed_at", "ticket")
    raw_id_fields = ("complaint",)


@admin.register(EscalationFiling)
class EscalationFilingAdmin(admin.ModelAdmin):
    list_display = ("complaint", "body", "reference", "filed_on")
    raw_id_fields = ("complaint",)
