"""The staff queue in the Django admin: the complaint list, the complaint page with its
action buttons and the contact access log."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ShowFacets
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.phones import format_cn_mobile
from actions.forwarding import forward
from actions.staff import assign
from complaints import access, evidence_pipeline, serving
from complaints.models import Complaint
from complaints.states import ComplaintChanged, TransitionNotAllowed
from core import parties
from core.admin_search import SEARCH_KEY_VAR, SearchByPostMixin
from core.parties import Party
from escalation import ladder
from privacy.erase_action import ERASE_PERMISSION, erase_accounts
from reading import sharing

from . import buttons, conf, forms, next_up, outbox_admin, packet_views, replies, services  # noqa: F401 (registers)
from .deadlines import age_in_working_days, deadline_state, due_soon_cutoff
from .models import AccessLog, ReplyTemplate
from .queue import (
    QUEUE_ORDER,
    AssigneeFilter,
    CappedPaginator,
    ChoicesEqualityFilter,
    DeadlineFilter,
    ErasedFilter,
    ProvisionalFilter,
    RelatedEqualityFilter,
    StatusFilter,
    declared_lookups,
    queue_order,
    search_filter,
)
from .vocabulary import beijing, status_label

REFUSED = (TransitionNotAllowed, ComplaintChanged, ValidationError)
# The list's "what happened" column: enough to tell complaints apart at a glance.
SNIPPET_CHARS = 40

DEADLINE_LABELS = {
    "overdue": _("overdue"),
    "due_soon": _("due within one working day"),
    "fine": _("on time"),
}


@admin.register(Complaint)
class ComplaintAdmin(SearchByPostMixin, admin.ModelAdmin):
    list_filter = (
        ("platform", RelatedEqualityFilter),
        ("status", StatusFilter),
        ("category", ChoicesEqualityFilter),
        DeadlineFilter,
        AssigneeFilter,
        ProvisionalFilter,
        ErasedFilter,
    )
    search_fields = ("reference",)  # shows the search box; get_search_results decides the query

    def lookup_allowed(self, lookup, value, request=None):
        # Only the declared filters. Django allows any lookup on the model's own fields,
        # so ?contact_phone__startswith=139 let a role without reveal_contact recover a
        # full phone number a digit at a time, with no access-log row.
        return lookup == SEARCH_KEY_VAR or lookup in declared_lookups(self.list_filter)

    search_help_text = _(
        "Reference (whole, its start such as TS-2026, or its last digits), order number, consumer email, "
        "mobile number or name"
    )
    list_select_related = ("platform", "assignee")
    paginator = CappedPaginator

    # Read when a page is built (STAFF_QUEUE_PAGE_SIZE), not a class constant.
    @property
    def list_per_page(self) -> int:  # type: ignore[override]
        return conf.QUEUE_PAGE_SIZE

    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    ordering = QUEUE_ORDER
    # Only orders an index serves: the queue's own.
    sortable_by = ()
    change_form_template = "admin/staff/complaint/change_form.html"
    change_list_template = "admin/staff/complaint/change_list.html"
    actions = ["assign_to_me", "assign_selected", "forward_selected", "erase_consumers"]
    # Everything is read only: a complaint changes through the action buttons.
    fields = (
        "reference",
        "staff_status",
        "status_changed",
        "platform",
        "category",
        "order_number",
        "order_date",
        "amount",
        "shop_name",
        "description",
        "desired_outcome",
        "desired_outcome_detail",
        "masked_name",
        "masked_phone",
        "masked_email",
        "language",
        "assignee",
        "deadline_at",
        "next_deadline_provisional",
        "platform_consent_at",
        "submitted",
        "updated",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ("staff/staff.css",)}

    # --- Permissions: complaints are filed by consumers and never deleted here; who
    # may read them is complaints.access's call (view permission, never is_staff).

    def has_view_permission(self, request, obj=None):
        return access.staff_may_view_complaints(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_ordering(self, request):
        return queue_order(request.GET)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("platform", "assignee")

    # --- The list.

    def get_list_display(self, request):
        now = timezone.now()
        cutoff = due_soon_cutoff(now)

        @admin.display(description=_("next deadline"))
        def next_deadline(obj):
            state = deadline_state(obj.next_deadline_at, now, cutoff)
            if obj.next_deadline_at is None:
                return "—"
            local = timezone.localtime(obj.next_deadline_at)
            return format_html(
                '<span class="deadline deadline-{}" title="{}">{}</span>{}',
                state,
                DEADLINE_LABELS[state],
                f"{local:%Y-%m-%d %H:%M}",
                format_html(' <span class="deadline-provisional">{}</span>', gettext("provisional"))
                if obj.next_deadline_provisional
                else "",
            )

        @admin.display(description=_("age (working days)"))
        def age(obj):
            return age_in_working_days(obj.created_at, now)

        return (
            "reference",
            "platform",
            "category",
            "staff_status",
            "snippet",
            "consumer",
            "amount",
            next_deadline,
            "assignee",
            age,
        )

    @admin.display(description=_("status"), ordering="status")
    def staff_status(self, obj):
        return status_label(obj.status)

    @admin.display(description=_("what happened"))
    def snippet(self, obj):
        return Truncator(" ".join(obj.description.split())).chars(SNIPPET_CHARS)

    @admin.display(description=_("consumer"))
    def consumer(self, obj):
        contact = access.masked_contact(obj)
        return format_html("{}<br>{}", contact.phone, contact.email)

    def get_search_results(self, request, queryset, search_term):
        query = search_filter(search_term)
        if query is None:
            return queryset, False
        return queryset.filter(query), False

    # --- The complaint page.

    @admin.display(description=_("contact name"))
    def masked_name(self, obj):
        return access.masked_contact(obj).name

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj):
        return access.masked_contact(obj).phone

    @admin.display(description=_("contact email"))
    def masked_email(self, obj):
        return access.masked_contact(obj).email

    @admin.display(description=_("consented to sharing at"))
    def platform_consent_at(self, obj):
        # The platform consent (complaints.Consent) is the one record of it.
        consent = obj.consents.filter(recipient=Party.PLATFORM).first()
        return beijing(consent.given_at) if consent else "—"

    # The complaint's times, in Beijing time (staff.vocabulary.beijing), like every staff page.

    @admin.display(description=_("status changed at"))
    def status_changed(self, obj):
        return beijing(obj.status_changed_at)

    @admin.display(description=_("next deadline"))
    def deadline_at(self, obj):
        return beijing(obj.next_deadline_at)

    @admin.display(description=_("submitted at"))
    def submitted(self, obj):
        return beijing(obj.created_at)

    @admin.display(description=_("updated at"))
    def updated(self, obj):
        return beijing(obj.updated_at)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/act/<str:name>/", wrap(self.action_view), name="complaints_complaint_act"),
            path("<path:object_id>/reveal/<str:field>/", wrap(self.reveal_view), name="complaints_complaint_reveal"),
            path(
                "<path:object_id>/evidence/<uuid:public_id>/",
                wrap(self.evidence_view),
                name="complaints_complaint_evidence",
            ),
            path(
                "<path:object_id>/evidence/<uuid:public_id>/thumbnail/",
                wrap(self.evidence_view),
                {"thumbnail": True},
                name="complaints_complaint_evidence_thumbnail",
            ),
            path("<path:object_id>/packet/<str:body>/", wrap(self.packet_view), name="complaints_complaint_packet"),
            path(
                "<path:object_id>/packet/<str:body>/evidence.zip",
                wrap(self.packet_zip_view),
                name="complaints_complaint_packet_zip",
            ),
            path(
                "<path:object_id>/paperwork/<str:kind>.pdf",
                wrap(self.paperwork_pdf_view),
                name="complaints_complaint_paperwork_pdf",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        complaint = self.get_object(request, object_id)
        extra = {**(extra_context or {}), **self._page_context(request, complaint)} if complaint else extra_context
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _page_context(self, request, complaint, bound=None):
        can_act = self.has_change_permission(request, complaint)
        evidence = list(complaint.evidence.select_related("reading").order_by("created_at", "id"))
        for item in evidence:
            item.viewable = access.can_view_evidence(request.user, item)
        offered = []
        following = next_up.next_complaint(self, request, complaint)
        if can_act:
            for action in buttons.available(complaint, request.user):
                form = bound[1] if bound and bound[0] == action.name else buttons.make_form(action, complaint)
                offered.append({"action": action, "form": form, "open": bool(bound and bound[0] == action.name)})
        return {
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
            "complaint": complaint,
            "evidence": evidence,
            "sharing_choices": sharing.choices_in_force(complaint),
            "timeline": list(complaint.events.select_related("actor").order_by("created_at", "id")),
            "buttons": offered,
            "can_reveal": access.can_reveal_contact(request.user, complaint),
            "contact_fields": [(field, AccessLog.Field(field).label) for field in services.CONTACT_FIELDS],
            "packet_bodies": parties.PACKET_BODIES,
            "can_download_zip": access.staff_may_view_evidence(request.user),
            "refusal": buttons.refusal(complaint),
            "next_complaint": following,
            "next_url": next_up.complaint_url(following, request) if following else "",
            "list_url": next_up.list_url(request),
        }

    def _viewable_complaint(self, request, object_id):
        complaint = self.get_object(request, object_id)
        if complaint is None:
            raise Http404
        if not self.has_view_permission(request, complaint):
            raise PermissionDenied
        return complaint

    def _get_complaint(self, request, object_id):
        complaint = self.get_object(request, object_id)
        if complaint is None:
            raise Http404
        if not self.has_change_permission(request, complaint):
            raise PermissionDenied
        return complaint

    def action_view(self, request, object_id, name):
        """POST one action button; the page again with the form's errors if it is invalid."""
        complaint = self._get_complaint(request, object_id)
        action = buttons.BY_NAME.get(name)
        if action is None:
            raise Http404
        change_url = next_up.complaint_url(complaint, request)
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        if buttons.refusal(complaint):
            self.message_user(request, buttons.refusal(complaint), messages.ERROR)
            return HttpResponseRedirect(change_url)
        if action not in buttons.available(complaint, request.user):
            self.message_user(request, gettext("That action is not possible any more."), messages.WARNING)
            return HttpResponseRedirect(change_url)
        if replies.USE in request.POST:
            # "Use this template" without script: the page again, the text filled in, nothing done.
            form = buttons.form_with_template(action, complaint, request.POST)
            request.method = "GET"
            context = self._page_context(request, complaint, bound=(name, form))
            return super().change_view(request, str(complaint.pk), extra_context=context)
        form = buttons.make_form(action, complaint, request.POST, request.FILES)
        if form.is_valid():
            try:
                buttons.perform(action, complaint, request.user, form.cleaned_data)
            except evidence_pipeline.EvidenceLimitReached as exc:
                if "files" not in form.fields:
                    raise
                # Next to the file field, the text kept: staff pick fewer files and send again.
                form.add_error("files", exc)
            except ladder.StepDateRefused as refused:
                # Next to the date field, with what was typed kept (the page again, below).
                form.add_error(refused.field, refused.reason)
            except REFUSED as exc:
                self.message_user(request, " ".join(getattr(exc, "messages", [str(exc)])), messages.ERROR)
                return HttpResponseRedirect(change_url)
            else:
                done = {"action": action.label, "reference": complaint.reference}
                self.message_user(request, gettext("Done: %(action)s (%(reference)s).") % done, messages.SUCCESS)
                return HttpResponseRedirect(self._after_action(request, action, complaint, change_url))
        request.method = "GET"  # render the page (not process the read-only form) with the errors
        context = self._page_context(request, complaint, bound=(name, form))
        response = super().change_view(request, str(complaint.pk), extra_context=context)
        response.status_code = 400
        return response

    def _after_action(self, request, action, complaint, change_url) -> str:
        """Where an action that succeeded leads: the next complaint of the list staff
        work from (staff.next_up) when this one is done for now, else this one again."""
        if not action.then_next:
            return change_url
        following = next_up.next_complaint(self, request, complaint)
        if following is None:
            self.message_user(request, gettext("No other complaint in this list needs you now."), messages.INFO)
            return next_up.list_url(request)
        return next_up.complaint_url(following, request)

    def reveal_view(self, request, object_id, field):
        """POST: show the full phone number or email address and log who opened it
        (for staff whom complaints.access allows to reveal contact details)."""
        complaint = self._viewable_complaint(request, object_id)
        if field not in services.CONTACT_FIELDS:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(next_up.complaint_url(complaint, request))
        value = services.reveal_contact(complaint, field, user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "complaint": complaint,
            "field_label": AccessLog.Field(field).label,
            "value": value,
            # A phone staff call from the page: a tel: link, written 138 0013 8000.
            "phone": format_cn_mobile(value) if field == AccessLog.Field.PHONE else "",
            "title": complaint.reference,
            "back_url": next_up.complaint_url(complaint, request),
        }
        return TemplateResponse(request, "admin/staff/complaint/reveal.html", context)

    def evidence_view(self, request, object_id, public_id, thumbnail=False):
        """An evidence image of the complaint for staff whom complaints.access allows to
        see evidence; the opening is logged (staff.services.log_evidence_opened)."""
        complaint = self._viewable_complaint(request, object_id)
        evidence = access.staff_evidence_or_404(request.user, complaint, public_id)
        services.log_evidence_opened(complaint, user=request.user)
        return serving.evidence_response(evidence, thumbnail=thumbnail)

    def packet_view(self, request, object_id, body):
        """The escalation packet for staff; opening it is logged."""
        complaint = self._viewable_complaint(request, object_id)
        admin_context = {**self.admin_site.each_context(request), "opts": self.opts}
        return packet_views.packet_page(request, complaint, body, admin_context=admin_context)

    def packet_zip_view(self, request, object_id, body):
        """The packet ZIP with the evidence for staff; downloading it is logged."""
        admin_context = {**self.admin_site.each_context(request), "opts": self.opts}
        complaint = self._viewable_complaint(request, object_id)
        return packet_views.packet_zip(request, complaint, body, admin_context=admin_context)

    def paperwork_pdf_view(self, request, object_id, kind):
        """The paperwork PDF with the evidence for staff; downloading it is logged."""
        admin_context = {**self.admin_site.each_context(request), "opts": self.opts}
        complaint = self._viewable_complaint(request, object_id)
        return packet_views.paperwork_pdf(request, complaint, kind, admin_context=admin_context)

    # --- Bulk actions on the list.

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        count = 0
        for complaint in buttons.workable(queryset).select_related(None):
            assign(complaint, assignee=request.user, actor=request.user)
            count += 1
        self.message_user(request, gettext("%(count)d complaint(s) assigned.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Assign to…"), permissions=["change"])
    def assign_selected(self, request, queryset):
        form = forms.AssignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = 0
            for complaint in buttons.workable(queryset):
                assign(complaint, assignee=form.cleaned_data["assignee"], actor=request.user)
                count += 1
            self.message_user(request, gettext("%(count)d complaint(s) assigned.") % {"count": count}, messages.SUCCESS)
            return None
        return self._bulk_page(request, queryset, form, "assign_selected", gettext("Assign complaints"))

    @admin.action(description=_("Forward to the platform…"), permissions=["change"])
    def forward_selected(self, request, queryset):
        platforms = set(queryset.values_list("platform_id", flat=True)[:2])
        if len(platforms) != 1:
            self.message_user(
                request, gettext("Select complaints of one platform to forward them together."), messages.WARNING
            )
            return None
        platform = queryset.first().platform
        form = forms.ForwardForm(
            request.POST if "apply" in request.POST else None,
            channels=buttons.forwarding_channels(platform),
            refusal=lambda channel: services.forwarding_refusal(queryset.first(), channel),
        )
        if form.is_bound and form.is_valid():
            moved, refused = 0, 0
            for complaint in buttons.workable(queryset):
                try:
                    forward(
                        complaint,
                        channel=form.cleaned_data["channel"],
                        actor=request.user,
                        text=form.cleaned_data["text"],
                    )
                    moved += 1
                except REFUSED:
                    refused += 1
            if moved:
                self.message_user(
                    request, gettext("%(count)d complaint(s) forwarded.") % {"count": moved}, messages.SUCCESS
                )
            if refused:
                self.message_user(
                    request,
                    gettext("%(count)d complaint(s) cannot be forwarded from their status.") % {"count": refused},
                    messages.WARNING,
                )
            return None
        return self._bulk_page(request, queryset, form, "forward_selected", gettext("Forward complaints"))

    def has_erase_personal_data_permission(self, request):
        return request.user.has_perm(ERASE_PERMISSION)

    @admin.action(
        description=_("Delete these consumers' accounts and erase their personal data…"),
        permissions=["erase_personal_data"],
    )
    def erase_consumers(self, request, queryset):
        owners = get_user_model().objects.filter(pk__in=queryset.filter(owner__isnull=False).values("owner"))
        return erase_accounts(self, request, queryset, owners, "erase_consumers")

    def _bulk_page(self, request, queryset, form, action, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "complaints": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/staff/complaint/bulk_action.html", context)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "complaint", "field")
    list_filter = ("field",)
    list_select_related = ("user", "complaint")
    search_fields = ("complaint__reference",)
    show_full_result_count = False
    paginator = CappedPaginator

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """Supervisors keep the reply templates (staff.roles grants them the model's
    permissions); reviewers meet them in the action forms (staff.replies)."""

    list_display = ("title", "category", "updated")
    list_filter = ("category",)
    fields = ("category", "title", "body")

    @admin.display(description=_("updated at"))
    def updated(self, obj):
        return beijing(obj.updated_at)
