"""No web process loads the OCR engine: importing the WSGI application with every view
module its URLs name (the admin's included) leaves rapidocr and onnxruntime unloaded, so
a request cannot run OCR (2 GB and 30 s on a hostile image) even by accident."""

import subprocess
import sys

from tests.services import ROOT

SCRIPT = """
import importlib, sys
from config.wsgi import application  # noqa: F401  (django.setup, admin autodiscovery)
from django.urls import URLPattern, URLResolver, get_resolver

def walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback

for view in walk(get_resolver().url_patterns):
    importlib.import_module(view.__module__)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("rapidocr_onnxruntime", "onnxruntime"))
print("LOADED:" + ",".join(loaded))
"""


def test_the_web_application_never_imports_the_ocr_engine():
    env = {"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin"}
    finished = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip().endswith("LOADED:"), finished.stdout
