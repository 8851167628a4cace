"""Every benchmark at its smoke size: the same code path with tiny counts, in seconds, so
a change that breaks a benchmark fails CI (`make bench-smoke`, run by .ci/run) instead of
being found months later.

    .venv/bin/python bench/smoke.py              # all of them, one after another
    .venv/bin/python bench/smoke.py sweep filing # some of them

Each benchmark reads BENCH_SMOKE=1 (through `sized` below) and picks its smoke counts;
its checks and asserts run as at full size, so a wrong count, a 5xx or a traceback fails
the run. The benchmarks that need a database of their own (sweep, staff queue) get a
fresh PostgreSQL database from this runner, dropped afterwards; the HTTP ones bring up
bench/harness.py's stack (the Procfile's processes) themselves. The figures a smoke run
prints mean nothing: the counts are far too small.

Lighthouse needs its Node packages (`cd bench/lighthouse && npm ci`) and Debian's chromium:
without them the runner fails, unless BENCH_SMOKE_SKIP names it (e.g.
BENCH_SMOKE_SKIP=lighthouse on a machine without Node).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]


def smoke() -> bool:
    """This run is a smoke run (BENCH_SMOKE=1)."""
    return os.environ.get("BENCH_SMOKE") == "1"


def sized(full, small):
    """`small` in a smoke run, else `full`."""
    return small if smoke() else full


# name: (script and arguments, needs a database of its own). Sizes come from BENCH_SMOKE.
BENCHMARKS = {
    "workdays": (["bench/workdays_bench.py"], False),
    "image": (["bench/image_bench.py"], False),
    "ocr": (["bench/ocr_bench.py"], False),
    "hostile_ocr": (["bench/hostile_ocr.py"], False),
    "blur_proof": (["bench/blur_proof.py"], False),
    "layouts": (["bench/layout_bench.py"], False),
    "sweep": (["bench/sweep_bench.py"], True),
    "staff_queue": (["bench/staff_queue_bench.py"], True),
    "ocr_queue": (["bench/ocr_queue_bench.py"], False),
    "filing": (["bench/filing_bench.py"], False),
    "filing_profile": (["bench/filing_profile.py"], False),
    "load": (["bench/load_test.py"], False),
    "lighthouse": (["bench/lighthouse_bench.py"], False),
    # Makes and drops a database of its own (wt_api_bench).
    "api_list": (["bench/api_list_bench.py", "--smoke", "--requests", "20", "--answers", "5", "--drop"], False),
}


def run(name: str) -> tuple[int, float]:
    script, own_database = BENCHMARKS[name]
    env = {**os.environ, "BENCH_SMOKE": "1"}
    database = f"tousu_bench_smoke_{name}_{os.getpid()}"
    if own_database:
        subprocess.run(["createdb", *PG, database], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
    started = time.monotonic()
    try:
        returncode = subprocess.run([str(PYTHON), *script], cwd=ROOT, env=env, timeout=600).returncode
    except subprocess.TimeoutExpired:
        returncode = -1
    finally:
        if own_database:
            subprocess.run(["dropdb", *PG, "--if-exists", "--force", database], check=False)
    return returncode, time.monotonic() - started


def main(names: list[str]) -> int:
    skipped = {name for name in os.environ.get("BENCH_SMOKE_SKIP", "").split(",") if name}
    unknown = (set(names) | skipped) - set(BENCHMARKS)
    if unknown:
        sys.exit(f"unknown benchmarks {sorted(unknown)}; known: {', '.join(BENCHMARKS)}")
    started = time.monotonic()
    outcomes = {}
    for name in names or BENCHMARKS:
        if name in skipped:
            print(f"=== {name}: skipped (BENCH_SMOKE_SKIP)", flush=True)
            continue
        print(f"=== {name}", flush=True)
        outcomes[name] = run(name)
        print(f"=== {name}: {'ok' if outcomes[name][0] == 0 else 'FAILED'} in {outcomes[name][1]:.0f} s", flush=True)
    failed = [name for name, (code, _seconds) in outcomes.items() if code]
    summary = ", ".join(f"{name} {seconds:.0f} s" for name, (_code, seconds) in outcomes.items())
    print(f"bench smoke: {len(outcomes) - len(failed)} of {len(outcomes)} passed in {time.monotonic() - started:.0f} s"
          f" ({summary}){'; FAILED: ' + ', '.join(failed) if failed else ''}")  # fmt: skip
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
