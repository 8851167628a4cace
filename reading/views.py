from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints.evidence_pipeline import unclaimed_evidence
from complaints.forms import ComplaintForm

from . import fill


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
