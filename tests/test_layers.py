"""The layers of the project, written down, and a test that keeps them.

Each app sits on a layer and may refer only to apps on its own layer or below: by
import, by a Celery task name it publishes, by a template it includes or extends or a
tag library it loads, or by a string foreign key. The actions layer (actions/) writes
every complaint; it is above the domain apps, and their interface modules (views,
admin, forms, tasks, commands, the API, template tags) call it. pages assembles the
consumer's complaint page from the apps above complaints; config is the project's
wiring, which may name anything and which nothing imports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .layers_graph import arrows, packages

LAYERS: list[set[str]] = [
    {"core"},  # the library: the parties vocabulary, publishing, private responses
    {"platforms", "accounts", "notifications"},
    {"channels"},  # the contact directory
    {"complaints"},
    {"reading"},  # OCR of the evidence and the shared copies
    {"escalation"},  # working days, clocks, the ladder, the paperwork
    # The people who work complaints and the consumer's rights over them: staff use
    # respondents' answers, respondents the access log staff keep, privacy erases all.
    {"staff", "respondents", "privacy"},
    {"actions"},
    {"pages"},
    {"config", "devtools"},
]
LAYER_OF = {app: index for index, layer in enumerate(LAYERS) for app in layer}

# Modules that take a request, a task or a command and call the actions layer.
INTERFACE_PARTS = (
    "views",
    "admin",
    "urls",
    "forms",
    "tasks",
    "management",
    "templatetags",
    "api",
    "erase_action",
    "buttons",
    "apps",
)


def is_interface(where: str) -> bool:
    path = where.split(":")[0]
    parts = Path(path).with_suffix("").parts[1:]
    return any(part.startswith(INTERFACE_PARTS) or part.endswith("_views") for part in parts) or "templates" in parts


def forbidden(found) -> list[str]:
    wrong = []
    for (source, target), places in sorted(found.items()):
        for where in places:
            if target == "actions" and (is_interface(where) or LAYER_OF[source] >= LAYER_OF["actions"]):
                continue
            if LAYER_OF[target] > LAYER_OF[source]:
                wrong.append(f"{source} → {target} ({where})")
    return wrong


def test_every_package_has_a_layer():
    assert packages() == set(LAYER_OF)


def test_no_arrow_runs_up_a_layer():
    wrong = forbidden(arrows())
    assert wrong == [], "arrows against the layers:\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "where, text",
    [
        ("complaints/services.py", "from reading import sharing\n"),
        ("complaints/evidence_pipeline.py", 'publish_by_name("reading.read_evidence", 1)\n'),
        ("platforms/models.py", 'x = models.ForeignKey("complaints.Complaint", on_delete=None)\n'),
        ("complaints/models.py", "def f():\n    from escalation import clocks\n"),
    ],
)
def test_the_walk_sees_each_kind_of_arrow(tmp_path, where, text):
    for app in ("core", "platforms", "complaints", "reading", "escalation"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / where).write_text(text)
    assert forbidden(arrows(tmp_path)), f"{where} should be an upward arrow"


def test_the_walk_sees_a_template_including_a_higher_app(tmp_path):
    for app in ("core", "complaints", "reading"):
        (tmp_path / app / "templates" / app).mkdir(parents=True)
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "reading" / "templates" / "reading" / "_part.html").write_text("x")
    (tmp_path / "complaints" / "templates" / "complaints" / "detail.html").write_text(
        '{% include "reading/_part.html" %}'
    )
    assert forbidden(arrows(tmp_path)) == [
        "complaints → reading (complaints/templates/complaints/detail.html: template reading/…)"
    ]
