"""The app-to-app arrows of the project, as tests/test_layers.py checks them: Python
imports (anywhere in a module, inside functions too), Celery task names published as
strings, template includes/extends and tag libraries, and string foreign keys."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Top-level packages of the project (apps and libraries); tests and benchmarks are not
# layers, migrations are history.
SKIP_DIRS = {"tests", "bench", "migrations", ".venv", "var", "node_modules", "scripts", "static", "locale"}


def packages(root: Path = ROOT) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in SKIP_DIRS}


def _python_files(root: Path, names: set[str]):
    for name in sorted(names):
        for path in (root / name).rglob("*.py"):
            if not SKIP_DIRS.intersection(path.relative_to(root).parts[1:]):
                yield name, path


TASK_CALL = re.compile(r"""(?:publish_by_name|publish_many_by_name|send_task|signature)\(\s*["']([a-z_]+)\.""")
STRING_FK = re.compile(r"""(?:ForeignKey|OneToOneField|ManyToManyField|get_model)\(\s*["']([a-z_]+)\.[A-Z]\w*["']""")
TEMPLATE_REF = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"'/]+)/""")
TAG_LOAD = re.compile(r"""\{%\s*load\s+([\w ]+?)\s*%\}""")


def _template_owners(root: Path, names: set[str]) -> dict[str, str]:
    """Template folder name (templates/<folder>/…) → the app that has it."""
    owners: dict[str, set[str]] = {}
    for name in names:
        templates = root / name / "templates"
        if templates.is_dir():
            for folder in templates.iterdir():
                if folder.is_dir():
                    owners.setdefault(folder.name, set()).add(name)
    # Folders several apps add to (admin/, emails/) belong to none of them.
    return {folder: next(iter(apps)) for folder, apps in owners.items() if len(apps) == 1}


def _tag_owners(root: Path, names: set[str]) -> dict[str, str]:
    owners = {}
    for name in names:
        for library in (root / name / "templatetags").glob("*.py"):
            if library.stem != "__init__":
                owners[library.stem] = name
    return owners


def arrows(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """(from app, to app) → where each arrow is (file and what)."""
    names = packages(root)
    found: dict[tuple[str, str], list[str]] = {}

    def add(source, target, where):
        if target in names and target != source:
            found.setdefault((source, target), []).append(where)

    for name, path in _python_files(root, names):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root).as_posix()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    add(name, alias.name.split(".")[0], f"{rel}: import {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                add(name, node.module.split(".")[0], f"{rel}: from {node.module}")
        for pattern, what in ((TASK_CALL, "task name"), (STRING_FK, "string foreign key")):
            for match in pattern.finditer(text):
                add(name, match.group(1), f"{rel}: {what} {match.group(1)}.…")
    templates, tags = _template_owners(root, names), _tag_owners(root, names)
    for name in names:
        for path in (root / name).rglob("templates/**/*"):
            if not path.is_file() or path.suffix not in {".html", ".txt"}:
                continue
            text = path.read_text(encoding="utf-8")
            rel = path.relative_to(root).as_posix()
            for match in TEMPLATE_REF.finditer(text):
                if match.group(1) in templates:
                    add(name, templates[match.group(1)], f"{rel}: template {match.group(1)}/…")
            for match in TAG_LOAD.finditer(text):
                for library in match.group(1).split():
                    if library in tags:
                        add(name, tags[library], f"{rel}: load {library}")
    return found
