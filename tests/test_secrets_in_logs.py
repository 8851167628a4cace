"""No secret link reaches a log: a real gunicorn, as the Procfile starts it, is sent each
kind of secret link (password reset, email confirmation, mute, contact confirmation, a
respondent's invitation, a signed evidence link) and neither log format keeps one."""

import contextlib
import os
import secrets
import subprocess
import urllib.error
import urllib.request

import pytest
from django.core import signing

from core.logpaths import REDACTED, loggable_path
from tests.services import ROOT, free_port, wait_for


def secret_links() -> dict[str, str]:
    token = secrets.token_hex(16)
    return {
        "reset": f"/accounts/password/reset/key/4-{secrets.token_hex(3)}-{token}/",
        "confirm_email": f"/accounts/confirm-email/{signing.dumps(42, salt='account')}/",
        "mute": f"/escalation/mute/{signing.TimestampSigner(salt='mute').sign('42')}/",
        "contact": f"/complaints/contact/confirm/{signing.dumps({'c': 42, 'e': 'a@b.cn'})}/",
        "invitation": f"/respond/join/inv_{secrets.token_urlsafe(32)}/",
        "evidence": f"/api/v1/evidence/{signing.dumps({'d': 1, 'e': token, 'o': 1})}/",
    }


def secret_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_a_reference_and_a_slug_stay_and_keys_go():
    assert loggable_path("/complaints/TS-20261121-0042/") == "/complaints/TS-20261121-0042/"
    assert loggable_path("/stats/respondents/pinduoduo/") == "/stats/respondents/pinduoduo/"
    for link in secret_links().values():
        assert secret_of(link) not in loggable_path(link)


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_gunicorn_logs_no_secret_link_in_either_format(tmp_path, log_format):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "logs-test-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "1",
        "TOUSU_VAR_DIR": str(tmp_path / "var"),
        "LOG_FORMAT": log_format,
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True
    )
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi"]
    command += ["--workers", "1", "--bind", f"127.0.0.1:{port}", "--control-socket", str(tmp_path / "g.ctl")]
    links = secret_links()
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
        for link in links.values():
            # A made-up key is refused; the request line is written all the same.
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}{link}", timeout=10).read()
        # One request line per link (access log or JSON line), each redacted.
        wait_for(lambda: log.read_text().count(REDACTED) >= len(links), 10, f"the request lines ({log})")
    finally:
        server.kill()
        server.wait(timeout=10)
    text = log.read_text()
    leaked = [name for name, link in links.items() if secret_of(link) in text]
    assert leaked == []
