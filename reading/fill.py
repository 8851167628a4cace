"""The complaint form and what the consumer's screenshots show.

- `screenshot_facts`: the facts read on the consumer's staged evidence, as form values.
- `fill_empty`: the form's data with its empty order fields filled from them; what the
  consumer typed is never overwritten.
- `disagreements`: at review, each value the consumer entered that differs from the
  screenshot, in plain words. It never blocks: the screenshot may be of another order.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from platforms.models import Platform

from .models import FACT_LABELS, ScreenshotReading

# Facts read with less confidence are neither filled in nor held against the consumer.
MIN_CONFIDENCE = 0.6
# Form field <- fact read.
FORM_FIELDS = {
    "platform": "platform",
    "order_number": "order_number",
    "order_date": "ordered_at",
    "amount": "amount",
    "shop_name": "shop_name",
}


def screenshot_facts(evidence: list) -> dict:
    """{form field: value as the form takes it} from the readings of `evidence`, the
    first image that shows a fact winning."""
    readings = ScreenshotReading.objects.filter(
        evidence__in=[e.pk for e in evidence], status=ScreenshotReading.Status.READ
    ).order_by("evidence__created_at", "evidence_id")
    values = {}
    for reading in readings:
        for field, fact_name in FORM_FIELDS.items():
            fact = reading.facts.get(fact_name)
            if field in values or not fact or fact["confidence"] < MIN_CONFIDENCE:
                continue
            value = _form_value(field, fact["value"])
            if value is not None:
                values[field] = value
    return values


def _form_value(field: str, value: str):
    if field == "platform":
        platform = Platform.objects.filter(active=True, slug=value).first()
        return str(platform.pk) if platform else None
    if field == "order_date":
        return dt.datetime.fromisoformat(value).date().isoformat()
    return value


def fill_empty(data, facts: dict) -> tuple[dict, list[str]]:
    """A copy of the form's `data` with each empty field that a screenshot shows filled
    in, and the names of the fields filled. The platform select always has a value,
    so it is filled only while no order field has been typed in yet."""
    filled_data = {key: data.get(key) for key in data}
    filled = []
    untouched = not any((data.get(name) or "").strip() for name in FORM_FIELDS if name != "platform")
    for field, value in facts.items():
        blank = not (data.get(field) or "").strip()
        if (field == "platform" and untouched and data.get(field) != value) or (field != "platform" and blank):
            filled_data[field] = value
            filled.append(field)
    return filled_data, filled


def disagreements(cleaned: dict, facts: dict) -> list[str]:
    """Plain-words notes where what the consumer entered differs from the screenshot."""
    notes = []

    def note(field, shown, entered):
        notes.append(
            _("%(field)s: the screenshot shows %(shown)s; you entered %(entered)s.")
            % {"field": FACT_LABELS[FORM_FIELDS[field]], "shown": shown, "entered": entered}
        )

    if "order_number" in facts and facts["order_number"] != cleaned.get("order_number"):
        note("order_number", facts["order_number"], cleaned.get("order_number"))
    if "amount" in facts and cleaned.get("amount") is not None:
        try:
            shown = Decimal(facts["amount"])
        except InvalidOperation:
            shown = None
        if shown is not None and shown != cleaned["amount"]:
            note("amount", f"¥{shown:,.2f}", f"¥{cleaned['amount']:,.2f}")
    if "order_date" in facts and cleaned.get("order_date"):
        shown = dt.date.fromisoformat(facts["order_date"])
        if shown != cleaned["order_date"]:
            note("order_date", date_format(shown), date_format(cleaned["order_date"]))
    if "platform" in facts and cleaned.get("platform") and str(cleaned["platform"].pk) != facts["platform"]:
        shown = Platform.objects.filter(pk=facts["platform"]).first()
        if shown:
            note("platform", shown.name, cleaned["platform"].name)
    if facts.get("shop_name") and cleaned.get("shop_name") and facts["shop_name"] != cleaned["shop_name"]:
        note("shop_name", facts["shop_name"], cleaned["shop_name"])
    return notes


def still_reading(evidence: list) -> bool:
    """Whether some of `evidence` is not yet read (still being checked, or queued for OCR)."""
    usable = [e.pk for e in evidence if not e.is_rejected]
    return ScreenshotReading.objects.filter(evidence__in=usable).count() < len(usable)
