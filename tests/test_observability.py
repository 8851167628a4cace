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

from tests.services import ROOT, free_port, wait_for

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
# Sessions in the cookie: this throwaway process has no database tables.
with override_settings(ROOT_URLCONF=__name__, SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"):
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


def test_plain_logs_leave_the_request_line_to_gunicorn():
    finished = run_django(REQUEST_SCRIPT)
    assert finished.returncode == 0, finished.stderr
    assert "Method Not Allowed (GET): /i18n/setlang/" in finished.stderr  # plain text, not JSON
    assert "tousu.requests" not in finished.stderr and "GET /i18n/setlang/ 405" not in finished.stderr
    assert PHONE not in finished.stderr


def test_under_gunicorn_with_json_logs_each_request_is_one_json_line_without_its_query(tmp_path):
    """gunicorn started as the Procfile starts it (-c gunicorn.conf.py): with LOG_FORMAT=json
    its plain access log is off and Django's JSON line is the only one for the request."""
    import urllib.error
    import urllib.request

    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "observability-test-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "1",
        "TOUSU_VAR_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": "json",
    }
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "--control-socket", str(tmp_path / "g.ctl")]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    try:

        def up():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(up, 60, f"gunicorn ({log})")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/i18n/setlang/?phone={PHONE}&order={ORDER}", timeout=10)
        assert refused.value.code == 405
        lines = wait_for(
            lambda: [
                line for line in log.read_text().splitlines() if "/i18n/setlang/" in line and "tousu.requests" in line
            ],
            10,
            f"the request line ({log})",
        )
    finally:
        server.kill()
        server.wait(timeout=10)
    request_lines = [line for line in log.read_text().splitlines() if "/i18n/setlang/" in line]
    assert [json.loads(line)["logger"] for line in request_lines] == ["django.request", "tousu.requests"]
    assert json.loads(lines[0])["path"] == "/i18n/setlang/"
    assert PHONE not in log.read_text() and ORDER not in log.read_text()


class _Recorder(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            # sentry-sdk compresses with Brotli whenever the `brotli` module is importable.
            import brotli

            body = brotli.decompress(body)
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
    assert "user" not in event  # send_default_pii is off: no user, no IP address
