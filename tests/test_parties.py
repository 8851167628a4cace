"""The parties a complaint goes to are named once, in core.parties: every model field,
form and tuple that speaks of them takes its values and labels from there."""

import ast
import pathlib

from django.apps import apps
from django.utils import translation

from core.parties import Party

ROOT = pathlib.Path(__file__).resolve().parent.parent
PARTY_VALUES = set(Party.values)
# Vocabularies of other things whose values happen to spell a party: a directory
# organisation's kind ("platform") and the consumer association's check-in clock.
OTHER_VOCABULARIES = {"Kind", "ClockKind"}
PROJECT_APPS = ("accounts", "complaints", "channels", "escalation", "notifications", "privacy", "reading", "staff")


def project_modules():
    for app in (*PROJECT_APPS, "config"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_every_model_field_naming_a_party_takes_the_parties_values_and_labels():
    fields = [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        if getattr(field, "choices", None) and len(PARTY_VALUES & {value for value, _label in field.choices}) >= 2
    ]
    assert {f"{model.__name__}.{field.name}" for model, field in fields} >= {
        "Consent.recipient",
        "SharingChoice.recipient",
        "DeadlinePolicy.body",
        "EscalationFiling.body",
    }
    for model, field in fields:
        if model.__name__ == "EscalationFiling" and field.name == "route":
            continue  # routes are named after parties (escalation.models.Route), not parties themselves
        for value, label in field.choices:
            with translation.override("en"):
                label, expected = str(label), str(Party(value).label) if value in PARTY_VALUES else None
            assert value in PARTY_VALUES, f"{model.__name__}.{field.name} names {value!r}, not a party"
            assert label == expected, f"{model.__name__}.{field.name} labels {value!r} as {label!r}"


def _party_literals(node) -> list[str]:
    return [
        element.value
        for element in getattr(node, "elts", getattr(node, "keys", []))
        if isinstance(element, ast.Constant) and element.value in PARTY_VALUES
    ]


def test_no_module_outside_core_spells_the_parties_again():
    """A second TextChoices with a party's value, or a tuple, set or dict of two party
    values written as strings, is a copy of core.parties waiting to drift."""
    copies = []
    for path in project_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "attr", getattr(base, "id", "")) == "TextChoices" for base in node.bases
            ):
                for statement in node.body:
                    value = getattr(statement, "value", None)
                    first = value.elts[0] if isinstance(value, ast.Tuple) and value.elts else value
                    if (
                        isinstance(first, ast.Constant)
                        and first.value in PARTY_VALUES
                        and node.name not in OTHER_VOCABULARIES
                    ):
                        copies.append(f"{path.relative_to(ROOT)}:{statement.lineno} {node.name}")
            elif isinstance(node, ast.Tuple | ast.List | ast.Set | ast.Dict) and len(_party_literals(node)) >= 2:
                copies.append(f"{path.relative_to(ROOT)}:{node.lineno} {_party_literals(node)}")
    assert copies == []
