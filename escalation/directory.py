"""The one place escalation reads the channels directory (built alongside it): the
respondent's legal name and address, and a body's trustworthy contacts. If channels
is not importable or not loaded yet, callers get what we have and an empty list."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

BODY_KINDS = {"12315": "regulator", "association": "consumer_association"}
TRUSTED_LEVELS = ("official", "corroborated")


def directory_entries(body: str, platform) -> tuple[dict, list[dict]]:
    """(respondent details from the platform's record, trustworthy contacts of `body`)."""
    respondent = {"name": platform.name, "legal_name": "", "address": "", "credit_code": "", "sources": []}
    contacts: list[dict] = []
    try:
        from channels.models import Body as DirectoryBody
        from channels.models import Channel

        record = DirectoryBody.objects.filter(platform=platform).first()
        if record is not None:
            respondent.update(
                legal_name=record.legal_name,
                address=record.registered_address,
                credit_code=record.credit_code,
                sources=[s for s in (record.legal_name_source, record.registered_address_source) if s],
            )
        channels = (
            Channel.objects.filter(body__kind=BODY_KINDS.get(body, ""), level__in=TRUSTED_LEVELS)
            .select_related("body")
            .order_by("body__sort_order", "kind", "id")
        )
        contacts = [
            {
                "body": channel.body.name,
                "kind": channel.get_kind_display(),
                "value": channel.value,
                "level": channel.get_level_display(),
                "official": channel.level == "official",
            }
            for channel in channels
        ]
    except Exception:  # channels not installed, not migrated or changed shape: show what we have
        log.warning("channels directory unavailable for the escalation packet", exc_info=True)
    return respondent, contacts
