"""Real processes on loopback, for tests (tests/services.py) and benchmarks (bench/):
a free port, waiting for something to come up, starting a process in its own session
with its output in a log, stopping it, and reading the Procfile's process lines.

Each process starts in a session of its own (its process group), so stopping it stops
whatever it forked too: gunicorn's and Celery's worker children die with their master,
and nothing else on the machine is touched."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    """predicate()'s first true value, polled every `interval` seconds; AssertionError
    after `timeout` seconds (a test fails on it, a benchmark stops)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def accepts(port: int, host: str = "127.0.0.1") -> bool:
    """Something listens on host:port."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_ok(url: str, timeout: float = 5) -> bool:
    """A GET of `url` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def start(args: list, *, env: dict | None = None, cwd: Path | None = None, log: Path | None = None) -> subprocess.Popen:
    """`args` in a new session, stdout and stderr appended to `log` (discarded without one)."""
    output: IO[bytes] | int = log.open("ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            [str(arg) for arg in args],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        if not isinstance(output, int):
            output.close()  # the child holds its own copy


def kill(process: subprocess.Popen | None) -> None:
    """SIGKILL the process's session at once (a crash, as tests of lost work need)."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen | None, grace: float = 20) -> None:
    """SIGTERM the process's session (a warm shutdown: Celery finishes its task, gunicorn
    its requests), SIGKILL it after `grace` seconds."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        kill(process)


class Processes:
    """The processes one run started, by name, stopped in reverse order."""

    def __init__(self):
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list, **options) -> subprocess.Popen:
        process = start(args, **options)
        self.running.append((name, process))
        return process

    def exited(self) -> list[tuple[str, int]]:
        """(name, exit code) of each process that is no longer running."""
        return [(name, process.returncode) for name, process in self.running if process.poll() is not None]

    def stop_all(self, grace: float = 20) -> None:
        """SIGTERM every process at once (each shuts down warm in parallel, not one after
        another), newest first; SIGKILL whatever still runs after `grace` seconds."""
        for _name, process in reversed(self.running):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _name, process in reversed(self.running):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                kill(process)
        self.running.clear()


_VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def procfile(path: Path = ROOT / "Procfile", env: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """Each line of the Procfile: its process name and its command as arguments, with
    ${NAME:-default} replaced from `env` (os.environ by default) as honcho does."""
    variables: Mapping[str, str] = os.environ if env is None else env
    commands = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, command = line.partition(":")
        expanded = _VARIABLE.sub(lambda m: variables.get(m.group(1), m.group(2) or ""), command)
        commands[name.strip()] = expanded.split()
    return commands
