"""Staff's view of respondents: organisations, invitations (made through
actions.membership.invite, the link shown once), deliveries and answers (read only:
the actions layer writes them)."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect

from actions.membership import DocumentsChecked, decide_shop_application, invite

from . import directory
from .models import Answer, Delivery, Invitation, Member, Organisation, ShopApplication, WebhookEndpoint


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("user", "joined_at")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "platform", "joined_at")
    list_filter = ("kind", "platform")
    search_fields = ("name", "slug", "operator__name")
    readonly_fields = ("joined_at", "created_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MemberInline]


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ("organisation", "email", "role", "documents_checked", "documents_checked_on")

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        """The rule of actions.membership.invite, checked here so a refusal shows next
        to the field with what staff typed kept."""
        super().clean()
        data = self.cleaned_data
        if data.get("documents_checked") and not data.get("documents_checked_on"):
            self.add_error("documents_checked_on", _("Say when the documents were checked."))
        organisation, email = data.get("organisation"), data.get("email")
        if organisation and email and not directory.domain_is_trusted(organisation, email):
            if not data.get("documents_checked"):
                self.add_error(
                    "documents_checked",
                    _("This address is not at a domain the directory trusts: record the documents you checked."),
                )
            elif self.request and not self.request.user.has_perm("respondents.verify_documents"):
                self.add_error("documents_checked", _("Only a supervisor may record the documents checked."))
        return data


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Adding an invitation is the admin's way to invite: the link is shown once, in
    the confirmation message, and emailed to the address."""

    form = InvitationForm
    list_display = ("organisation", "email", "role", "domain_trusted", "created_at", "expires_at", "accepted_at")
    readonly_fields = (
        "domain_trusted",
        "documents_checked_by",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )

    def has_change_permission(self, request, obj=None):
        return False

    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django's own changeform_view wraps the save in transaction.atomic; the actions
        # layer runs its own durable transaction (actions.membership.invite), which
        # cannot be nested, so call the unwrapped view (the form validates first, and
        # the invitation is one action).
        return self._changeform_view(request, object_id, form_url, extra_context)  # type: ignore[attr-defined]  # Django's, not in the stubs

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class WithRequest(form):  # type: ignore[misc,valid-type]  # a class made per request
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return WithRequest

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        documents = None
        if data.get("documents_checked"):
            documents = DocumentsChecked(
                seen=data["documents_checked"], on=data["documents_checked_on"], by=request.user
            )
        invitation, link = invite(
            data["organisation"], email=data["email"], role=data["role"], invited_by=request.user, documents=documents
        )
        obj.pk, obj.key_hash, obj.expires_at = invitation.pk, invitation.key_hash, invitation.expires_at
        messages.success(request, _("Invitation made. Its one-time link (valid 7 days, shown once): %s") % link)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("complaint", "organisation", "delivered_at", "first_opened_at", "first_answer_at")
    list_filter = ("organisation",)
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("complaint", "organisation", "kind", "amount", "timely", "off_tousu", "created_at")
    list_filter = ("kind", "timely", "off_tousu")
    readonly_fields = [f.name for f in Answer._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("organisation", "url", "enabled", "failures_in_a_row", "disabled_at")
    readonly_fields = ("secret", "failures_in_a_row", "disabled_at", "created_at")
    exclude = ("secret",)

    def get_readonly_fields(self, request, obj=None):
        return ("failures_in_a_row", "disabled_at", "created_at")


class ShopDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))], widget=forms.RadioSelect
    )
    decision_reason = forms.CharField(
        label=_("Reason (sent to the applicant)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )

    class Meta:
        model = ShopApplication
        fields = ()


@admin.register(ShopApplication)
class ShopApplicationAdmin(admin.ModelAdmin):
    """Staff approve or refuse a shop with a reason (actions.membership.decide_shop_application),
    after looking at its sanitised licence."""

    form = ShopDecisionForm
    list_display = ("name", "platform", "state", "created_at", "decided_at")
    list_filter = ("state", "platform")
    readonly_fields = ("name", "platform", "shop_page", "licence_image", "state", "reason", "applicant", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Business licence"))
    def licence_image(self, obj):
        if not obj.licence:
            return _("being checked") if obj.state == ShopApplication.State.CHECKING else "—"
        url = reverse("admin:respondents_shopapplication_licence", args=[obj.pk])
        return format_html('<a href="{0}" target="_blank" rel="noopener"><img src="{0}" width="240" alt=""></a>', url)

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/licence/",
                self.admin_site.admin_view(self.licence_view),
                name="respondents_shopapplication_licence",
            )
        ]
        return extra + super().get_urls()

    def licence_view(self, request, pk):
        application = ShopApplication.objects.filter(pk=pk).first()
        if application is None or not application.licence or not self.has_view_permission(request, application):
            raise Http404
        with application.licence.open("rb") as handle:
            response = HttpResponse(handle.read(), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj and obj.state == ShopApplication.State.WAITING and self.has_change_permission(request, obj):
            fields += ["decision", "decision_reason"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    @method_decorator(csrf_protect)
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The decision is an action with its own durable transaction (see InvitationAdmin).
        return self._changeform_view(request, object_id, form_url, extra_context)  # type: ignore[attr-defined]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if "decision" in data:
            decide_shop_application(
                obj, approve=data["decision"] == "approve", reason=data["decision_reason"], staff_user=request.user
            )
