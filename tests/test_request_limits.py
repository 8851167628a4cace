"""Request bodies over MAX_REQUEST_BYTES are refused before anything reads them.

The real proof runs gunicorn (the Procfile's server) with its temporary directory
pointed at a folder the test watches: a 600 MB multipart upload to an anonymous URL
used to be spooled there in full by Django's upload handlers."""

import contextlib
import os
import re
import select
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from tests.services import ROOT, free_port, wait_for

from .conftest import require_service

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
MB = 1024 * 1024
BOUNDARY = "----tousu-limit-test"
# Any well-formed secret passes Django's double-submit CSRF check when the cookie and the
# form field agree, so an attacker gets past CSRF, which then parses the whole body.
CSRF_SECRET = "a" * 32


# --- The middleware, through the test client ------------------------------------


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1000)
def test_a_body_over_the_cap_is_refused_with_413_before_the_csrf_check(client):
    # No CSRF token at all: without the limit this would be CSRF's 403.
    response = client.post(reverse("set_language"), {"language": "en", "padding": "x" * 2000})
    assert response.status_code == 413
    assert "一次发送的内容太多" in response.content.decode()
    # It carries the headers the security middlewares (which it skips) would have added.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (response["X-Frame-Options"], response["X-Content-Type-Options"]) == ("DENY", "nosniff")


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1000)
def test_the_413_page_speaks_the_visitors_language(client):
    response = client.post(reverse("complaints:new"), {"padding": "x" * 2000}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "Too much sent at once" in response.content.decode()


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1000)
def test_a_body_within_the_cap_goes_on_to_the_view(client):
    response = client.post(reverse("set_language"), {"language": "en", "padding": "x" * 500})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_body_without_a_declared_length_is_refused_with_411(client):
    response = client.post(reverse("set_language"), {"language": "en"}, HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411


def test_the_default_cap_fits_a_filing_with_every_image_at_its_limit():
    from django.conf import settings

    filing = settings.EVIDENCE_MAX_FILES * settings.EVIDENCE_MAX_BYTES
    assert filing < settings.MAX_REQUEST_BYTES <= filing + 2 * MB


# --- Against a real gunicorn ----------------------------------------------------


def _folder_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


class FolderWatch:
    """The largest size `folder` reached while the block ran, sampled every 20 ms
    (temporary upload files are deleted when the request ends)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.baseline = _folder_bytes(folder)
        self.largest = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(0.02):
            self.largest = max(self.largest, _folder_bytes(self.folder))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.largest = max(self.largest, _folder_bytes(self.folder))

    @property
    def growth(self) -> int:
        return self.largest - self.baseline


def _multipart_upload(size: int):
    """A multipart body with a valid CSRF field and one file of `size` zero bytes,
    produced 1 MB at a time (never held in memory), and its total length."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{CSRF_SECRET}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence_files"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def chunks():
        yield head
        block = bytes(MB)
        left = size
        while left:
            yield block[: min(MB, left)]
            left -= min(MB, left)
        yield tail

    return chunks(), len(head) + size + len(tail)


def post_streaming(port: int, path: str, chunks, length: int | None) -> tuple[int, int]:
    """POST `chunks` with a declared Content-Length of `length` (None: without a length,
    Transfer-Encoding: chunked), stopping as soon as the server answers (as a browser
    does); returns (status, bytes of body sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    framing = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    sent = 0
    with sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken={CSRF_SECRET}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n"
            ).encode()
        )
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the answer is already there
            if length is None:
                chunk = b"%x\r\n%s\r\n" % (len(chunk), chunk)
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while b"\r\n" not in answer:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
    match = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    assert match, f"no HTTP answer after sending {sent} bytes: {answer[:200]!r}"
    return int(match.group(1)), sent


@pytest.fixture
def gunicorn(tmp_path, db):
    """gunicorn as in the Procfile (2 sync workers) on a free port, on the test
    database, with TMPDIR in a folder of its own; yields (port, that folder)."""
    require_service(connection.vendor == "postgresql", "gunicorn shares the test database: needs PostgreSQL")
    settings = connection.settings_dict
    temp = tmp_path / "tmp"
    temp.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}",
        "TOUSU_VAR_DIR": str(tmp_path / "var"),
        "TMPDIR": str(temp),
    }
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(
        # The Procfile's command line, with its config file (access log format).
        [str(GUNICORN), "-c", "gunicorn.conf.py", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        + ["--control-socket", str(tmp_path / "gunicorn.ctl"), "--worker-tmp-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def answers():
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True

    try:
        wait_for(answers, 60, f"gunicorn ({log})")
        yield port, temp, log
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.services
@pytest.mark.parametrize("path", ["/i18n/setlang/", "/complaints/new/"])
def test_gunicorn_refuses_a_600_mb_post_with_413_and_spools_nothing(gunicorn, path):
    port, temp, _log = gunicorn
    chunks, length = _multipart_upload(600 * MB)
    with FolderWatch(temp) as watch:
        status, sent = post_streaming(port, path, chunks, length)
    assert watch.growth < 20 * MB, f"{watch.growth} bytes of temporary files; {sent} bytes sent"
    assert status == 413


@pytest.mark.services
def test_gunicorn_refuses_a_600_mb_post_without_a_length_with_411_and_spools_nothing(gunicorn):
    port, temp, _log = gunicorn
    chunks, _length = _multipart_upload(600 * MB)
    with FolderWatch(temp) as watch:
        status, sent = post_streaming(port, "/i18n/setlang/", chunks, None)
    assert watch.growth < 20 * MB, f"{watch.growth} bytes of temporary files; {sent} bytes sent"
    assert status == 411


@pytest.mark.services
def test_gunicorn_still_serves_a_normal_request_and_post(gunicorn):
    import http.cookiejar
    import urllib.request

    port, _temp, _log = gunicorn
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    with opener.open(base + "/", timeout=30) as page:
        assert page.status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "language": "en", "next": "/channels/"}).encode()
    request = urllib.request.Request(base + "/i18n/setlang/", data=form, headers={"Referer": base + "/"})
    with opener.open(request, timeout=30) as answer:
        # set_language redirected to /channels/, now in English.
        assert answer.url == base + "/channels/"
        assert "Contact directory" in answer.read().decode()


@pytest.mark.services
def test_gunicorn_logs_paths_without_query_strings(gunicorn):
    import urllib.request

    port, _temp, log = gunicorn
    with urllib.request.urlopen(
        f"http://127.0.0.1:{port}/channels/?q=wang.xiaoming%40example.com&p=13912345678"
    ) as page:
        assert page.status == 200
    line = wait_for(
        lambda: next((line for line in log.read_text().splitlines() if '"GET /channels/' in line), None),
        10,
        f"the access log line ({log})",
    )
    assert '"GET /channels/ HTTP/1.1" 200' in line
    assert "wang.xiaoming" not in log.read_text() and "13912345678" not in log.read_text()
