"""The number checker: whose is this phone number, email or web address, and how
sure are we?"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import levels, sources
from .levels import Level
from .models import Body, Channel
from .normalise import ValueKind, normalise


class Verdict:
    TRUSTED = "trusted"  # official or corroborated
    CAUTION = "caution"  # unconfirmed
    DO_NOT_TRUST = "do_not_trust"  # disputed or wrong
    UNKNOWN = "unknown"  # readable, but not in the directory
    UNREADABLE = "unreadable"  # not a phone number, email or web address


@dataclass
class CheckResult:
    query: str
    kind: str
    normalised: str
    verdict: str
    channel: Channel | None = None
    # Whose it really is: the channel's body, or for a wrong claim the body it belongs to.
    owner: Body | None = None
    # For a disputed or wrong claim: the body it was claimed for.
    claimed_for: Body | None = None
    # Wrong claims about the same value, shown even when its real owner is known.
    misattributions: list[Channel] = field(default_factory=list)
    # Why a distrusted channel is not to be used (channels.presentation.why_distrusted).
    why: str = ""

    @property
    def level(self) -> str:
        return self.channel.level if self.channel else ""

    @property
    def advice(self) -> str:
        if self.verdict == Verdict.TRUSTED:
            return _(
                "This contact is in our directory. The safest number is still the one shown in the platform's own app."
            )
        if self.verdict == Verdict.CAUTION:
            return _(
                "Only one source gives this contact and we could not confirm it. Prefer the contact routes inside the platform's own app."
            )
        if self.verdict == Verdict.DO_NOT_TRUST:
            return _(
                "Do not use it. Call only numbers shown in the platform's own app, and never share verification codes or transfer money."
            )
        if self.verdict == Verdict.UNKNOWN:
            return _(
                "We do not know this contact. Call only numbers shown in the platform's own app; a caller who asks for verification codes or a transfer is a scammer."
            )
        return _("Paste a phone number, an email address or a web address.")

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "kind": self.kind,
            "normalised": self.normalised,
            "known": self.channel is not None,
            "verdict": self.verdict,
            "level": self.level or None,
            "body": _body_json(self.owner),
            "claimed_for": _body_json(self.claimed_for),
            "channel_kind": self.channel.kind if self.channel else None,
            # Named for people (channels.sources), never an internal file name.
            "source": sources.list_separator().join(s.label for s in self.channel.public_sources)
            if self.channel
            else None,
            "checked_on": self.channel.checked_on.isoformat() if self.channel else None,
            "wrong_reason": (self.channel.wrong_reason or None) if self.channel else None,
            "advice": self.advice,
        }


def _body_json(body: Body | None) -> dict | None:
    if body is None:
        return None
    return {"slug": body.slug, "name_zh": body.name_zh, "name_en": body.name_en}


def _candidates(kind: str, value: str) -> list[str]:
    """A web address also matches its parent domains: m.12315.cn is run by whoever
    runs 12315.cn, but 12315.cn.example.com is not."""
    if kind != ValueKind.WEB:
        return [value]
    labels = value.split(".")
    return [".".join(labels[start:]) for start in range(len(labels) - 1)]


def check(query: str) -> CheckResult:
    """Look a pasted contact up in the directory.

    1. Normalise it; unreadable input gets advice and nothing else.
    2. Find every channel with that normalised value (for web addresses, the
       nearest parent domain that has one).
    3. The surest listed channel answers; disputed and wrong claims about the same
       value are reported alongside. With only distrusted matches, the answer says
       whose it really is (or that it is a placeholder).
    """
    query = (query or "").strip()[:200]
    kind, value = normalise(query)
    if not value:
        return CheckResult(query=query, kind=ValueKind.UNKNOWN, normalised="", verdict=Verdict.UNREADABLE)
    matches: list[Channel] = []
    for candidate in _candidates(kind, value):
        matches = list(Channel.objects.filter(normalised=candidate).select_related("body", "belongs_to"))
        if matches:
            break
    matches.sort(key=lambda channel: (levels.rank(channel.level), channel.body.sort_order, channel.pk))
    listed = [channel for channel in matches if levels.is_listed(channel.level)]
    distrusted = [channel for channel in matches if levels.is_distrusted(channel.level)]
    if listed:
        best = listed[0]
        verdict = Verdict.CAUTION if levels.needs_caution(best.level) else Verdict.TRUSTED
        return CheckResult(query, kind, value, verdict, channel=best, owner=best.body, misattributions=distrusted)
    if distrusted:
        worst = sorted(distrusted, key=lambda channel: channel.level != Level.WRONG)[0]
        owner = worst.belongs_to if worst.level == Level.WRONG else None
        return CheckResult(
            query,
            kind,
            value,
            Verdict.DO_NOT_TRUST,
            channel=worst,
            owner=owner,
            claimed_for=worst.body,
            misattributions=distrusted,
        )
    return CheckResult(query, kind, value, Verdict.UNKNOWN)
