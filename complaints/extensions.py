"""Where apps above complaints plug into its pages and its evidence pipeline.

complaints sits below reading and escalation (tests/test_layers.py), so it names
neither: its templates leave named slots, its filing view asks an optional filing aid,
and its pipeline publishes the tasks registered for a sanitised image. What fills them
is decided in one place above all three, pages.complaint_page, at start-up.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

# Each slot, and where it is on the page (the template tag `parts` renders it there).
SLOTS = {
    "detail.top": "the complaint page, above everything: who has it and their answer",
    "detail.main": "the complaint page, below the evidence",
    "form.order": "the filing form, above the order fields",
    "form.staged": "the filing form, below the images already accepted",
    "form.platform": "the filing form's aside, under each platform's channels",
    "review.notes": "the review step, below what will be submitted",
}

# A part's context function reads the page's context and returns what its template
# needs on top, or None to leave the part out of this page.
PartContext = Callable[[Mapping[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class Part:
    template: str
    context: PartContext | None = None


class FilingAid(Protocol):
    """What the filing form can do with the screenshots already accepted."""

    def fill(self, data: Mapping[str, Any], staged: list) -> tuple[dict[str, Any], list[str]]:
        """The form data with the empty fields filled in, and the names of those filled."""

    def notes(self, cleaned: Mapping[str, Any], staged: list) -> list[str]:
        """Sentences on what the consumer entered that the screenshots contradict."""

    def still_reading(self, staged: list) -> bool:
        """Whether a screenshot is still being read, so nothing could be filled yet."""


_parts: dict[str, list[Part]] = {slot: [] for slot in SLOTS}
_filing_aid: list[FilingAid] = []
_evidence_ready_tasks: list[str] = []


def add_part(slot: str, template: str, context: PartContext | None = None) -> None:
    """Show `template` in `slot`, after the parts added before it."""
    if slot not in SLOTS:
        raise ValueError(f"complaints has no slot {slot!r}; its slots are {sorted(SLOTS)}")
    part = Part(template, context)
    if part not in _parts[slot]:  # ready() may run twice (tests, reloads)
        _parts[slot].append(part)


def parts(slot: str) -> tuple[Part, ...]:
    return tuple(_parts[slot])


def set_filing_aid(aid: FilingAid) -> None:
    _filing_aid[:] = [aid]


def filing_aid() -> FilingAid | None:
    return _filing_aid[0] if _filing_aid else None


def publish_when_evidence_ready(task_name: str) -> None:
    """Publish `task_name` with the evidence's id once an upload is sanitised."""
    if task_name not in _evidence_ready_tasks:
        _evidence_ready_tasks.append(task_name)


def evidence_ready_tasks() -> tuple[str, ...]:
    return tuple(_evidence_ready_tasks)
