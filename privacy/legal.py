"""The terms of use and the privacy policy: public pages, linked in the footer and at
sign-up, that say who runs the site and how to reach them (SITE_OPERATOR,
CONTACT_EMAIL), that nothing a consumer files is public, the consumer's PIPL rights
and where to use them, and how long we keep what (RETENTION_DAYS)."""

from django.conf import settings
from django.shortcuts import render


def _facts() -> dict:
    return {
        "operator": settings.SITE_OPERATOR,
        "contact_email": settings.CONTACT_EMAIL,
        "retention_days": settings.RETENTION_DAYS,
        "retention_years": settings.RETENTION_DAYS // 365,
    }


def terms(request):
    return render(request, "privacy/terms.html", _facts())


def policy(request):
    return render(request, "privacy/policy.html", _facts())
