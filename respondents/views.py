"""The respondent portal: a member's queue, a delivered complaint, its answer.

Thin callers of actions.respondents. Who may open what is complaints.access's
(delivered_complaint_or_404); every page here needs a member with an authenticator
app (`member_required`).
"""

from __future__ import annotations

import functools

from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actions import membership
from actions import respondents as actions
from complaints import access
from complaints.evidence_pipeline import EvidenceLimitReached
from core.parties import Party
from reading.sharing import shared_copy, shows_personal_data
from staff.models import AccessLog

from .forms import AcceptInvitationForm, AnswerForm, ShopApplicationForm
from .models import Answer, Delivery
from .two_factor import is_member, member_has_two_factor

QUEUE_PAGE_SIZE = 50


def member_required(view):
    """Signed in, a member of an organisation, and with an authenticator app: a member
    without one is sent to set it up first (respondents.two_factor)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        if not is_member(request.user):
            raise Http404
        if not member_has_two_factor(request.user):
            messages.warning(request, _("Members sign in with a second step: set up an authenticator app to continue."))
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapped


@member_required
def queue(request):
    deliveries = access.member_deliveries(request.user, Delivery.objects.all())
    show = request.GET.get("show", "open")
    if show == "unanswered":
        deliveries = deliveries.filter(first_answer_at__isnull=True)
    elif show == "open":
        deliveries = deliveries.exclude(complaint__status__in=["resolved", "closed", "withdrawn", "rejected"])
    deliveries = deliveries.select_related("complaint", "complaint__platform", "organisation").order_by(
        "-updated_at", "-id"
    )[:QUEUE_PAGE_SIZE]
    member = request.user.respondent_member
    return render(
        request,
        "respondents/queue.html",
        {"deliveries": deliveries, "show": show, "organisation": member.organisation, "member": member},
    )


def _complaint_context(request, delivery: Delivery, *, form=None, file_errors=None):
    complaint = delivery.complaint
    evidence = list(complaint.evidence.ready().order_by("created_at", "id"))
    return {
        "delivery": delivery,
        "complaint": complaint,
        "evidence": evidence,
        "answers": list(Answer.objects.filter(complaint=complaint)),
        "timeline": complaint.events.filter(staff_only=False).order_by("created_at", "id"),
        # The consumer's contact details go only where they chose to show them to the platform.
        "contact_shown": shows_personal_data(complaint.pk, Party.PLATFORM),
        "form": form or AnswerForm(),
        "file_errors": file_errors or [],
        "can_answer": complaint.status in ("forwarded", "platform_responded"),
    }


@member_required
def complaint(request, reference):
    delivery = access.delivered_complaint_or_404(request.user, reference)
    actions.open_delivery(delivery, user=request.user)
    return render(request, "respondents/complaint.html", _complaint_context(request, delivery))


@member_required
@require_POST
def answer_complaint(request, reference):
    delivery = access.delivered_complaint_or_404(request.user, reference)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        context = _complaint_context(request, delivery, form=form)
        return render(request, "respondents/complaint.html", context, status=400)
    data = form.cleaned_data
    values = actions.AnswerValues(
        kind=data["kind"],
        message=data["message"],
        amount=data["amount"] if data["kind"] == Answer.Kind.REFUNDED else None,
        expected_by=data["expected_by"] if data["kind"] == Answer.Kind.IN_PROGRESS else None,
        redirect_to=data["redirect_to"] if data["kind"] == Answer.Kind.NOT_OURS else "",
    )
    try:
        actions.answer(delivery, values, user=request.user, files=request.FILES.getlist("attachments"))
    except (ValidationError, EvidenceLimitReached) as error:
        context = _complaint_context(request, delivery, form=form, file_errors=error.messages)
        return render(request, "respondents/complaint.html", context, status=400)
    except actions.AnswerRefused as error:
        form.add_error(None, str(error))
        context = _complaint_context(request, delivery, form=form)
        return render(request, "respondents/complaint.html", context, status=409)
    messages.success(request, _("Your answer was sent to the consumer."))
    return redirect("respondents:complaint", reference)


@member_required
@require_POST
def acknowledge_complaint(request, reference):
    delivery = access.delivered_complaint_or_404(request.user, reference)
    actions.acknowledge(delivery, user=request.user)
    messages.success(request, _("Marked as received."))
    return redirect("respondents:complaint", reference)


@member_required
def evidence(request, reference, public_id):
    """The copy of an evidence file the platform may have: blurred unless the consumer
    chose to show. A screenshot not read yet is not served (no OCR in a web request);
    its page says it is being checked."""
    delivery, item = access.delivered_evidence_or_404(request.user, reference, public_id)
    content = shared_copy(item, Party.PLATFORM)
    if content is None:
        raise Http404
    actions.open_delivery(delivery, user=request.user, field=AccessLog.Field.RESPONDENT_EVIDENCE)
    response = HttpResponse(content, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def accept(request, key):
    """Accept an invitation: a new member sets a password here (the invitation's
    address is theirs: the link was sent to it); a signed-in account with that address
    accepts with one button. Either way the next stop is the authenticator set-up."""
    invitation = membership.usable_invitation(key)
    if invitation is None:
        return render(request, "respondents/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    form = None
    if request.method == "POST":
        if user is None and existing is None:
            form = AcceptInvitationForm(request.POST, email=invitation.email)
            if form.is_valid():
                try:
                    with transaction.atomic():
                        user = get_user_model().objects.create_user(
                            username=invitation.email, email=invitation.email, password=form.cleaned_data["password1"]
                        )
                        # The link reached this address: that verifies it.
                        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
                except IntegrityError:
                    form.add_error(None, _("An account with this address already exists: sign in first."))
                    user = None
        if user is not None:
            try:
                membership.accept_invitation(key, user=user)
            except membership.InvitationRefused as error:
                messages.error(request, str(error))
                return render(request, "respondents/accept.html", {"invitation": invitation, "form": form}, status=400)
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                # The member has just typed their new password on this page: that counts as
                # allauth's password (re)authentication, so it is not asked for again a
                # second later before the authenticator set-up.
                record_authentication(request, user, method="password", reauthenticated=True)
            messages.success(
                request,
                _("You now answer for %(name)s. Set up your authenticator app to open its complaints.")
                % {"name": invitation.organisation.name},
            )
            return redirect("respondents:queue")
    elif user is None and existing is None:
        form = AcceptInvitationForm(email=invitation.email)
    context = {"invitation": invitation, "form": form, "needs_sign_in": user is None and existing is not None}
    return render(request, "respondents/accept.html", context, status=400 if form and form.errors else 200)


def public_page(request, slug):
    """A respondent's public figures (respondents.stats); 404 for one not on Tousu."""
    from django.shortcuts import get_object_or_404

    from staff import conf as staff_conf

    from .models import Organisation
    from .stats import figures_for

    organisation = get_object_or_404(Organisation, slug=slug, joined_at__isnull=False)
    context = {"figures": figures_for(organisation), "minimum": staff_conf.PUBLIC_STATS_MIN_COMPLAINTS}
    return render(request, "respondents/public_page.html", context)


