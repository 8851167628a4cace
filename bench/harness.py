"""The Procfile's Tousu stack on loopback, for benchmarks that go through HTTP.

    with bench_stack(users=100) as stack:
        stack.base_url          # gunicorn, 2 sync workers, DEBUG off
        stack.users             # [(email, password)], verified, ready to sign in
        stack.sql("SELECT count(*) FROM complaints_complaint")

What it brings up, all on 127.0.0.1 and all torn down at the end:

- a fresh PostgreSQL database (dropdb --if-exists, createdb; dropped again at the end),
  migrated, `manage.py setup_tousu`, `collectstatic` (DEBUG off serves hashed static
  names from a manifest, as in production; collected once per set of static sources and
  copied from a cache under the temp dir after that);
- its own `redis-server` on a free port (never the shared one on 6379): Celery broker
  on db 0, Django cache on db 1 (rate limits shared by the web workers, as in production);
- every process of the Procfile, each from its own line (devtools.processes.procfile), so
  the stack is the one a deployment runs: `web` (gunicorn -c gunicorn.conf.py, the
  Procfile's WEB_CONCURRENCY=2 workers), `worker` (queues celery and email), `images`
  (sanitising screenshots), `ocr` (reading them) and `beat` (the periodic sweeps). Three
  changes only, all to keep it on this machine's loopback: gunicorn binds 127.0.0.1 on a
  free port with its own control socket and writes its access log (the Procfile's format,
  with the time spent in the worker) to a file; beat keeps its schedule under the
  temporary TOUSU_VAR_DIR. `omit=("ocr",)` leaves processes out, for profiling one part;
- mail through Django's file backend (EMAIL_URL=filemail://...) under the temp dir;
- DEBUG off with a random SECRET_KEY; SECURE_SSL_REDIRECT and SECURE_COOKIES off (the
  benchmark speaks plain HTTP on loopback; everything else is the production default);
- evidence and all other state under a temporary TOUSU_VAR_DIR;
- `users` consumer accounts with verified email addresses, bulk-inserted in one
  `manage.py shell` (one password hash, Django's default PBKDF2, shared by all).

Everything not listed keeps its production default, including RATE_LIMIT_FILING (10 per
user per hour: benchmarks spread filings over enough accounts). The one override is
RATE_LIMIT_LOGIN: every simulated person signs in from 127.0.0.1, so the per-IP login
limit (30/m/ip) is raised; pass `env={...}` to change any setting.

The app can run from another directory than this checkout (`app_dir`, e.g. from
`export_commit("HEAD", into)`, a `git archive` of a commit into a directory), so a
benchmark can measure committed code while the working tree is being edited.

Run `python bench/harness.py --hold 120` to bring the stack up, print its URL and
accounts, and keep it up for at most that many seconds.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
USER_PASSWORD = "pw-Bench-Tousu-2026"
LOGIN_RATE = "100000/m/ip"

_CREATE_USERS = """
import os
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from accounts.models import Profile

User = get_user_model()
count = int(os.environ["BENCH_USERS"])
password = make_password(os.environ["BENCH_PASSWORD"])
emails = [f"bench{i:05d}@bench.tousu.test" for i in range(count)]
with transaction.atomic():
    users = User.objects.bulk_create(
        [User(username=email, email=email, password=password) for email in emails], batch_size=2000
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=2000
    )
    Profile.objects.bulk_create(
        [Profile(user=u, display_name=f"测试用户{i}", phone=f"+86139{i:08d}") for i, u in enumerate(users)],
        batch_size=2000,
    )
