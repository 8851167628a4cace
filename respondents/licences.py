"""A shop's 营业执照 image, checked and sanitised as evidence is (complaints.images):
decoded fully, metadata dropped, re-encoded; never served but to staff."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from complaints.images import sanitise_image

from .models import ShopApplication


def sanitise_licence(application_id: int) -> str:
    """1. Only an application still being checked is worked on (a rerun is a no-op).
    2. Sanitise; a refusal marks the application and keeps the reason for the shop.
    3. Store the clean copy, move the application to staff, drop the raw upload."""
    application = ShopApplication.objects.filter(pk=application_id, state=ShopApplication.State.CHECKING).first()
    if application is None or not application.licence_upload:
        return "skipped"
    with application.licence_upload.open("rb") as handle:
        data = handle.read()
    try:
        clean = sanitise_image(data)
    except ValidationError as error:
        ShopApplication.objects.filter(pk=application.pk).update(
            state=ShopApplication.State.IMAGE_REFUSED, reason=" ".join(error.messages)
        )
        application.licence_upload.delete(save=False)
        return "refused"
    application.licence.save(f"licence.{clean.extension}", ContentFile(clean.content), save=False)
    raw = application.licence_upload
    moved = ShopApplication.objects.filter(pk=application.pk, state=ShopApplication.State.CHECKING).update(
        state=ShopApplication.State.WAITING, licence=application.licence.name, licence_upload=""
    )
    raw.delete(save=False)
    return "waiting" if moved else "skipped"


def pending_licence_ids(now: dt.datetime | None = None, older_than=dt.timedelta(minutes=2)) -> list[int]:
    now = now or timezone.now()
    return list(
        ShopApplication.objects.filter(
            state=ShopApplication.State.CHECKING, created_at__lt=now - older_than
        ).values_list("pk", flat=True)[:200]
    )
