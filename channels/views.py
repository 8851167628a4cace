from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

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


@require_GET
def check(request):
    query = request.GET.get("q", "")
    result = checker.check(query) if query.strip() else None
    if result and result.channel and levels.is_distrusted(result.channel.level):
        result.why = presentation.why_distrusted(result.channel)
    return render(request, "channels/check.html", {"query": query, "result": result})


@require_GET
def check_api(request):
    query = request.GET.get("q", "")
    if not query.strip():
        return JsonResponse({"error": "Pass the number, email or web address as ?q=."}, status=400)
    return JsonResponse(checker.check(query).as_json(), json_dumps_params={"ensure_ascii": False})