print(len(users))
"""


# gunicorn.conf.py's access_log_format: '... "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms ...'.
_ACCESS_LINE = re.compile(r'"([A-Z]+) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')


sys.path.insert(0, str(ROOT))
from screenshots import phone_screenshot  # noqa: E402  (bench/ is on sys.path: scripts run from it)

from devtools.processes import Processes, accepts, free_port, http_ok, procfile, wait_for  # noqa: E402

# The Procfile's process names, and what each Celery process logs once it is up.
CELERY_WORKERS = ("worker", "images", "ocr")


def busy_cpu(seconds: float = 1.0) -> float:
    """Share of the machine's CPU time (all cores, %) spent busy over `seconds`: taken while
    the stack is idle, it is the load other work puts on the machine."""

    def sample():
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait

    total_0, idle_0 = sample()
    time.sleep(seconds)
    total_1, idle_1 = sample()
    return 100.0 * (1 - (idle_1 - idle_0) / max(1, total_1 - total_0))


# --- Screenshots -------------------------------------------------------------


def screenshot_files(count: int, directory: Path | None = None) -> list[Path]:
    """`count` distinct screenshot PNGs (seeds 0..count-1), generated once and kept in
    `directory` (default: a cache under the system temp dir) for later runs."""
    directory = Path(directory or Path(tempfile.gettempdir()) / "tousu-bench-screenshots-v1")
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    started = time.monotonic()
    made = 0
    for seed in range(count):
        path = directory / f"shot-{seed:05d}.png"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(phone_screenshot(seed))
            tmp.rename(path)
            made += 1
        paths.append(path)
    if made:
        print(f"generated {made} screenshots in {time.monotonic() - started:.1f} s ({directory})", flush=True)
    return paths


# --- App code to run ---------------------------------------------------------


def export_commit(rev: str, into: Path) -> Path:
    """A copy of the tree at `rev` (`git archive`, read-only for the repository), with
    its translations compiled, to run the stack from while the working tree changes."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    _compile_messages(into)
    return into


def _compile_messages(app_dir: Path) -> None:
    for catalogue in app_dir.glob("**/locale/*/LC_MESSAGES/django.po"):
        subprocess.run(
            [str(BIN / "pybabel"), "compile", "-D", "django", "-d", str(catalogue.parents[2])],
            check=True,
            capture_output=True,
        )


# --- The stack ---------------------------------------------------------------


