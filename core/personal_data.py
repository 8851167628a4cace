"""What each app holds about a person, declared next to its models, and what erasing a
complaint or an account does to it.

Every model with a link to the user or to a complaint declares, in its app's
`personal_data.py`, each of those links and each of its text fields:

- BLANK: personal; blanked (to the value given) when its complaint is erased;
- UNLINK: a link to the consumer; set to NULL when their complaint or account is
  erased (links to staff and respondents' members stay: they are their own record);
- KEEP: not personal, with the reason in `why`.

and what happens to the row when its complaint is erased: kept (its BLANK and UNLINK
fields erased) or deleted. actions.erasure erases from these declarations, and
tests/test_personal_data.py fails on a model or field nobody declared, so a new field
cannot be missed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

BLANK = "blank"
UNLINK = "unlink"
KEEP = "keep"


@dataclass(frozen=True)
class Declaration:
    model: str  # "app_label.ModelName"
    fields: dict[str, Any]  # field -> UNLINK, KEEP, or (BLANK, erased value)
    delete_with_complaint: bool = False
    why: str = ""

    def blanked(self) -> dict[str, Any]:
        return {name: rule[1] for name, rule in self.fields.items() if isinstance(rule, tuple) and rule[0] == BLANK}

    def unlinked(self) -> list[str]:
        return [name for name, rule in self.fields.items() if rule == UNLINK]


@dataclass
class Registry:
    declarations: dict[str, Declaration] = field(default_factory=dict)

    def add(self, *declarations: Declaration) -> None:
        for declaration in declarations:
            self.declarations[declaration.model] = declaration


registry = Registry()


def blank(value: Any = "") -> tuple[str, Any]:
    return (BLANK, value)


def load(app_names) -> Registry:
    """Import each app's personal_data module (once), which declares into the registry."""
    for name in app_names:
        try:
            importlib.import_module(f"{name}.personal_data")
        except ModuleNotFoundError as error:
            if error.name != f"{name}.personal_data":
                raise
    return registry
