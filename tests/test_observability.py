"""What operators see, in processes started as production starts them (config.settings):
JSON log lines with LOG_FORMAT=json, one line per request without the query string, and
errors sent to Sentry (a recording HTTP endpoint on loopback stands in for it) without
personal data."""

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading

import pytest

from tests.services import ROOT, free_port

PHONE = "13912345678"
ORDER = "260305-123456789012345"

REQUEST_SCRIPT = f"""
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
client.get("/i18n/setlang/?phone={PHONE}&order={ORDER}")
client.get("/healthz")
"""

ERROR_SCRIPT = f"""
import django
django.setup()
import sentry_sdk
from django.test import Client, override_settings
from django.urls import path

def broken(request):
    phone = request.POST["contact_phone"]
    raise RuntimeError("the view broke")

urlpatterns = [path("broken/", broken)]
with override_settings(ROOT_URLCONF=__name__):
    response = Client(raise_request_exception=False).post(
        "/broken/?order={ORDER}",
        {{"contact_phone": "{PHONE}", "contact_email": "owner@example.com"}},
        HTTP_COOKIE="sessionid=secret-session",
    )
assert response.status_code == 500, response.status_code
sentry_sdk.flush(timeout=10)
"""


def run_django(script: str, **env) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "observability-test-key",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:///:memory:",
        "SECURE_SSL_REDIRECT": "false",
        # Error pages then need no collected static files; logging and Sentry are the same.
        "DEBUG": "1",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_json_logs_have_one_line_per_request_without_query_strings():
    finished = run_django(REQUEST_SCRIPT, LOG_FORMAT="json")
    assert finished.returncode == 0, finished.stderr
    lines = [json.loads(line) for line in finished.stderr.splitlines() if line.strip()]
    requests = [line for line in lines if line["logger"] == "tousu.requests"]
    assert [(r["method"], r["path"], r["status"]) for r in requests] == [("GET", "/i18n/setlang/", 405)]
    assert {"time", "level", "message", "duration_ms"} <= requests[0].keys()
    assert PHONE not in finished.stderr and ORDER not in finished.stderr


def test_plain_logs_by_default():
    finished = run_django(REQUEST_SCRIPT)
    assert finished.returncode == 0, finished.stderr
    assert "GET /i18n/setlang/ 405 " in finished.stderr
    assert PHONE not in finished.stderr


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_endpoint():
    _Recorder.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_address[1]}/1", _Recorder.received
    finally:
        server.shutdown()
        server.server_close()


def test_errors_reach_sentry_without_personal_data(sentry_endpoint):
    dsn, received = sentry_endpoint
    finished = run_django(ERROR_SCRIPT, SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="test")
    assert finished.returncode == 0, finished.stderr
    events = [
        json.loads(line)
        for envelope in received
        for line in envelope.splitlines()[1:]
        if line.startswith(b"{") and b'"exception"' in line
    ]
    assert len(events) == 1
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["environment"] == "test"
    assert event["transaction"] == "/broken/"
    everything = b"".join(received).decode()
    for personal in (PHONE, "owner@example.com", ORDER, "secret-session"):
        assert personal not in everything
    assert "user" not in event or "ip_address" not in event["user"]
