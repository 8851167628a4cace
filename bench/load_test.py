"""Load test: 200 simulated consumers for 60 s against the Procfile's stack (bench/harness.py).

    make bench-install
    .venv/bin/python bench/load_test.py                      # 200 users, spawn 10/s, 60 s
    .venv/bin/python bench/load_test.py --users 50 --duration 30 --commit HEAD

Brings up bench/harness.py's stack (fresh PostgreSQL database, own redis-server, every
process of the Procfile: gunicorn --workers 2, the worker, images, ocr and beat; DEBUG off) with one verified account per simulated person,
and runs locust headless (bench/load/locustfile.py) against it: each person signs in
through allauth's login form, then loops over home, my complaints, a complaint of theirs,
the channels directory, and filing a complaint with 1-3 phone screenshots.

Afterwards it checks, and exits non-zero when either fails:
1. no 5xx answer at all (locust's failure table and every status code seen);
2. complaints stored == successful submissions (submit POSTs answered with a 302 to
   /complaints/TS-...), and every reference named in those answers exists.
It prints requests/s, p50/p95/p99 per request name, failures, and how long the Celery
worker took after the test to finish the evidence still pending.

The load generator runs on the same machine as the stack, so it takes CPU from it.

Smoke size (BENCH_SMOKE=1, bench/smoke.py): 3 users for 10 s, 10 screenshots, the same
checks (the users sign in, look around and file before it ends).
"""

import argparse
import contextlib
import json
import math
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import BIN, ROOT, bench_stack, busy_cpu, export_commit, screenshot_files
from smoke import sized

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
SUBMIT = "complaint submit"
FIVE_XX = re.compile(r"code=5\d\d|HTTP 5\d\d|5\d\d Server Error")


