"""What the directory (channels) tells us about a respondent: the domains that may
speak for it, and the operator company behind a platform's name."""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.levels import MAY_RECEIVE_PERSONAL_DATA
from channels.models import Body, Channel

from .models import Organisation


def _domain(value: str) -> str:
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    else:
        value = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    return value.strip().lower().rstrip(".")


def _registrable(domain: str) -> str:
    """The last two labels (pinduoduo.com of kefu.pinduoduo.com): an address at a
    subdomain of a trusted domain belongs to the same organisation."""
    return ".".join(domain.split(".")[-2:])


def trusted_domains(organisation: Organisation) -> set[str]:
    """Domains of the email addresses and web forms the directory holds for the
    organisation's platform at a level we would send personal data to."""
    channels = Channel.objects.filter(
        body__platform_id=organisation.platform_id,
        level__in=MAY_RECEIVE_PERSONAL_DATA,
        kind__in=[Channel.Kind.EMAIL, *Channel.WEB_KINDS],
    )
    domains = set()
    for channel in channels:
        domain = _domain(channel.normalised or channel.value)
        if "." in domain:
            domains.add(_registrable(domain))
    return domains


def domain_is_trusted(organisation: Organisation, email: str) -> bool:
    """Only a platform's own domains vouch for an address; a shop has none in the
    directory, so its members always need the documentary check."""
    if organisation.kind != Organisation.Kind.PLATFORM:
        return False
    return _registrable(_domain(email)) in trusted_domains(organisation)


def platform_organisation(body: Body) -> Organisation:
    """The respondent for a platform body, made from the directory the first time it is
    needed. It reads its operator company from the body (channels.OperatorCompany, the
    facts' one home): nothing is copied, so a fact staff confirm shows everywhere."""
    if body.platform_id is None:
        raise ValueError(f"{body.slug} is not a platform")
    organisation = Organisation.objects.filter(platform_id=body.platform_id, kind=Organisation.Kind.PLATFORM).first()
    if organisation:
        return organisation
    return Organisation.objects.create(
        slug=body.slug,
        kind=Organisation.Kind.PLATFORM,
        name=body.name_zh,
        platform_id=body.platform_id,
        operator_id=body.operator_id,
    )
