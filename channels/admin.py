from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import VerificationForm
from .levels import Level
from .models import Body, Channel, OperatorCompany, ServiceHours, VerificationEvent


class StaleFilter(admin.SimpleListFilter):
    """Verifications older than CHANNELS_STALE_AFTER_DAYS (default 180), of the
    channel or of its hours."""

    title = _("verification age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("stale (older than %(days)d days)") % {"days": services.stale_after_days()}),
            ("fresh", _("fresh")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.filter(pk__in=services.stale_channels().values("pk"))
        if self.value() == "fresh":
            return queryset.exclude(pk__in=services.stale_channels().values("pk"))
        return queryset


def _verification_action(level: Level, description):
    """An admin action that asks for source, date and (where needed) a reason, then
    sets the level on every selected channel through services.set_verification."""

    def action(modeladmin, request, queryset):
        form = VerificationForm(request.POST if "apply" in request.POST else None, level=level)
        if "apply" in request.POST and form.is_valid():
            changed = refused = 0
            targets = form.targets(queryset)
            for channel, target in targets:
                try:
                    changed += services.set_verification(
                        target,
                        level=level,
                        source=form.cleaned_data["source"],
                        checked_on=form.cleaned_data["checked_on"],
                        note=form.cleaned_data["note"],
                        checked_by=request.user,
                        recorded_by=request.user.get_username(),
                    )
                except services.VerificationRefused as exc:
                    refused += 1
                    modeladmin.message_user(request, f"{channel}: {exc}", messages.ERROR)
            if changed:
                modeladmin.message_user(
                    request,
                    _("%(count)d verification(s) marked %(level)s.") % {"count": changed, "level": level.label},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/channels/verification_action.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": description,
                "form": form,
                "channels": queryset.select_related("body"),
                "action": request.POST.get("action"),
                "level": level,
                "opts": modeladmin.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    action.__name__ = f"mark_{level.value}"
    return admin.action(description=description, permissions=["change"])(action)


class ServiceHoursInline(admin.StackedInline):
    model = ServiceHours
    extra = 0
    fields = ("schedule", "level", "source", "checked_on", "checked_by", "verification_note")
    # Hours are verified like channels: through the history-writing service, never by typing a level.
    readonly_fields = ("level", "source", "checked_on", "checked_by", "verification_note")


class VerificationEventInline(admin.TabularInline):
    model = VerificationEvent
    extra = 0
    can_delete = False
    fields = (
        "recorded_at",
        "subject",
        "from_level",
        "to_level",
        "source",
        "checked_on",
        "checked_by",
        "note",
        "recorded_by",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OperatorCompany)
class OperatorCompanyAdmin(admin.ModelAdmin):
    """Staff confirm an operator's facts here: read them in the platform's own user
    agreement (or the licence), set the level to official and the date."""

    list_display = ("name", "name_level", "credit_code", "credit_code_level", "confirmed_on")
    list_filter = ("name_level", "credit_code_level", "registered_address_level")
    search_fields = ("name", "credit_code")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_zh", "name_en", "kind", "platform", "sort_order")
    list_filter = ("kind",)
    search_fields = ("slug", "name_zh", "name_en", "operator__name", "operator__credit_code")
    autocomplete_fields = ("operator",)
    prepopulated_fields = {"slug": ("name_en",)}


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("value", "body", "kind", "level", "checked_on", "checked_by", "audience")
    list_filter = (StaleFilter, "level", "kind", "body")
    list_select_related = ("body", "checked_by")
    search_fields = ("value", "normalised", "body__name_zh", "body__name_en")
    readonly_fields = ("normalised", "level", "source", "checked_on", "checked_by", "verification_note", "updated_at")
    fieldsets = [
        (None, {"fields": ("body", "key", "kind", "value", "normalised", "audience")}),
        (_("What consumers see"), {"fields": ("steps_zh", "steps_en", "notes_zh", "notes_en")}),
        (_("For disputed or wrong entries"), {"fields": ("wrong_reason", "belongs_to")}),
        (
            _("Verification (change it with the actions in the list)"),
            {"fields": ("level", "source", "checked_on", "checked_by", "verification_note", "updated_at")},
        ),
    ]
    inlines = [ServiceHoursInline, VerificationEventInline]
    actions = [
        _verification_action(Level.OFFICIAL, _("Mark official (I checked the body's own app or site)")),
        _verification_action(Level.CORROBORATED, _("Mark corroborated (two independent sources)")),
        _verification_action(Level.DISPUTED, _("Mark disputed (sources conflict)")),
        _verification_action(Level.WRONG, _("Mark wrong (belongs to someone else, or a placeholder)")),
    ]

    def save_model(self, request, obj, form, change):
        if change and "value" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        # A new channel, or one whose value changed, starts again at unconfirmed: the
        # old verification was about another value. The staff member's name holds it
        # against the data loader.
        services.set_verification(
            obj,
            level=Level.UNCONFIRMED,
            source=_("entered in the admin by %(user)s") % {"user": request.user.get_username()},
            checked_on=timezone.localdate(),
            checked_by=request.user,
            note=str(_("value changed")) if change else "",
            recorded_by=request.user.get_username(),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not ServiceHours:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        changed_schedule = {obj.pk for obj, fields in formset.changed_objects if "schedule" in fields}
        for hours in saved:
            if hours.pk is None or hours.pk in changed_schedule:
                services.set_verification(
                    hours,
                    level=Level.UNCONFIRMED,
                    source=_("entered in the admin by %(user)s") % {"user": request.user.get_username()},
                    checked_on=timezone.localdate(),
                    checked_by=request.user,
                    recorded_by=request.user.get_username(),
                )
            else:
                hours.save()
        for hours in formset.deleted_objects:
            hours.delete()
