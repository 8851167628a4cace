from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import stats


@require_GET
def public_statistics(request):
    """Per platform: complaints received, share answered on time, median working days
    to first response; only platforms with enough complaints to say something."""
    return render(request, "staff/public_stats.html", {"stats": stats.public_statistics()})
