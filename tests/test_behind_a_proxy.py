"""Behind a real reverse proxy process, two clients are limited separately: the limits
take the client's address from X-Forwarded-For as far as TRUSTED_PROXY_COUNT trusts it
(core.clients), not the proxy's. Without that setting they would share one bucket."""

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import ROOT, free_port, wait_for

PROXY = Path(__file__).with_name("reverse_proxy.py")


def check(port: int, source: str) -> int:
    """The number checker's API, from the loopback address `source`."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    connection.request(
        "POST", "/api/channels/check", body=json.dumps({"q": "12306"}), headers={"Content-Type": "application/json"}
    )
    return connection.getresponse().status


def up(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.mark.parametrize("trusted_proxies, second_client_limited", [(1, False), (0, True)])
def test_two_clients_behind_the_proxy_are_limited_apart(tmp_path, trusted_proxies, second_client_limited):
    app_port, proxy_port = free_port(), free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "proxy-test-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECURE_SSL_REDIRECT": "false",
        "DEBUG": "1",
        "TOUSU_VAR_DIR": str(tmp_path / "var"),
        "RATE_LIMIT_NUMBER_CHECK": "3/m",
        "TRUSTED_PROXY_COUNT": str(trusted_proxies),
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True
    )
    app = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "config.wsgi", "--workers", "1",
         "--bind", f"127.0.0.1:{app_port}", "--control-socket", str(tmp_path / "g.ctl")],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    proxy = subprocess.Popen([sys.executable, str(PROXY), str(proxy_port), str(app_port)])
    try:
        wait_for(lambda: up(app_port), 60, "gunicorn")
        wait_for(lambda: up(proxy_port), 10, "the proxy")
        first = [check(proxy_port, "127.0.0.2") for _ in range(4)]
        assert first == [200, 200, 200, 429]  # the first client reaches its limit
        assert (check(proxy_port, "127.0.0.3") == 429) is second_client_limited
    finally:
        for process in (proxy, app):
            process.kill()
            process.wait(10)


def test_an_address_the_client_wrote_itself_is_never_trusted(rf, settings):
    from core.clients import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended what it saw.
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == "203.0.113.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"  # not through the proxy
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
