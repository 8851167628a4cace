"""Load the reviewed directory file (channels/data/channels.json) into the database.

Safe to run again: rows are found by their slug (bodies) or body and key (channels),
descriptive fields are only filled where empty (staff edits in the admin win), and a
verification a staff member set is never replaced by the file's level.
"""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from platforms.models import Platform

from . import levels
from .levels import Level
from .models import Body, Channel, OperatorCompany, ServiceHours
from .services import set_verification

DATA_FILE = Path(__file__).resolve().parent / "data" / "channels.json"
RECORDED_BY = "load_channels"

BODY_FIELDS = [
    "kind",
    "name_zh",
    "name_en",
    "website",
    "website_source",
    "notes_zh",
    "notes_en",
    "sort_order",
]
OPERATOR_FIELDS = [
    "name",
    "name_source",
    "name_level",
    "credit_code",
    "credit_code_source",
    "credit_code_level",
    "registered_address",
    "registered_address_source",
    "registered_address_level",
]
CHANNEL_FIELDS = ["kind", "value", "audience", "steps_zh", "steps_en", "notes_zh", "notes_en", "wrong_reason"]


class DataFileError(ValueError):
    pass


@dataclass
class LoadReport:
    created: int = 0
    filled: int = 0
    verified: int = 0
    kept_staff: int = 0

    def __str__(self):
        return (
            f"{self.created} created, {self.filled} filled in, {self.verified} verifications set, "
            f"{self.kept_staff} staff verifications kept"
        )


def read_data(path: Path = DATA_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    validate(data)
    return data


def validate(data: dict) -> None:
    """Refuse a file that would present anything as official, or cite nothing."""
    for body in data["bodies"]:
        operator = body.get("operator")
        if operator:
            if not operator.get("name_source"):
                raise DataFileError(f"{body['slug']}/operator: every entry needs a source")
            for fact in ("name", "credit_code", "registered_address"):
                if operator.get(f"{fact}_level") == Level.OFFICIAL:
                    raise DataFileError(f"{body['slug']}/operator: only staff can mark a fact official")
        for channel in body.get("channels", []):
            for entry, what in [(channel, channel["key"]), (channel.get("hours"), f"{channel['key']} hours")]:
                if entry is None:
                    continue
                level = Level(entry["level"])
                if level == Level.OFFICIAL:
                    raise DataFileError(f"{body['slug']}/{what}: only staff can mark an entry official")
                if not entry.get("source"):
                    raise DataFileError(f"{body['slug']}/{what}: every entry needs a source")
                if level in levels.NEEDS_REASON and not entry.get("note"):
                    raise DataFileError(f"{body['slug']}/{what}: say why it is {level}")


@transaction.atomic
def load(data: dict) -> LoadReport:
    """1. Create or fill in every body (linking platforms by slug).
    2. Then every channel, so a wrong claim can name a body defined later as its owner.
    3. Set verifications, except where a staff member holds them."""
    report = LoadReport()
    default_checked_on = dt.date.fromisoformat(data["checked_on"])
    bodies = {}
    for entry in data["bodies"]:
        body, created = Body.objects.get_or_create(
            slug=entry["slug"], defaults={name: entry[name] for name in BODY_FIELDS if name in entry}
        )
        report.created += created
        if created:
            _check_fields(body, BODY_FIELDS, body.slug)
        else:
            report.filled += _fill_blanks(body, entry, BODY_FIELDS)
        if entry.get("platform") and body.platform_id is None:
            platform = Platform.objects.filter(slug=entry["platform"]).first()
            if platform and not Body.objects.filter(platform=platform).exists():
                body.platform = platform
                body.save(update_fields=["platform"])
        if entry.get("operator"):
            report.filled += _load_operator(body, entry["operator"], report)
        bodies[body.slug] = body
    for entry in data["bodies"]:
        for channel_entry in entry.get("channels", []):
            _load_channel(bodies[entry["slug"]], channel_entry, bodies, default_checked_on, report)
    return report


def _load_operator(body: Body, entry: dict, report: LoadReport) -> int:
    """The platform's operator company: created unconfirmed when the body has none, else
    only its blank facts filled (staff's confirmed facts win)."""
    if body.operator_id is None:
        operator = OperatorCompany(**{name: entry[name] for name in OPERATOR_FIELDS if name in entry})
        _check_fields(operator, [n for n in OPERATOR_FIELDS if n in entry], f"{body.slug}/operator")
        operator.save()
        body.operator = operator
        body.save(update_fields=["operator"])
        report.created += 1
        return 0
    return _fill_blanks(body.operator, entry, OPERATOR_FIELDS)


def _load_channel(body: Body, entry: dict, bodies: dict, default_checked_on: dt.date, report: LoadReport) -> None:
    channel = Channel.objects.filter(body=body, key=entry["key"]).first()
    belongs_to = bodies.get(entry.get("belongs_to")) if entry.get("belongs_to") else None
    if channel is None:
        channel = Channel(body=body, key=entry["key"], belongs_to=belongs_to)
        for name in CHANNEL_FIELDS:
            if name in entry:
                setattr(channel, name, entry[name])
        _check_fields(channel, CHANNEL_FIELDS, f"{body.slug}/{entry['key']}")
        report.created += 1
    else:
        report.filled += _fill_blanks(channel, entry, CHANNEL_FIELDS)
        if channel.belongs_to_id is None and belongs_to is not None:
            channel.belongs_to = belongs_to
            channel.save(update_fields=["belongs_to"])
    _verify(channel, entry, default_checked_on, report)

    if "hours" in entry:
        hours = ServiceHours.objects.filter(channel=channel).first()
        if hours is None:
            hours = ServiceHours(channel=channel, schedule=entry["hours"]["schedule"])
            hours.full_clean(exclude=["level", "source", "checked_on", "channel"])
        _verify(hours, entry["hours"], default_checked_on, report)


def _verify(target, entry: dict, default_checked_on: dt.date, report: LoadReport) -> None:
    if target.pk is not None and levels.held_by_staff(target.level, target.checked_by_id):
        report.kept_staff += 1
        return
    changed = set_verification(
        target,
        level=entry["level"],
        source=entry["source"],
        checked_on=dt.date.fromisoformat(entry["checked_on"]) if "checked_on" in entry else default_checked_on,
        note=entry.get("note", ""),
        recorded_by=RECORDED_BY,
    )
    report.verified += changed


def _fill_blanks(obj, entry: dict, names: list[str]) -> int:
    """Copy the file's value into fields that are still empty; returns 1 if any was."""
    blank = [name for name in names if name in entry and entry[name] not in ("", [], None) and not getattr(obj, name)]
    for name in blank:
        setattr(obj, name, entry[name])
    _check_fields(obj, blank, str(obj))
    if blank:
        obj.save(update_fields=blank)
    return int(bool(blank))


def _check_fields(obj, names: list[str], where: str) -> None:
    """Run the model's field validators (e.g. channels.links: only http, https, tel and
    mailto links) on the fields the file sets; a bad value stops the whole load."""
    others = [field.name for field in obj._meta.fields if field.name not in names]
    try:
        obj.clean_fields(exclude=others)
    except ValidationError as error:
        raise DataFileError(f"{where}: {'; '.join(f'{k}: {v}' for k, v in error.message_dict.items())}")
