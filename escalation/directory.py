"""The one place escalation reads the channels directory (an installed app, built
alongside it): the respondent's legal name and address, and a body's trustworthy
contacts. A database error here is an error of the packet, not an empty directory."""

from __future__ import annotations

from channels.models import Body as DirectoryBody
from channels.models import Channel

BODY_KINDS = {"12315": "regulator", "association": "consumer_association"}
TRUSTED_LEVELS = ("official", "corroborated")


def directory_entries(body: str, platform) -> tuple[dict, list[dict]]:
    """(respondent details from the platform's record, trustworthy contacts of `body`)."""
    respondent = {"name": platform.name, "legal_name": "", "address": "", "credit_code": "", "sources": []}
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
    return respondent, contacts
