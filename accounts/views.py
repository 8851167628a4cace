from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import contact
from .forms import ContactPreferenceForm, ProfileForm
from .models import ContactPreference, profile_for
from .phones import format_cn_mobile


@login_required
def profile(request):
    profile = profile_for(request.user)
    # One page, two forms: the contact form's button says which one was sent.
    contact_sent = request.method == "POST" and "save_contact" in request.POST
    form = ProfileForm(request.POST if request.method == "POST" and not contact_sent else None, profile=profile)
    preference = ContactPreferenceForm(request.POST if contact_sent else None, user=request.user)
    if contact_sent and preference.is_valid():
        preference.save()
        messages.success(request, _("How we tell you was saved."))
        return redirect("accounts:profile")
    if request.method == "POST" and not contact_sent and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    phone = contact.verified_phone_of(request.user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "preference": preference, "phone": format_cn_mobile(phone) if phone else ""},
    )


@never_cache
def sms_stop(request, token: str):
    """The link in every text message: a page that asks, a POST that stops (a link
    checker that opens it changes nothing)."""
    user = contact.user_from_stop_token(token)
    if user is None:
        raise Http404
    stopped = False
    if request.method == "POST":
        contact.stop_sms(user, how=ContactPreference.How.STOP_LINK)
        stopped = True
    return render(request, "accounts/sms_stop.html", {"stopped": stopped})
