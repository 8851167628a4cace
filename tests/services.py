"""Real services for tests that need them: free loopback ports, an SMTP server that
keeps what it receives, and a Celery worker process on the test database."""

import contextlib
import os
import re
import threading
from pathlib import Path

from django.db import connection

# The process helpers live in devtools.processes (no Django there), shared with bench/;
# tests import free_port and wait_for from here as before.
from devtools.processes import accepts, free_port, kill, start, wait_for

ROOT = Path(__file__).resolve().parents[1]
CELERY = ROOT / ".venv" / "bin" / "celery"


class Mailbox:
    """An aiosmtpd handler that keeps what it receives. It can hold the next message
    it is given (to kill the worker in the middle of sending it), then refuse it with
    451 so it is never recorded as delivered."""

    def __init__(self, hold_first=False):
        self.messages = []
        self.hold_first = hold_first
        self.holding = threading.Event()
        self.release = threading.Event()

    def hold_next(self, *, after_accepting=False):
        """Hold the next message; with after_accepting, keep it as delivered first (the
        server has it, the worker has not heard 250 yet: the worst moment to die)."""
        self.holding.clear()
        self.release.clear()
        self.hold_first = True
        self.accept_held = after_accepting

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.hold_first and getattr(self, "accept_held", False):
            self.hold_first = False
            self.messages.append(envelope)
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "250 OK"
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
    from django.conf import settings

    return settings.STORAGES["evidence"]["OPTIONS"].get("location", "")


