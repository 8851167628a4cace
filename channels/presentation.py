"""What the directory pages, the checker and the complaint-form include show for a
set of channels: grouping, order, hours wording and the "do not trust" reasons.
Level rules come from channels.levels; hours arithmetic from channels.hours."""

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import hours as hours_rules
from . import levels
from .models import Channel
from .sources import host_of

KIND_ORDER = {kind: position for position, kind in enumerate(Channel.Kind)}


def hours_of(channel: Channel):
    try:
        return channel.hours
    except ObjectDoesNotExist:
        return None


def annotate_hours(channels, now: dt.datetime):
    """Attach hours_status (open now / opens at ...) and hours_lines to each channel."""
    for channel in channels:
        hours = hours_of(channel)
        channel.service_hours = hours
        channel.hours_status = channel.hours_open = None
        channel.hours_lines = []
        if hours is not None:
            schedule = hours.parsed
            status = hours_rules.status_at(schedule, now)
            channel.hours_status = hours_rules.describe_status(status, now)
            channel.hours_open = status.is_open
            channel.hours_lines = hours_rules.summarise(schedule)
    return channels


def by_surety(channels) -> list[Channel]:
    return sorted(channels, key=lambda channel: (levels.rank(channel.level), KIND_ORDER[channel.kind], channel.pk))


def split(channels) -> tuple[list[Channel], list[Channel]]:
    """(channels a consumer may use, best first; claims seen online not to trust)."""
    ordered = by_surety(channels)
    listed = [channel for channel in ordered if levels.is_listed(channel.level)]
    distrusted = [channel for channel in ordered if levels.is_distrusted(channel.level)]
    return listed, distrusted


def group_by_kind(channels) -> list[tuple[str | Promise, list[Channel]]]:
    """Groups in the page's kind order; inside each, surest first."""
    groups: dict[str, list[Channel]] = {}
    for channel in sorted(
        channels, key=lambda channel: (KIND_ORDER[channel.kind], levels.rank(channel.level), channel.pk)
    ):
        groups.setdefault(channel.kind, []).append(channel)
    return [(Channel.Kind(kind).label, members) for kind, members in groups.items()]


def why_distrusted(channel: Channel) -> str:
    """One sentence a consumer can act on: whose it is, or what it really is."""
    names = {"value": channel.value, "body": channel.body.name}
    if channel.level == levels.Level.DISPUTED:
        return _("Sources disagree about whether %(value)s belongs to %(body)s.") % names
    if channel.wrong_reason == Channel.WrongReason.OTHER_OWNER and channel.belongs_to is not None:
        return _("%(value)s belongs to %(owner)s, not to %(body)s.") % {**names, "owner": channel.belongs_to.name}
    if channel.wrong_reason == Channel.WrongReason.PLACEHOLDER:
        return _("%(value)s is a placeholder seen in templates and mock data, not a %(body)s contact.") % names
    if channel.wrong_reason == Channel.WrongReason.GARBLED:
        return _("%(value)s is a garbled copy of another number, not a %(body)s contact.") % names
    return _("%(value)s is not a %(body)s contact.") % names


# --- Said plainly, for a consumer in a hurry -------------------------------------------


def how_to_reach(channel: Channel) -> str:
    """What to do, in a few words: "Call 400-…", "In the app: 我的 → 官方客服", "Online
    form on pinduoduo.com" (a site's name, never a bare URL)."""
    value = {"value": channel.value}
    if channel.is_phone:
        return _("Call %(value)s") % value
    if channel.is_email:
        return _("Email %(value)s") % value
    if channel.is_web:
        return _("Online form on %(site)s") % {"site": host_of(channel.href) or channel.value}
    if channel.kind == Channel.Kind.IN_APP and channel.steps:
        return _("In the app: %(steps)s") % {"steps": " → ".join(channel.steps)}
    if channel.kind == Channel.Kind.ONLINE_CHAT:
        return _("Chat online: %(value)s") % value
    return channel.value


def availability(channel: Channel) -> str:
    """ "You can call now" for a line open now; otherwise the hours status, if known."""
    if channel.hours_open and channel.is_phone:
        return _("You can call now")
    return channel.hours_status or ""


def annotate_plainly(channels):
    """Attach reach (what to do), availability and level_meaning to each channel; the
    hours must be annotated first (annotate_hours)."""
    for channel in channels:
        channel.reach = how_to_reach(channel)
        channel.availability = availability(channel)
        channel.level_meaning = levels.MEANING[levels.Level(channel.level)]
    return channels
