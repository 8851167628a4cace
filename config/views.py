from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from accounts.models import remember_language
from platforms.models import Platform


def home(request):
    platforms = Platform.objects.filter(active=True).order_by("sort_order", "slug")
    return render(request, "home.html", {"platforms": platforms})


@require_POST
def set_language(request):
    """Django's set_language, and remember the choice on the profile so the
    emails we send later are written in the language the person reads."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language:
        remember_language(request.user, language)
    return response


def rate_limited(request, exception):
    """Shown by django-ratelimit when a limit trips (RATELIMIT_VIEW)."""
    return HttpResponse(render_to_string("429.html", request=request), status=429)
