from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from actions.erasure import erase_account
from complaints.models import Complaint
from complaints.states import TERMINAL
from core.private_responses import private
from escalation.ladder import live_routes

from .copy import build_data_copy
from .forms import DeleteAccountForm


@login_required
@require_POST
def data_copy(request):
    """Everything we hold about the signed-in consumer, as a ZIP (PIPL art. 45). POST,
    so no link preview or prefetch builds it; only ever the requester's own data."""
    response = FileResponse(
        build_data_copy(request.user),
        as_attachment=True,
        filename=f"tousu-data-{timezone.localdate():%Y%m%d}.zip",
        content_type="application/zip",
    )
    return private(response)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Delete the account and erase the consumer's personal data (PIPL art. 47)."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and _too_many_attempts(request):
        form.add_error("password", _("Too many attempts. Please wait a few minutes and try again."))
        return render(request, "privacy/delete_account.html", _deletion_context(request, form), status=429)
    if request.method == "POST" and form.is_valid():
        erase_account(request.user)
        logout(request)
        messages.success(request, _("Your account was deleted and your personal data erased."))
        return redirect("home")
    return render(request, "privacy/delete_account.html", _deletion_context(request, form))


def _deletion_context(request, form) -> dict:
    """What the consumer would leave behind: complaints still open, and the routes
    (12315, an association, a court) still running on them."""
    still_open = Complaint.objects.filter(owner=request.user).exclude(status__in=TERMINAL).order_by("created_at")
    return {"form": form, "still_open": [(complaint, live_routes(complaint)) for complaint in still_open]}


def _too_many_attempts(request) -> bool:
    """Someone at an unattended signed-in browser may not guess the password here."""
    return is_ratelimited(request, group="delete-account", key="user", rate="5/15m", increment=True)