@dataclass
class Stack:
    base_url: str
    database_url: str
    broker_url: str
    db_name: str
    var_dir: Path
    log_dir: Path
    app_dir: Path
    env: dict
    users: list = field(default_factory=list)
    pids: dict = field(default_factory=dict)  # Procfile process name -> pid (its process group)
    _conn: object = None

    def sql(self, query: str, params=None) -> list:
        """Rows of one read query on the bench database (autocommit: always fresh)."""
        if self._conn is None or self._conn.closed:
            import psycopg2

            self._conn = psycopg2.connect(dbname=self.db_name, **PG)
            self._conn.autocommit = True
        with self._conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()

    def scalar(self, query: str, params=None):
        return self.sql(query, params)[0][0]

    def has_column(self, table: str, column: str) -> bool:
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                [table, column],
            )
        )

    def evidence_states(self) -> dict | None:
        """{state: rows} when evidence has a processing state (sanitised by Celery), else None."""
        if not self.has_column("complaints_evidence", "state"):
            return None
        return dict(self.sql("SELECT state, count(*) FROM complaints_evidence GROUP BY state"))

    def evidence_files_on_disk(self) -> int:
        root = self.var_dir / "private" / "evidence"
        return sum(1 for path in root.rglob("*") if path.is_file()) if root.exists() else 0

    def evidence_objects_in_bucket(self) -> int | None:
        if "EVIDENCE_S3_BUCKET" not in self.env:
            return None
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.env["EVIDENCE_S3_ENDPOINT_URL"],
            region_name=self.env["EVIDENCE_S3_REGION"],
            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"],
        )
        count = 0
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.env["EVIDENCE_S3_BUCKET"]):
            count += page.get("KeyCount", 0)
        return count

    def mails_written(self) -> int:
        """Messages the file mail backend wrote (one file may hold several: it appends
        what one connection sends within a second)."""
        mail_dir = self.var_dir / "mail"
        if not mail_dir.exists():
            return 0
        return sum(path.read_bytes().count(b"\nMessage-ID: ") for path in mail_dir.iterdir())

    def cpu_seconds(self, name: str) -> float:
        """CPU seconds (user + system) used so far by the live processes of one Procfile
        process's group (gunicorn's master and workers, a Celery master and its pool):
        unlike wall time, it hardly moves with other work on the machine."""
        group, tick = self.pids.get(name), os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[2]) == group:  # fields after the name: state, ppid, pgrp, ..., utime at 11, stime at 12
                    total += int(fields[11]) + int(fields[12])
        return total / tick

    def served(self) -> list[tuple[str, str, int, int]]:
        """(method, path, status, milliseconds inside a gunicorn worker) per request so far,
        from the access log: time in the worker, without time queued for a free worker."""
        log = self.log_dir / "access.log"
        if not log.exists():
            return []
        return [
            (method, path, int(status), int(ms))
            for method, path, status, ms in _ACCESS_LINE.findall(log.read_text(errors="replace"))
        ]

    def tracebacks(self) -> list[str]:
        """Every Python traceback in the web and worker logs, whole (up to its exception line)."""
        found = []
        for log in sorted(self.log_dir.glob("*.log")):
            block = None
            for line in log.read_text(errors="replace").splitlines():
                if line.startswith("Traceback (most recent call last)"):
                    block = [f"[{log.name}]", line]
                elif block is not None:
                    block.append(line)
                    if line and not line[0].isspace():
                        found.append("\n".join(block))
                        block = None
        return found

    def close(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self._conn.close()


def _run(args: list, *, env: dict, cwd: Path, log: Path, timeout: float) -> str:
    with log.open("ab") as out:
        out.write(f"$ {' '.join(map(str, args))}\n".encode())
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, timeout=timeout)
    with log.open("ab") as out:
        out.write(result.stdout + result.stderr)
    if result.returncode:
        raise RuntimeError(f"{' '.join(map(str, args[:3]))} failed ({result.returncode}); see {log}")
    return result.stdout.decode()


def _collect_static(app_dir: Path, env: dict, log: Path) -> None:
    """`collectstatic` into the stack's TOUSU_VAR_DIR, through a cache: compressing every
    file takes 15 s of CPU, and its output depends only on the static sources and the
    pinned packages (Django's admin, xstatic Bootstrap), so the same sources are collected
    once under the temp dir and copied for every later stack."""
    digest = hashlib.sha256((app_dir / "requirements.txt").read_bytes())
    for path in sorted([*app_dir.glob("static/**/*"), *app_dir.glob("*/static/**/*")]):
        if path.is_file():
            digest.update(str(path.relative_to(app_dir)).encode() + b"\0" + path.read_bytes())
    cache = Path(tempfile.gettempdir()) / f"tousu-bench-static-{digest.hexdigest()[:16]}"
    if not cache.exists():
        staging = Path(tempfile.mkdtemp(prefix="tousu-bench-static-"))
        manage = [str(BIN / "python"), "manage.py", "collectstatic", "--noinput"]
        _run(manage, env={**env, "TOUSU_VAR_DIR": str(staging)}, cwd=app_dir, log=log, timeout=300)
        with contextlib.suppress(OSError):  # another run filled the cache meanwhile
            (staging / "staticfiles").rename(cache)
        shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(cache, Path(env["TOUSU_VAR_DIR"]) / "staticfiles")


def _pg_command(name: str, *args: str) -> list:
    return [name, "-h", PG["host"], "-p", str(PG["port"]), "-U", PG["user"], *args]


