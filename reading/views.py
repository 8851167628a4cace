import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from complaints import access
from complaints.evidence_pipeline import unclaimed_evidence
from complaints.forms import ComplaintForm
from core import parties
from core.parties import Party
from core.private_responses import private_image

from . import fill, sharing
from .forms import SharingChoiceForm

# The preview on the packet page: big enough to see what is blurred on a phone.
PREVIEW_PX = 480


@login_required
@never_cache
@require_POST
def fill_from_screenshots(request):
    """What "fill in from the screenshot" fills, for reading/static/reading/fill.js: the
    complaint form posts its current values and staged evidence ids here and gets back
    the empty fields filled from the consumer's own screenshots (the same rule as the
    form's no-script button, complaints.views.complaint_new)."""
    staged = unclaimed_evidence(request.user, request.POST.getlist("evidence"))
    data, filled = fill.fill_empty(request.POST, fill.screenshot_facts(staged))
    labels = [str(ComplaintForm.base_fields[name].label) for name in filled]
    if filled:
        message = _("Filled in from your screenshot; please check:") + " " + "、".join(labels)
    elif fill.still_reading(staged):
        message = _("We are still reading your screenshot. Try again in a few seconds.")
    else:
        message = _(
            "We found nothing to fill in: the empty fields are not shown on your screenshots, or you filled them already."
        )
    return JsonResponse(
        {
            "filled": {name: data[name] for name in filled},
            "still_reading": not filled and fill.still_reading(staged),
            "message": message,
        }
    )


@login_required
@require_GET
def shared_preview(request, reference, recipient, public_id):
    """A small JPEG of the copy of one evidence image as it would go to `recipient`
    (reading.sharing.shared_copy), for its owner alone (complaints.access) to check
    before sharing. Served like the evidence itself: no caching, no sniffing, sandboxed."""
    if recipient not in Party.values:
        raise Http404
    evidence = access.owned_complaint_evidence_or_404(request.user, reference, public_id)
    copy = sharing.shared_copy(evidence, recipient)
    if copy is None:  # not read yet: the ocr worker reads it, not this web process
        raise Http404
    with Image.open(io.BytesIO(copy)) as image:
        image = image.convert("RGB")
        image.thumbnail((PREVIEW_PX, PREVIEW_PX * 3))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
    return private_image(HttpResponse(out.getvalue(), content_type="image/jpeg"))


@login_required
@require_POST
def sharing_choice(request, reference, recipient):
    """The owner shows or blurs their personal data on the copies for `recipient`."""
    if recipient not in Party.values:
        raise Http404
    complaint = access.owned_complaint_or_404(request.user, reference)
    form = SharingChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose whether to show or blur your personal data."))
    else:
        show = form.cleaned_data["show"]
        sharing.choose(complaint=complaint, recipient=recipient, show=show, user=request.user)
        label = Party(recipient).label
        if show:
            messages.success(
                request, _("The copies for %(recipient)s now show your personal data.") % {"recipient": label}
            )
        else:
            messages.success(
                request, _("Your personal data is blurred on the copies for %(recipient)s.") % {"recipient": label}
            )
    back = request.POST.get("back")
    if back in parties.PACKET_BODIES:
        return redirect("escalation:packet", complaint.reference, back)
    return redirect(complaint)


def being_checked(request, complaint, *, retry_in: int = 5):
    """202 for a download whose screenshots the ocr worker has not read yet (a copy
    leaves only once read: reading.sharing): the page says so and asks again by itself."""
    return render(
        request,
        "reading/being_checked.html",
        {"complaint": complaint, "retry_in": retry_in, "waiting": True},
        status=202,
    )
