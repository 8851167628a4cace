"""The consumer's complaint pages, assembled: which part of reading and escalation shows
where on complaints' pages (the slots of complaints.extensions), and in what order.

This module sits above complaints, reading and escalation (tests/test_layers.py), so
complaints' templates and views name neither app: reading could be left out and the
pages would simply lack its parts.
"""

from collections.abc import Mapping
from typing import Any

from complaints import extensions
from core.parties import Party
from escalation import standing
from reading import fill, sharing


class ScreenshotAid:
    """The filing form's "Fill in from the screenshot" and the review's notes, from
    the readings of the images already accepted (reading.fill)."""

    def fill(self, data: Mapping[str, Any], staged: list) -> tuple[dict[str, Any], list[str]]:
        return fill.fill_empty(data, fill.screenshot_facts(staged))

    def notes(self, cleaned: Mapping[str, Any], staged: list) -> list[str]:
        return fill.disagreements(dict(cleaned), fill.screenshot_facts(staged))

    def still_reading(self, staged: list) -> bool:
        return fill.still_reading(staged)


def platform_sharing(context: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the platform would get of the evidence if staff forward it (reading.sharing);
    nothing when there is no evidence to share."""
    preview = sharing.preview(context["complaint"], Party.PLATFORM)
    return {"sharing": preview, "back": ""} if preview.items else None


def where_it_stands(context: Mapping[str, Any]) -> dict[str, Any]:
    """Who is on the clock and until when, and the consumer's one next action."""
    return {"standing": standing.standing(context["complaint"])}


def respondent_status(context: Mapping[str, Any]) -> dict[str, Any]:
    """Delivered to a respondent on Tousu and its latest answer, or that the platform
    is not on Tousu (respondents.presentation)."""
    from respondents.templatetags.respondents_tags import respondent_panel

    return respondent_panel(context["complaint"])


def assemble() -> None:
    # The complaint page leads with what matters: who is on the clock and the next
    # action, then who has it and what they answered.
    extensions.add_part("detail.top", "escalation/_standing.html", where_it_stands)
    extensions.add_part("detail.top", "respondents/_consumer_panel.html", respondent_status)
    # The complaint page: below the evidence, what the platform would see, then the deadlines.
    extensions.add_part("detail.main", "reading/_sharing.html", platform_sharing)
    extensions.add_part("detail.main", "escalation/_complaint_deadlines.html")
    # The filing form and its review step.
    extensions.add_part("form.order", "reading/_filled_notice.html")
    extensions.add_part("form.staged", "reading/_fill_offer.html")
    extensions.add_part("form.platform", "escalation/_platform_policy.html")
    extensions.add_part("review.notes", "reading/_screenshot_notes.html")
    extensions.set_filing_aid(ScreenshotAid())
