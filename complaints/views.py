import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import profile_for
from accounts.phones import format_cn_mobile
from actions.contact import confirm_contact_email
from actions.filing import file_complaint
from actions.messages import post_message
from actions.replies import add_evidence
from actions.status import withdraw
from complaints.states import ComplaintChanged, TransitionNotAllowed
from core.ratelimits import over_limit
from platforms.models import Platform
from platforms.orders import example_for

from . import access, evidence_pipeline, extensions, recipients
from .categories import EVIDENCE_TIPS, evidence_tips
from .forms import ComplaintForm, MessageForm, WithdrawForm
from .models import Complaint, Evidence, TimelineEvent
from .serving import evidence_response
from .states import TERMINAL, Actor, Status


@login_required
@never_cache
def complaint_new(request):
    """File a complaint: form -> review -> submit, all on this URL.

    Uploaded images are checked and stored as soon as they arrive and carried as ids
    through every step, so a form error never costs the consumer an upload.
    """
    if request.method != "POST":
        form = ComplaintForm(initial=_initial_for(request))
        return _render_form(request, form, staged=[], file_errors=[])

    action = request.POST.get("action", "review")
    removed = set(request.POST.getlist("remove_evidence"))
    # Removed from the form: gone at once, so it stops counting toward the upload cap. A
    # worker still sanitising it finds the row gone and deletes what it wrote.
    evidence_pipeline.discard_staged(evidence_pipeline.unclaimed_evidence(request.user, removed))
    staged = [
        e
        for e in evidence_pipeline.unclaimed_evidence(request.user, request.POST.getlist("evidence"))
        if str(e.public_id) not in removed
    ]
    file_errors = _stage_uploads(request, staged)
    file_errors += _drop_rejected(staged)
    aid = extensions.filing_aid()
    if action == "fill" and aid:  # "Fill in from the screenshot": only the empty order fields
        data, filled = aid.fill(request.POST, staged)
        return _render_form(request, ComplaintForm(initial=data), staged, file_errors, filled=filled)
    form = ComplaintForm(request.POST)
    form_ok = form.is_valid()

    if action == "edit" or not form_ok or file_errors:
        return _render_form(request, form, staged, file_errors)
    if action != "submit":
        notes = aid.notes(form.cleaned_data, staged) if aid else []
        context = {"form": form, "staged": staged, "rows": form.review_rows(), "screenshot_notes": notes}
        return render(request, "complaints/review.html", context)

    if over_limit(request, group="file-complaint", key="user", rate=settings.RATE_LIMIT_FILING):
        messages.error(request, _("You have filed many complaints in a short time. Please wait an hour and try again."))
        return _render_form(request, form, staged, file_errors, status=429)
    try:
        complaint = file_complaint(
            owner=request.user,
            data=form.complaint_data(),
            evidence=staged,
            submission_token=form.cleaned_data["submission_token"],
            language=translation.get_language(),
        )
    except ValidationError as error:
        file_errors.append(("", error.messages))
        return _render_form(
            request,
            form,
            evidence_pipeline.unclaimed_evidence(request.user, [e.public_id for e in staged]),
            file_errors,
        )
    messages.success(
        request,
        _("Your complaint %(reference)s was submitted. We emailed you a copy.") % {"reference": complaint.reference},
    )
    return redirect(complaint)


def _initial_for(request) -> dict:
    profile = profile_for(request.user)
    platform = Platform.objects.filter(active=True, slug=request.GET.get("platform", "")).first()
    return {
        "platform": platform,
        "contact_name": profile.display_name,
        "contact_phone": format_cn_mobile(profile.phone) if profile.phone else "",
        "contact_email": request.user.email,
        "submission_token": uuid.uuid4(),
    }


def _stage_uploads(request, staged: list, *, room: int | None = None) -> list:
    """Check and store each newly uploaded file into `staged` while there is room
    (EVIDENCE_MAX_FILES unless told); return (file name, reasons) per refusal."""
    room = settings.EVIDENCE_MAX_FILES if room is None else room
    errors = []
    for uploaded in request.FILES.getlist("evidence_files"):
        name = uploaded.name
        if len(staged) >= room:
            errors.append((name, evidence_pipeline.EvidenceLimitReached().messages))
            continue
        # Each file counts: checking and storing images is the costly part of a filing.
        if over_limit(request, group="stage-evidence", key="user", rate=settings.RATE_LIMIT_STAGING):
            errors.append(
                (name, [_("You have uploaded many images in a short time. Please wait an hour and try again.")])
            )
            continue
        try:
            evidence = evidence_pipeline.stage_evidence(request.user, uploaded)
        except ValidationError as error:
            errors.append((name, error.messages))
            continue
        # Where the check already ran (a worker that was quick, or eager tasks), a
        # refusal is shown now; otherwise _drop_rejected shows it on the next step.
        evidence.refresh_from_db(fields=["state", "rejection"])
        staged.append(evidence)
    return errors


def _drop_rejected(staged: list) -> list:
    """Take out of `staged` the uploads the background check refused; return
    (file name, reasons) for each, to show next to the file field."""
    errors = [(e.original_name, [e.rejection_message]) for e in staged if e.is_rejected]
    staged[:] = [e for e in staged if not e.is_rejected]
    return errors


def _render_form(request, form, staged, file_errors, status=200, filled=None):
    platforms = Platform.objects.filter(active=True)
    aid = extensions.filing_aid()
    for name in filled or ():
        form.fields[name].widget.attrs["class"] = "filled-from-screenshot"
    context = {
        "filled_from_screenshot": None if filled is None else [form.fields[name].label for name in filled],
        "still_reading": filled == [] and aid is not None and aid.still_reading(staged),
        "form": form,
        "staged": staged,
        "file_errors": file_errors,
        "max_files": settings.EVIDENCE_MAX_FILES,
        "evidence_tips": {key: evidence_tips(key) for key in EVIDENCE_TIPS},
        "order_examples": {p.pk: example_for(p.order_number_kind) or "" for p in platforms},
        "platforms": platforms,
    }
    return render(request, "complaints/form.html", context, status=status)