@login_required
def apply_as_shop(request):
    """A shop applies to answer on Tousu; the licence is checked by content."""
    form = ShopApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership.apply_as_shop(
                applicant=request.user,
                platform=data["platform"],
                name=data["name"].strip(),
                shop_page=data["shop_page"],
                licence=data["licence"],
            )
        except ValidationError as error:
            form.add_error("licence", error)
        else:
            messages.success(request, _("Thank you: staff will check your application and tell you by email."))
            return redirect("home")
    return render(request, "respondents/apply.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def share_with_shop(request, reference, slug):
    """The consumer agrees to share their complaint with a shop on Tousu (its own
    consent), which delivers it; only a shop offered on their page."""
    from .presentation import shops_to_offer

    complaint = access.owned_complaint_or_404(request.user, reference)
    shop = next((s for s in shops_to_offer(complaint, _named_in_answers(complaint)) if s.slug == slug), None)
    if shop is None:
        raise Http404
    actions.consent_to_shop(complaint, shop, user=request.user)
    messages.success(request, _("Delivered to %(shop)s.") % {"shop": shop.name})
    return redirect(complaint)


def _named_in_answers(complaint) -> list[str]:
    return [name for name in Answer.objects.filter(complaint=complaint).values_list("redirect_to", flat=True) if name]