def run_locust(stack, out: Path, shots: list, *, users: int, spawn_rate: float, duration: int, stop_timeout: int):
    users_file, results_file = out / "users.json", out / "results.json"
    users_file.write_text(json.dumps(stack.users))
    platforms = stack.sql(
        "SELECT id, order_number_kind FROM complaints_platform WHERE slug IN ('pinduoduo', 'taobao') ORDER BY slug"
    )
    env = {
        **stack.env,
        "BENCH_USERS_FILE": str(users_file),
        "BENCH_SCREENSHOT_DIR": str(shots[0].parent),
        "BENCH_PLATFORMS": json.dumps(platforms),
        "BENCH_RESULTS_FILE": str(results_file),
    }
    command = [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--host", stack.base_url]
    command += ["-u", str(users), "-r", str(spawn_rate), "-t", f"{duration}s", "--stop-timeout", str(stop_timeout)]
    command += ["--only-summary", "--loglevel", "WARNING"]
    log = out / "locust.log"
    started, cpu_before = time.monotonic(), _children_cpu()
    with log.open("wb") as output:
        finished = subprocess.run(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, timeout=duration + stop_timeout + 120
        )
    results = {"stats": [], "errors": [], "filed": [], "status_codes": {}}
    if results_file.exists():
        results = json.loads(results_file.read_text())
    return {
        "returncode": finished.returncode,
        "seconds": time.monotonic() - started,
        "locust_cpu": _children_cpu() - cpu_before,
        **results,
        "log": log.read_text(errors="replace"),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settle_count(stack, timeout: float = 30) -> int:
    """Complaints stored, once the count has stopped changing for 2 s (a request the
    server was still finishing when locust exited would still land)."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        count = stack.scalar("SELECT count(*) FROM complaints_complaint")
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= 2:
            break
        time.sleep(0.2)
    return last


def drain(stack, since: float, timeout: float) -> tuple[float | None, dict | None]:
    """Seconds from `since` until no evidence is pending and every email is sent (None if
    not within `timeout`), and the evidence states (None when evidence has no state)."""
    while time.monotonic() - since < timeout:
        states = stack.evidence_states()
        unsent = stack.scalar("SELECT count(*) FROM notifications_outboundemail WHERE status <> 'sent'")
        if not (states or {}).get("pending") and not unsent:
            return time.monotonic() - since, states
        time.sleep(0.25)
    return None, stack.evidence_states()


def request_name(method: str, path: str) -> str:
    """The locustfile's name for a request the access log shows."""
    if path.startswith("/accounts/login/"):
        return "login POST" if method == "POST" else "login form"
    if path == "/complaints/new/":
        return "complaint submit" if method == "POST" else "complaint form"
    if path.startswith("/complaints/TS-"):
        return "complaint detail"
    return {"/": "home", "/complaints/": "my complaints", "/channels/": "channels"}.get(path, path)


def in_worker(served: list) -> dict:
    """Per request name: p50 and p95 of the time spent inside a gunicorn worker."""
    times: dict = {}
    for method, path, _status, ms in served:
        times.setdefault(request_name(method, path), []).append(ms)
    times["Aggregated"] = [ms for *_, ms in served]
    return {name: (_percentile(values, 50), _percentile(values, 95)) for name, values in times.items() if values}


def _percentile(values: list, p: float) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description="Locust load test against the Procfile's stack (bench/harness.py).")
    parser.add_argument("--users", type=int, default=sized(200, 3), help="simulated consumers (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=sized(10, 3), help="users started per second (default 10)")
    parser.add_argument("--duration", type=int, default=sized(60, 10), help="seconds, ramp-up included (default 60)")
    parser.add_argument("--stop-timeout", type=int, default=sized(120, 20), help="seconds users get to finish a step")
    parser.add_argument("--drain-timeout", type=int, default=600, help="seconds to wait for pending evidence")
    parser.add_argument("--commit", help="run the app as committed at this revision (git archive), not the tree")
    parser.add_argument("--keep-logs", action="store_true", help="keep the stack's and locust's files (temp dir)")
    parser.add_argument(
        "--worker-concurrency", type=int, default=2, help="WORKER_CONCURRENCY and IMAGES_CONCURRENCY (default 2)"
    )
    args = parser.parse_args()
    if not (1 <= args.users <= 1000 and 1 <= args.duration <= 900):
        parser.error("keep it bounded: at most 1,000 users and 900 s")

    shots = screenshot_files(sized(300, 10))
    with contextlib.ExitStack() as exits:
        app_dir = None
        if args.commit:
            export = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="tousu-bench-app-")))
            app_dir = export_commit(args.commit, export)
        stack = exits.enter_context(
            bench_stack(
                users=args.users, app_dir=app_dir, keep_dir=args.keep_logs, worker_concurrency=args.worker_concurrency
            )
        )
        out = stack.log_dir / "locust"
        out.mkdir()
        print(
            f"locust: {args.users} users, spawn rate {args.spawn_rate}/s, {args.duration} s, think time 1-3 s, "
            f"against {stack.base_url}; CPU busy with other work before: {busy_cpu():.0f}%",
            flush=True,
        )
        load = run_locust(
            stack,
            out,
            shots,
            users=args.users,
            spawn_rate=args.spawn_rate,
            duration=args.duration,
            stop_timeout=args.stop_timeout,
        )
        ended = time.monotonic()
        states_at_end = stack.evidence_states()
        pending_at_end = None if states_at_end is None else states_at_end.get("pending", 0)
        stored = settle_count(stack)
        drained_after, states = drain(stack, ended, args.drain_timeout)
        worker_times = in_worker(stack.served())
        known = stack.scalar("SELECT count(*) FROM complaints_complaint WHERE reference = ANY(%s)", [load["filed"]])
        evidence_rows = stack.scalar("SELECT count(*) FROM complaints_evidence WHERE complaint_id IS NOT NULL")
        mails = stack.mails_written()
        tracebacks = stack.tracebacks()

    submit = next((row for row in load["stats"] if row["name"] == SUBMIT), {"requests": 0, "failures": 0})
    succeeded = submit["requests"] - submit["failures"]
    five_xx_failures = [f for f in load["errors"] if FIVE_XX.search(f["error"])]
    five_xx_codes = {k: v for k, v in load["status_codes"].items() if re.search(r" 5\d\d$", k)}
    filed = load["filed"]

    print()
    print(
        f"locust ran {load['seconds']:.0f} s (exit {load['returncode']}), using {load['locust_cpu']:.0f} CPU-s of the "
        f"2 cores; app: {args.commit or 'working tree'}"
    )
    print("| request | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms | in worker p50/p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in load["stats"]:
        worker = worker_times.get(row["name"], ("—", "—"))
        print(
            f"| {row['name']} | {row['requests']} | {row['failures']} | {row['rps']:.1f} "
            f"| {row['p50']} | {row['p95']} | {row['p99']} | {row['max']:.0f} | {worker[0]}/{worker[1]} |"
        )
    print("(p50..max: as the simulated browser saw it, queueing included; in worker: gunicorn's own time)")
    if load["errors"]:
        print("failures:")
        for failure in load["errors"]:
            print(f"  {failure['occurrences']} x {failure['error']}")
    print(f"status codes: {json.dumps(load['status_codes'], sort_keys=True)}")
    print(
        f"successful submissions (302 to /complaints/TS-...): {succeeded} (locust stats), {len(filed)} references "
        f"recorded, {known} of them in the database; complaints stored: {stored}; evidence rows filed: "
        f"{evidence_rows}; emails written: {mails}"
    )
    print(
        f"evidence pending when locust stopped: {pending_at_end if states is not None else 'n/a (no state)'}; "
        f"evidence and emails done {'not within the timeout' if drained_after is None else f'{drained_after:.1f} s'}"
        f" after the test; evidence states: {states}"
    )

    problems = []
    if five_xx_failures or five_xx_codes:
        problems.append(f"5xx answers: {five_xx_codes or [f['error'] for f in five_xx_failures]}")
    if not (stored == succeeded == len(filed) == known):
        problems.append(
            f"complaints stored ({stored}) != successful submissions ({succeeded} in stats, {len(filed)} recorded, "
            f"{known} found)"
        )
    # locust exits 1 when any request failed; failures are judged above.
    if not load["stats"] or load["returncode"] not in (0, 1):
        problems.append(f"locust exited {load['returncode']}:\n{load['log'][-3000:]}")
    if tracebacks:
        print(f"{len(tracebacks)} tracebacks in the stack's logs; the first:\n{tracebacks[0]}")
    print("checks: " + ("passed" if not problems else "FAILED: " + "; ".join(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