def procfile_commands(
    app_dir: Path, env: dict, web_port: int, tmp: Path, web_workers: int, worker_concurrency: int, wsgi: str
) -> dict[str, list[str]]:
    """The Procfile's processes as the stack runs them: the Procfile's own commands, from
    .venv/bin, with the loopback changes the module docstring lists."""
    commands = procfile(
        app_dir / "Procfile",
        {
            **env,
            "PORT": str(web_port),
            "WEB_CONCURRENCY": str(web_workers),
            "WORKER_CONCURRENCY": str(worker_concurrency),
            "IMAGES_CONCURRENCY": str(worker_concurrency),
        },
    )
    for name, args in commands.items():
        args[0] = str(BIN / args[0])
        if name == "web":
            args[args.index("--bind") + 1] = f"127.0.0.1:{web_port}"
            args[args.index("config.wsgi")] = wsgi
            # Our own control socket (the default is one per machine user, shared with any
            # other gunicorn), and the access log in a file: its %(M)s is the time each
            # request spent in its worker, to tell it from time spent queueing.
            args += [
                "--control-socket",
                str(tmp / "gunicorn.ctl"),
                "--access-logfile",
                str(tmp / "logs" / "access.log"),
            ]
        if "--schedule" in args:
            args[args.index("--schedule") + 1] = str(Path(env["TOUSU_VAR_DIR"]) / "celerybeat-schedule")
    return commands


