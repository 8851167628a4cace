from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_search import SearchByPostMixin

from .models import EmailAttachment, OutboundEmail
from .services import enqueue_delivery


class EmailAttachmentInline(admin.TabularInline):
    """What went with the email, by name and type (never the bytes)."""

    model = EmailAttachment
    fields = ("position", "name", "content_type", "storage", "path")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SearchByPostMixin, admin.ModelAdmin):
    list_display = ("created_at", "template", "to", "status", "attempts", "sent_at")
    list_filter = ("status", "template")
    search_fields = ("to", "subject", "complaint__reference")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    inlines = [EmailAttachmentInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    # Sending is a change: a supervisor who may only view the outbox must not trigger it.
    @admin.action(description=_("Retry sending now"), permissions=["change"])
    def retry_now(self, request, queryset):
        ids = list(queryset.exclude(status=OutboundEmail.Status.SENT).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=ids).update(status=OutboundEmail.Status.PENDING, locked_until=None)
        for email_id in ids:
            enqueue_delivery(email_id)
        self.message_user(
            request, ngettext("%d email queued.", "%d emails queued.", len(ids)) % len(ids), messages.SUCCESS
        )
