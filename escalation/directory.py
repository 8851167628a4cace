"""The one place escalation reads the channels directory (an installed app, built
alongside it): the respondent's legal name and address, and a body's trustworthy
contacts. A database error here is an error of the packet, not an empty directory."""

from __future__ import annotations

from channels import levels
from channels.models import Body as DirectoryBody
from channels.models import Channel
from core.parties import Party

# The directory files each escalation body under its own kind of organisation.
BODY_KINDS: dict[str, str] = {
    Party.REGULATOR: DirectoryBody.Kind.REGULATOR,
    Party.ASSOCIATION: DirectoryBody.Kind.CONSUMER_ASSOCIATION,
}


def platform_operator(platform):
    """The platform's operator company as the directory holds it (channels.OperatorCompany), or None."""
    record = DirectoryBody.objects.filter(platform=platform).select_related("operator").first()
    return record.operator if record is not None else None


def directory_entries(body: str, platform) -> tuple[dict, list[dict]]:
    """(respondent details from the platform's record, trustworthy contacts of `body`)."""
    respondent = {"name": platform.name, "legal_name": "", "address": "", "credit_code": "", "sources": []}
    respondent["operator"] = platform_operator(platform)
    if (operator := respondent["operator"]) is not None:
        respondent.update(
            legal_name=operator.name,
            address=operator.registered_address,
            credit_code=operator.credit_code,
            sources=[s for s in (operator.name_source, operator.registered_address_source) if s],
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
