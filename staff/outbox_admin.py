"""The outbox in the staff admin: masked, and a body opened only through a logged reveal.

An email's address, subject and body are a consumer's personal data (their name, their
complaint). Supervisors see the outbox masked; opening a body needs
complaints.reveal_contact and writes an access-log row, as a phone number's reveal does.
Here in staff (not notifications, which sits below complaints) because it asks the
access policy and writes the access log.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.phones import mask_phone
from complaints import access
from complaints.models import Complaint
from core.admin_search import SearchByPostMixin
from notifications.models import EmailAttachment, OutboundEmail
from notifications.services import enqueue_delivery

from .models import AccessLog
from .services import log_access

# An SMS's variables hold its stop token (and, until sent, a sign-in code).
PERSONAL = ("to", "subject", "body_text", "body_html", "reply_to", "headers", "last_error", "variables")


class EmailAttachmentInline(admin.TabularInline):
    """What went with the email, by name and type (never the bytes)."""

    model = EmailAttachment
    fields = ("position", "content_type", "storage")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SearchByPostMixin, admin.ModelAdmin):
    list_display = ("created_at", "transport", "template", "masked_to", "status", "attempts", "sent_at", "receipt")
    list_filter = ("status", "transport", "template", "receipt")
    search_fields = ("to", "complaint__reference")
    readonly_fields = ["masked_to", "reveal", *[f.name for f in OutboundEmail._meta.fields if f.name not in PERSONAL]]
    exclude = PERSONAL
    inlines = [EmailAttachmentInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("to"))
    def masked_to(self, obj):
        return mask_phone(obj.to) if obj.transport == "sms" else access.mask_email(obj.to)

    @admin.display(description=_("message"))
    def reveal(self, obj):
        url = reverse("admin:notifications_outboundemail_reveal", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Open the message (logged)"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/reveal/",
                self.admin_site.admin_view(self.reveal_view),
                name="notifications_outboundemail_reveal",
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _about_complaint(email) -> Complaint | None:
        about = email.about
        return about if isinstance(about, Complaint) else None

    def reveal_view(self, request, pk):
        """GET asks (a page, so a link alone reveals nothing); POST logs and shows."""
        email = get_object_or_404(OutboundEmail, pk=pk)
        if not (self.has_view_permission(request, email) and request.user.has_perm(access.REVEAL_CONTACT)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.opts, "email": email, "title": _("Message")}
        if request.method != "POST":
            return TemplateResponse(request, "admin/staff/outbox_reveal.html", {**context, "confirm": True})
        complaint = self._about_complaint(email)
        if complaint is not None:
            log_access(complaint, AccessLog.Field.EMAIL_BODY, user=request.user)
        return TemplateResponse(request, "admin/staff/outbox_reveal.html", context)

    # Sending is a change: a supervisor who may only view the outbox must not trigger it.
    @admin.action(description=_("Retry sending now"), permissions=["change"])
    def retry_now(self, request, queryset):
        # A merged message went inside the later one it was merged into.
        ids = list(
            queryset.exclude(status__in=[OutboundEmail.Status.SENT, OutboundEmail.Status.MERGED]).values_list(
                "pk", flat=True
            )
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.PENDING, locked_until=None, next_attempt_at=timezone.now()
        )
        for email_id in ids:
            enqueue_delivery(email_id)
        self.message_user(
            request, ngettext("%d email queued.", "%d emails queued.", len(ids)) % len(ids), messages.SUCCESS
        )
