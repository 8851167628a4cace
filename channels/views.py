import json

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.ratelimits import over_limit

from . import checker, levels, presentation
from .models import Body


@require_GET
def index(request):
    bodies = Body.objects.all()
    platforms = [body for body in bodies if body.kind == Body.Kind.PLATFORM]
    escalation = [body for body in bodies if body.kind in ESCALATION_KINDS]
    others = [body for body in bodies if body.kind == Body.Kind.OTHER]
    return render(request, "channels/index.html", {"platforms": platforms, "escalation": escalation, "others": others})


ESCALATION_KINDS = (Body.Kind.REGULATOR, Body.Kind.CONSUMER_ASSOCIATION, Body.Kind.THIRD_PARTY)


@require_GET
def body(request, slug):
    body = get_object_or_404(Body, slug=slug)
    channels = body.channels.select_related("hours", "belongs_to", "body")
    listed, distrusted = presentation.split(channels)
    presentation.annotate_hours(listed, timezone.localtime())
    for channel in distrusted:
        channel.why = presentation.why_distrusted(channel)
    claimed_elsewhere = body.claimed_elsewhere.select_related("body")
    return render(
        request,
        "channels/body.html",
        {
            "body": body,
            "groups": presentation.group_by_kind(listed),
            "distrusted": distrusted,
            "claimed_elsewhere": claimed_elsewhere,
        },
    )


def _check_limited(request) -> bool:
    """One allowance per client address for the checker page and its API together."""
    return over_limit(request, group="channels-check", key="ip", rate=settings.RATE_LIMIT_NUMBER_CHECK)


def _too_many_checks() -> str:
    return _("You have checked many contacts in a short time. Please wait a minute and try again.")


# The query (a phone number or email the visitor was given) is sent by POST, never in
# the URL, so it stays out of access logs, browser history and Referer headers.
@require_http_methods(["GET", "POST"])
def check(request):
    query = request.POST.get("q", "") if request.method == "POST" else ""
    context = {"query": query, "result": None}
    if query.strip():
        if _check_limited(request):
            return render(request, "channels/check.html", {**context, "limited": _too_many_checks()}, status=429)
        result = checker.check(query)
        if result.channel and levels.is_distrusted(result.channel.level):
            result.why = presentation.why_distrusted(result.channel)
        context["result"] = result
    return render(request, "channels/check.html", context)


# A public, read-only lookup that uses no session or account: nothing for a forged
# cross-site request to gain, so API clients need no CSRF token.
@csrf_exempt
@require_POST
def check_api(request):
    """POST {"q": "..."} as JSON; the answer as JSON (CheckResult.as_json)."""
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        payload = None
    query = payload.get("q") if isinstance(payload, dict) else None
    if not isinstance(query, str) or not query.strip():
        return JsonResponse({"error": _('Send the number, email or web address as JSON: {"q": "..."}.')}, status=400)
    if _check_limited(request):
        return JsonResponse({"error": _too_many_checks()}, status=429, json_dumps_params={"ensure_ascii": False})
    return JsonResponse(checker.check(query).as_json(), json_dumps_params={"ensure_ascii": False})
