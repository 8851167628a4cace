"""The one place escalation reads the channels directory (an installed app, built
alongside it): the respondent's legal name and address, and a body's trustworthy
contacts. A database error here is an error of the packet, not an empty directory."""

from __future__ import annotations

from channels import levels
from channels.models import Body as DirectoryBody
from channels.models import Channel
from core.parties import Party

# The directory files each escalation body under its own kind of organisation.
BODY_KINDS = {Party.REGULATOR: DirectoryBody.Kind.REGULATOR, Party.ASSOCIATION: DirectoryBody.Kind.CONSUMER_ASSOCIATION}


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
        Channel.objects.filter(body__kind=BODY_KINDS.get(body, ""), level__in=levels.MAY_RECEIVE_PERSONAL_DATA)
        .select_related("body")
        .order_by("body__sort_order", "kind", "id")
    )
    contacts = [
        {
            "body": channel.body.name,
            "kind": channel.get_kind_display(),
            "value": channel.value,
            "level": channel.get_level_display(),
            "official": channel.level == levels.Level.OFFICIAL,
        }
        for channel in channels
    ]
    return respondent, contacts