@contextlib.contextmanager
def bench_stack(
    users: int = 100,
    *,
    db_name: str = "tousu_bench_http",
    web_workers: int = 2,
    worker_concurrency: int = 2,
    app_dir: Path | None = None,
    env: dict | None = None,
    keep_dir: bool = False,
    evidence: str = "local",
    omit: tuple[str, ...] = (),
    wsgi: str = "config.wsgi",
    say=print,
):
    """Bring the stack up, yield a Stack, tear everything down (also on errors).

    evidence="s3" puts evidence in a bucket of moto's S3 server (its own process on a free
    port), configured through EVIDENCE_S3_* as a deployment would; "local" keeps it under
    the temporary TOUSU_VAR_DIR. `worker_concurrency` is the Procfile's WORKER_CONCURRENCY
    and IMAGES_CONCURRENCY; `omit` names Procfile processes not to start; `wsgi` is the
    module gunicorn serves instead of the Procfile's config.wsgi (a profiling wrapper)."""
    if evidence not in ("local", "s3"):
        raise ValueError(evidence)
    app_dir = Path(app_dir or ROOT).resolve()
    if not (app_dir / "manage.py").exists():
        raise FileNotFoundError(f"no manage.py in {app_dir}")
    if not list(app_dir.glob("locale/*/LC_MESSAGES/django.mo")):
        say("warning: translations are not compiled (run `make compile-messages`); pages show English")
    tmp = Path(tempfile.mkdtemp(prefix="tousu-bench-stack-"))
    var_dir, log_dir = tmp / "var", tmp / "logs"
    for directory in (var_dir / "mail", log_dir):
        directory.mkdir(parents=True)
    redis_port, web_port = free_port(), free_port()
    base_url = f"http://127.0.0.1:{web_port}"
    database_url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db_name}"
    broker_url = f"redis://127.0.0.1:{redis_port}/0"
    stack_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "PYTHONPATH": str(app_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": base_url,
        "SITE_URL": base_url,
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        # django-environ drops the first "/" of a filemail path: four slashes for an absolute one.
        "EMAIL_URL": f"filemail:///{var_dir / 'mail'}",
        "TOUSU_VAR_DIR": str(var_dir),
        "RATE_LIMIT_LOGIN": LOGIN_RATE,
        **(env or {}),
    }
    stack = Stack(base_url, database_url, broker_url, db_name, var_dir, log_dir, app_dir, stack_env)
    processes = Processes()
    db_created = False
    started = time.monotonic()
    try:
        subprocess.run(_pg_command("dropdb", "--if-exists", "--force", db_name), check=True, capture_output=True)
        subprocess.run(_pg_command("createdb", db_name), check=True, capture_output=True)
        db_created = True

        processes.start(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            log=log_dir / "redis.log",
            env=stack_env,
            cwd=tmp,
        )
        wait_for(lambda: accepts(redis_port), 15, "redis-server")
        if evidence == "s3":
            stack_env.update(_start_s3(processes, log_dir, stack_env, tmp))

        manage = [str(BIN / "python"), "manage.py"]
        setup_log = log_dir / "setup.log"
        _run([*manage, "migrate", "--noinput"], env=stack_env, cwd=app_dir, log=setup_log, timeout=600)
        _run([*manage, "setup_tousu"], env=stack_env, cwd=app_dir, log=setup_log, timeout=300)
        _collect_static(app_dir, stack_env, setup_log)
        if users:
            created = _run(
                [*manage, "shell", "-c", _CREATE_USERS],
                env={**stack_env, "BENCH_USERS": str(users), "BENCH_PASSWORD": USER_PASSWORD},
                cwd=app_dir,
                log=setup_log,
                timeout=300,
            )
            assert int(created.strip().splitlines()[-1]) == users, created
            stack.users = [(f"bench{i:05d}@bench.tousu.test", USER_PASSWORD) for i in range(users)]

        for name, args in procfile_commands(
            app_dir, stack_env, web_port, tmp, web_workers, worker_concurrency, wsgi
        ).items():
            if name not in omit:
                stack.pids[name] = processes.start(
                    name, args, log=log_dir / f"{name}.log", env=stack_env, cwd=app_dir
                ).pid
        for name in CELERY_WORKERS:
            if name not in omit:
                log = log_dir / f"{name}.log"
                wait_for(lambda log=log: b" ready." in log.read_bytes(), 90, f"the Celery {name} process ({log})")
        if "web" not in omit:
            wait_for(lambda: http_ok(base_url + "/"), 90, f"gunicorn ({log_dir / 'web.log'})", interval=0.25)
        names = [name for name, _process in processes.running]
        say(
            f"stack up in {time.monotonic() - started:.1f} s (CPU busy with other work: {busy_cpu():.0f}%): {base_url}, "
            f"PostgreSQL {db_name}, processes {', '.join(names)} (gunicorn --workers {web_workers}, Celery "
            f"worker and images --concurrency={worker_concurrency}), {users} users, app {app_dir}, logs {log_dir}"
        )
        if processes.exited():
            raise RuntimeError(f"exited: {processes.exited()}; logs in {log_dir}")
        yield stack
    finally:
        stack.close()
        processes.stop_all()
        if db_created:
            subprocess.run(_pg_command("dropdb", "--if-exists", "--force", db_name), capture_output=True)
        if keep_dir:
            say(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


S3_BUCKET = "tousu-bench-evidence"


def _start_s3(processes: Processes, log_dir: Path, env: dict, cwd: Path) -> dict:
    """moto's S3 server with an empty private bucket; returns the environment that points at it."""
    import boto3

    port = free_port()
    processes.start(
        "moto s3",
        [str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        log=log_dir / "s3.log",
        env=env,
        cwd=cwd,
    )
    wait_for(lambda: accepts(port), 30, "moto's S3 server")
    s3_env = {
        "EVIDENCE_S3_BUCKET": S3_BUCKET,
        "EVIDENCE_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "EVIDENCE_S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
    }
    boto3.client(
        "s3",
        endpoint_url=s3_env["EVIDENCE_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench-secret",
    ).create_bucket(Bucket=S3_BUCKET, ACL="private")
    return s3_env


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--hold", type=float, default=60, help="seconds to keep the stack up (at most 3600)")
    parser.add_argument("--commit", help="run the app as committed at this revision (git archive)")
    args = parser.parse_args()
    with contextlib.ExitStack() as exits:
        app_dir = None
        if args.commit:
            export = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="tousu-bench-app-")))
            app_dir = export_commit(args.commit, export)
        stack = exits.enter_context(bench_stack(users=args.users, app_dir=app_dir))
        print(json.dumps({"url": stack.base_url, "users": stack.users[:3], "logs": str(stack.log_dir)}, indent=1))
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(min(args.hold, 3600))
    sys.exit(0)


if __name__ == "__main__":
    main()