@contextlib.contextmanager
def redis_server(port=None):
    """Our own redis-server on loopback (never the shared one), killed on exit."""
    import redis

    port = port or free_port()
    process = start(["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)

    def ping():
        with contextlib.suppress(redis.exceptions.ConnectionError):
            return client.ping()

    try:
        wait_for(ping, 15, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        kill(process)


S3_TEST_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "tousu-test-key", "AWS_SECRET_ACCESS_KEY": "tousu-test-secret"}


@contextlib.contextmanager
def s3_server(bucket: str, region: str = "us-east-1"):
    """moto's standalone S3 API server on a free loopback port (its own process), with
    `bucket` created and private; yields the endpoint URL. Killed on exit."""
    import boto3

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = start([ROOT / ".venv" / "bin" / "python", "-m", "moto.server", "-H", "127.0.0.1", "-p", port])
    try:
        wait_for(lambda: accepts(port), 30, "moto's S3 server")
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=region,
            aws_access_key_id=S3_TEST_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_TEST_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(Bucket=bucket, ACL="private")
        yield endpoint
    finally:
        kill(process)


def shared_database_url() -> str:
    """The test database, for processes that share it with this one."""
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db.get("PASSWORD") else db["USER"]
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real `celery worker` process on the test database, consuming every queue the
    settings route tasks to (config.settings.CELERY_TASK_ROUTES) unless told otherwise."""

    def __init__(
        self, broker_url, smtp_port, tmp_path, *, env=None, queues=None, name="worker", cwd=ROOT, options=None
    ):
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "integration-test-secret-key",
            "DATABASE_URL": shared_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            # No minute's hold for a moment's messages, as in the test process's own
            # settings: these tests count deliveries (tests/escalation/test_moments.py
            # proves the hold itself).
            "NOTIFICATION_MOMENT_SECONDS": "0",
            # DEBUG is off: the settings insist on a shared cache; the broker's Redis holds it.
            "CACHE_URL": broker_url.rsplit("/", 1)[0] + "/1",
            "TOUSU_VAR_DIR": str(tmp_path),
            # The worker sanitises the uploads this process stored: the same evidence files.
            "EVIDENCE_ROOT": str(_evidence_root()),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **(env or {}),
        }
        self.cwd = cwd
        # Worker options replacing the default solo pool (e.g. the Procfile's prefork child
        # with its time and memory limits, which the solo pool does not apply).
        self.options = options or ["--pool=solo"]
        self.queues = queues or all_queues()
        self.log = tmp_path / f"{name}.log"
        self.process = None
        self._log_start = 0

    def start(self):
        # What earlier (killed) runs logged is not this run's work.
        self._log_start = self.log.stat().st_size if self.log.exists() else 0
        self.process = start(
            [CELERY, "-A", "config", "worker", *self.options, "--loglevel=INFO"]
            + ["-Q", ",".join(self.queues), "-n", f"{self.log.stem}@%h"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=self.cwd,
            env=self.env,
            log=self.log,
        )
        wait_for(lambda: b"ready." in self.log.read_bytes(), 60, f"the celery worker ({self.log})")

    def kill(self):
        kill(self.process)

    def task_log(self) -> dict[str, tuple[str, str]]:
        """{task id: (its last event, what it returned)} for the tasks this run of the
        worker received, read from the lines Celery logs at INFO (celery.app.trace)."""
        tasks = {}
        with self.log.open("rb") as handle:
            handle.seek(self._log_start)
            for line in handle.read().decode(errors="replace").splitlines():
                found = _TASK_LINE.search(line)
                if found:
                    task_id, event, returned = found.group("id", "event", "returned")
                    tasks[task_id] = (event.split()[0].rstrip(":"), returned or "")
        return tasks

    def outcomes(self, task_ids: list[str]) -> list | None:
        """What each task returned (as logged, read back with literal_eval), once all of
        them have succeeded; None before."""
        import ast

        tasks = self.task_log()
        if all(tasks.get(task_id, ("",))[0] == "succeeded" for task_id in task_ids):
            return [ast.literal_eval(tasks[task_id][1]) for task_id in task_ids]
        return None

    def settled(self) -> bool:
        """Every task this run of the worker received has finished (a retry waiting for its
        countdown has not), and none waits in its queues. A killed run's unacknowledged
        message stays in the broker's "unacked" hash until the visibility timeout: not
        this run's work, so not counted."""
        import redis

        if any(event in ("received", "retry") for event, _ in self.task_log().values()):
            return False
        client = redis.Redis.from_url(self.env["CELERY_BROKER_URL"])
        return not any(client.llen(queue) for queue in self.queues)


# "Task escalation.tasks.send_reminder[<uuid>] succeeded in 0.05s: 'sent'", "... received",
# "... retry: Retry in 30s", "... raised unexpected: ...".
_TASK_LINE = re.compile(
    r"Task [\w.]+\[(?P<id>[0-9a-f-]{36})\] (?P<event>received|succeeded in [\d.e-]+s: (?P<returned>.*)|retry:|\w+)"
)


def all_queues() -> list[str]:
    """The default queue and every queue a task is routed to, but `ocr`: reading
    screenshots has its own worker, as in the Procfile (tests/test_reading_queue.py)."""
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return ["celery", *sorted(routed - {"celery", "ocr"})]


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


class Web:
    """A gunicorn process serving config.wsgi on a free loopback port, on the test database,
    started in `directory` (its working directory, with its own TOUSU_VAR_DIR and control
    socket) and configured only through `env`, as a deployment would."""

    def __init__(self, directory: Path, env: dict, *, name="web"):
        directory.mkdir(parents=True, exist_ok=True)
        self.directory, self.name = directory, name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "integration-test-secret-key",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": self.url,
            "NOTIFICATION_MOMENT_SECONDS": "0",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": shared_database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "TOUSU_VAR_DIR": str(directory / "var"),
            **env,
        }
        self.log = directory / f"{name}.log"
        self.process = None

    def start(self):
        import urllib.request

        self.process = start(
            [ROOT / ".venv" / "bin" / "gunicorn", "config.wsgi", "--workers", "1"]
            + ["--bind", f"127.0.0.1:{self.port}", "--control-socket", self.directory / "gunicorn.ctl"],
            cwd=self.directory,
            env=self.env,
            log=self.log,
        )

        def healthy():
            with contextlib.suppress(OSError), urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                return response.status == 200

        wait_for(healthy, 60, f"gunicorn {self.name} ({self.log})", interval=0.25)

    def kill(self):
        kill(self.process)


def ocr_backlog(evidence, count: int) -> list[int]:
    """`count` READY evidence rows that share the sanitised files of `evidence` (a real
    screenshot), each then published as a real `reading.read_evidence` task on the `ocr`
    queue, as complaints.evidence_pipeline.process_evidence does once an upload is sanitised.
    Sanitising a hundred uploads first would take a minute of the images worker; the
    reading is what is measured. Returns the new rows' ids, in publishing order."""
    from complaints.models import Evidence
    from core.publishing import publish_by_name

    rows = Evidence.objects.bulk_create(
        Evidence(
            owner_id=evidence.owner_id,
            state=Evidence.State.READY,
            file=evidence.file.name,
            thumbnail=evidence.thumbnail.name,
            original_name=f"order{number}.jpg",
            content_type=evidence.content_type,
            sha256=evidence.sha256,
            size=evidence.size,
            width=evidence.width,
            height=evidence.height,
        )
        for number in range(count)
    )
    for row in rows:
        publish_by_name("reading.read_evidence", row.pk)
    return [row.pk for row in rows]