@login_required
def complaint_list(request):
    complaints = Complaint.objects.filter(owner=request.user).select_related("platform").order_by("-created_at")
    page = Paginator(complaints, 20).get_page(request.GET.get("page"))
    return render(request, "complaints/list.html", {"page": page})


@login_required
@never_cache
def complaint_detail(request, reference):
    complaint = access.owned_complaint_or_404(request.user, reference)
    return _render_detail(request, complaint)


def _render_detail(request, complaint, *, message_form=None, file_errors=None, status=200):
    timeline = complaint.events.filter(staff_only=False).select_related("actor")
    context = {
        "complaint": complaint,
        "timeline": timeline,
        "evidence": complaint.evidence.order_by("created_at"),
        "message_form": message_form or MessageForm(),
        "withdraw_form": WithdrawForm(),
        "file_errors": file_errors or [],
        "is_open": complaint.status not in TERMINAL,
        "max_files": settings.EVIDENCE_MAX_FILES,
        "phone_display": format_cn_mobile(complaint.contact_phone),
        "contact": recipients.contact_status(complaint),
        "question": _open_question(complaint),
    }
    return render(request, "complaints/detail.html", context, status=status)


def _open_question(complaint):
    """What staff asked, while the complaint waits for the consumer's answer: the move to
    "waiting for you" carries the question (staff.buttons' ask_info)."""
    if complaint.status != Status.NEEDS_INFO:
        return None
    return (
        complaint.events.filter(kind=TimelineEvent.Kind.STATUS_CHANGED, to_status=Status.NEEDS_INFO, staff_only=False)
        .order_by("-created_at", "-id")
        .first()
    )


@login_required
@require_POST
def complaint_message(request, reference):
    complaint = access.owned_complaint_or_404(request.user, reference)
    form = MessageForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, complaint, message_form=form, status=400)
    try:
        post_message(complaint, actor=request.user, role=Actor.CONSUMER, text=form.cleaned_data["text"])
    except TransitionNotAllowed:
        messages.error(request, _("This complaint is closed; it no longer takes messages."))
        return redirect(complaint)
    messages.success(request, _("Your message was added."))
    return redirect(complaint)


@login_required
@require_POST
def complaint_add_evidence(request, reference):
    complaint = access.owned_complaint_or_404(request.user, reference)
    if complaint.status in TERMINAL:
        messages.error(request, _("This complaint is closed; it no longer takes evidence."))
        return redirect(complaint)
    staged: list[Evidence] = []
    file_errors = _stage_uploads(request, staged, room=settings.EVIDENCE_MAX_FILES - complaint.evidence.count())
    file_errors += _drop_rejected(staged)
    if staged:
        try:
            add_evidence(complaint, actor=request.user, evidence=staged)
        except ValidationError as error:
            file_errors.append(("", error.messages))
    elif not file_errors:
        file_errors.append(("", [_("Choose at least one image to add.")]))
    if file_errors:
        complaint.refresh_from_db()
        return _render_detail(request, complaint, file_errors=file_errors, status=400)
    messages.success(request, _("Your evidence was added."))
    return redirect(complaint)


@login_required
@require_POST
def complaint_withdraw(request, reference):
    complaint = access.owned_complaint_or_404(request.user, reference)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        withdraw(complaint, actor=request.user, reason=reason)
    except (TransitionNotAllowed, ComplaintChanged):
        messages.error(request, _("This complaint can no longer be withdrawn."))
        return redirect(complaint)
    messages.success(request, _("Your complaint was withdrawn."))
    return redirect(complaint)


@require_http_methods(["GET", "POST"])
@never_cache
def confirm_contact(request, token):
    """The link in the contact-address confirmation email; no login needed (the holder
    of that mailbox may have no account). GET only asks, so a mail scanner following
    the link confirms nothing; the button's POST confirms."""
    try:
        complaint = recipients.complaint_from_confirmation_token(token)
    except recipients.ConfirmationExpired:
        return render(request, "complaints/contact_confirm.html", {"expired": True}, status=410)
    if complaint is None:
        raise Http404
    confirmed = complaint.contact_email_confirmed_at is not None
    if request.method == "POST":
        confirm_contact_email(complaint)
        confirmed = True
    context = {"reference": complaint.reference, "confirmed": confirmed, "token": token}
    return render(request, "complaints/contact_confirm.html", context)


@login_required
@require_GET
def evidence_file(request, public_id, thumbnail=False):
    """Serve one of the user's own evidence files (complaints.access); anyone else gets
    the same 404 as for a missing file, staff included (they open evidence in the staff
    admin, logged). Only the sanitised copy is ever served: evidence still being
    checked is a 404 too."""
    return evidence_response(access.servable_evidence_or_404(request.user, public_id), thumbnail=thumbnail)


@login_required
@require_GET
@never_cache
def evidence_status(request, public_id):
    """Where the background check of one of the user's own uploads stands, for the
    page that shows it as "being checked" to update itself (static/js/evidence.js).
    Owner only (complaints.access); the id is a random UUID, nothing personal."""
    evidence = access.own_evidence_or_404(request.user, public_id)
    status = {"state": evidence.state}
    if evidence.is_ready:
        status.update(url=evidence.get_absolute_url(), thumbnail=evidence.get_thumbnail_url())
    elif evidence.is_rejected:
        status["message"] = _("Could not be used: %(reason)s") % {"reason": evidence.rejection_message}
    return JsonResponse(status)
