"""Real services for tests that need them: free loopback ports, an SMTP server that
keeps what it receives, and a Celery worker process on the test database."""

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = ROOT / ".venv" / "bin" / "celery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Mailbox:
    """An aiosmtpd handler that keeps what it receives. It can hold the next message
    it is given (to kill the worker in the middle of sending it), then refuse it with
    451 so it is never recorded as delivered."""

    def __init__(self, hold_first=False):
        self.messages = []
        self.hold_first = hold_first
        self.holding = threading.Event()
        self.release = threading.Event()

    def hold_next(self):
        self.holding.clear()
        self.release.clear()
        self.hold_first = True

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.hold_first:
            self.hold_first = False
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        self.messages.append(envelope)
        return "250 OK"


@contextlib.contextmanager
def smtp_server(mailbox, port=None):
    """aiosmtpd on loopback, on `port` (one the settings already point at) or a free one."""
    from aiosmtpd.controller import Controller

    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    try:
        yield controller.port
    finally:
        mailbox.release.set()
        controller.stop()


def _evidence_root():
    from complaints.models import Evidence

    return Evidence._meta.get_field("file").storage.location


@contextlib.contextmanager
def redis_server(port=None):
    """Our own redis-server on loopback (never the shared one), killed on exit."""
    import redis

    port = port or free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)

    def ping():
        with contextlib.suppress(redis.exceptions.ConnectionError):
            return client.ping()

    try:
        wait_for(ping, 15, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(timeout=10)


class Worker:
    def __init__(self, broker_url, smtp_port, tmp_path):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "integration-test-secret-key",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            # DEBUG is off: the settings insist on a shared cache; the broker's Redis holds it.
            "CACHE_URL": broker_url.rsplit("/", 1)[0] + "/1",
            "TOUSU_VAR_DIR": str(tmp_path),
            # The worker sanitises the uploads this process stored: the same evidence files.
            "EVIDENCE_ROOT": str(_evidence_root()),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        if db.get("PASSWORD"):
            self.env["DATABASE_URL"] = self.env["DATABASE_URL"].replace(
                f"//{db['USER']}@", f"//{db['USER']}:{db['PASSWORD']}@"
            )
        self.log = tmp_path / "worker.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(lambda: b"ready." in self.log.read_bytes(), 60, f"the celery worker ({self.log})")

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@contextlib.contextmanager
def celery_publishing_to(url):
    """This process's Celery app publishes for real (not eagerly) to `url`, whether or not
    it is up, with the production transport options; restored afterwards."""
    from django.conf import settings

    from config.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.broker_transport_options = settings.REDIS_BROKER_TRANSPORT_OPTIONS
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):
            app.pool.force_close_all()
        app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = saved
        app._pool = None
        app.amqp._producer_pool = None
