"""The portal's settings for an organisation's own systems: API tokens and webhook
endpoints, and the log of webhook messages. Managers only (agents and everyone else get
the same 404); thin callers of actions.respondent_admin. A secret is shown once, on the
response to the POST that made it, never stored in a page anyone can reload."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from actions import respondent_admin as admin_actions

from .models import ApiToken, WebhookEndpoint, WebhookMessage
from .views import member_required

LOG_SIZE = 100


def manager_required(view):
    @member_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.respondent_member.is_manager:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class TokenForm(forms.Form):
    purpose = forms.CharField(label=gettext_lazy("What it is for (e.g. “ERP”)"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), choices=ApiToken.Scope.choices, widget=forms.CheckboxSelectMultiple
    )


class WebhookForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("URL (https)"), max_length=500, assume_scheme="https")


def _organisation(request):
    return request.user.respondent_member.organisation


@never_cache
@manager_required
def tokens(request):
    organisation = _organisation(request)
    form, secret = TokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = admin_actions.create_token(
                organisation,
                purpose=form.cleaned_data["purpose"],
                scopes=form.cleaned_data["scopes"],
                created_by=request.user,
            )
            form = TokenForm()
        except admin_actions.Refused as refusal:
            form.add_error(None, str(refusal))
    context = {
        "organisation": organisation,
        "tokens": organisation.tokens.order_by("revoked_at", "-created_at"),
        "form": form,
        "secret": secret,
    }
    return render(request, "respondents/tokens.html", context, status=400 if form.errors else 200)


@manager_required
@require_POST
def revoke_token(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, organisation=_organisation(request))
    admin_actions.revoke_token(token)
    messages.success(request, _("The token is revoked: it no longer opens anything."))
    return redirect("respondents:tokens")


@never_cache
@manager_required
def webhooks(request):
    organisation = _organisation(request)
    form, secret = WebhookForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            _endpoint, secret = admin_actions.register_webhook(organisation, url=form.cleaned_data["url"])
            form = WebhookForm()
        except admin_actions.Refused as refusal:
            form.add_error("url", str(refusal))
    context = {
        "organisation": organisation,
        "endpoints": organisation.webhooks.order_by("-created_at"),
        "form": form,
        "secret": secret,
    }
    return render(request, "respondents/webhooks.html", context, status=400 if form.errors else 200)


def _endpoint(request, pk):
    return get_object_or_404(WebhookEndpoint, pk=pk, organisation=_organisation(request))


@never_cache
@manager_required
@require_POST
def rotate_webhook(request, pk):
    endpoint = _endpoint(request, pk)
    secret = admin_actions.rotate_webhook_secret(endpoint)
    context = {
        "organisation": _organisation(request),
        "endpoints": _organisation(request).webhooks.order_by("-created_at"),
        "form": WebhookForm(),
        "secret": secret,
    }
    return render(request, "respondents/webhooks.html", context)


@manager_required
@require_POST
def disable_webhook(request, pk):
    admin_actions.disable_webhook(_endpoint(request, pk))
    messages.success(request, _("The endpoint is off: nothing more is sent to it."))
    return redirect("respondents:webhooks")


@manager_required
@require_POST
def enable_webhook(request, pk):
    resent = admin_actions.enable_webhook(_endpoint(request, pk))
    messages.success(
        request, _("The endpoint is on again; %(count)d missed messages will be sent.") % {"count": resent}
    )
    return redirect("respondents:webhooks")


@manager_required
def webhook_log(request, pk):
    endpoint = _endpoint(request, pk)
    log = WebhookMessage.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")[:LOG_SIZE]
    return render(
        request,
        "respondents/webhook_log.html",
        {"organisation": _organisation(request), "endpoint": endpoint, "log": log},
    )
