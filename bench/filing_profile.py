"""Where a filing's time goes inside gunicorn: pyinstrument on each filing POST.

    make bench-install
    .venv/bin/python bench/filing_profile.py --commit HEAD                 # 100 filings, 1 client
    .venv/bin/python bench/filing_profile.py --commit HEAD --omit ocr      # without the ocr worker

Brings up bench/harness.py's stack with gunicorn serving bench/profiling_wsgi.py (Django
with pyinstrument around every POST /complaints/new/), files `--requests` complaints with
three 1170x2532 screenshots each as bench/filing_bench.py does (after untimed warm-up
filings, whose profiles are dropped) and with its checks, then combines the profiles and
prints:

1. the mean milliseconds per filing in each part of the request, each sample counted once,
   in the innermost part that holds it (so the PNG check inside staging counts as the
   check, the rest of staging as staging);
2. the time spent in SQL (psycopg2) within those parts, and the time in the worker as
   gunicorn logged it, for comparison with an unprofiled run;
3. pyinstrument's call tree (frames above 1 % of the time), also written to
   var/filing-profile.txt.

pyinstrument measures wall-clock time: with other processes on the same cores (the
images and ocr workers, other work on the machine), waiting for a core is counted in
whatever frame was running. `--omit ocr` leaves the ocr worker out to see the request on
its own; say which was used when quoting figures.

Smoke size (BENCH_SMOKE=1, bench/smoke.py): 1 warm-up and 2 profiled filings.
"""

import argparse
import contextlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from filing_bench import run, sign_in
from harness import ROOT, bench_stack, export_commit, screenshot_files
from smoke import sized

BENCH = Path(__file__).resolve().parent

# The parts of a filing, innermost first wins: (name, test on a frame's function and file).
PARTS = [
    ("image check (complaints.images.inspect_image)", lambda f, p: f == "inspect_image"),
    ("evidence file write (storage)", lambda f, p: f == "_save_fresh"),
    ("publish to the broker (after commit)", lambda f, p: f in ("publish_by_name", "publish_many_by_name")),
    ("rate limits (django-ratelimit, Redis cache)", lambda f, p: "django_ratelimit" in p),
    ("confirmation message (actions.notify.tell_consumer)", lambda f, p: f == "tell_consumer"),
    ("transaction commit", lambda f, p: f in ("commit", "_commit") and "django/db" in p),
    ("file_complaint (reference, rows, timeline, clocks, claim)", lambda f, p: f == "file_complaint"),
    ("staging the other steps (lock, count, insert, refresh)", lambda f, p: f in ("stage_evidence", "_stage_uploads")),
    ("unclaimed_evidence / _drop_rejected", lambda f, p: f in ("unclaimed_evidence", "_drop_rejected")),
    ("form validation (ComplaintForm)", lambda f, p: f in ("is_valid", "full_clean") and "django/forms" in p),
    ("multipart parsing", lambda f, p: "multipartparser" in p),
    ("session (django.contrib.sessions)", lambda f, p: "django/contrib/sessions" in p),
    ("allauth middleware", lambda f, p: "allauth" in p),
    ("auth middleware (user lookup)", lambda f, p: "django/contrib/auth" in p),
    ("messages", lambda f, p: "django/contrib/messages" in p),
    ("CSRF", lambda f, p: "middleware/csrf" in p),
    ("the view, other", lambda f, p: f == "complaint_new"),
]


def is_sql(function: str, path: str) -> bool:
    """A frame that waits for PostgreSQL: a cursor's execute, or a commit or savepoint
    (not what runs after a commit, such as on_commit hooks)."""
    return path.endswith("django/db/backends/utils.py") or (
        "django/db/backends" in path
        and function in ("_commit", "_rollback", "_savepoint", "_savepoint_commit", "connect")
    )


def parts_of(session) -> tuple[dict[str, float], float, float]:
    """Seconds per part over the whole session (leaf samples, each once), seconds in SQL,
    and the total."""
    totals: dict[str, float] = {}
    sql = 0.0

    def walk(frame, part, in_sql):
        nonlocal sql
        function, path = frame.function or "", frame.file_path or ""
        for name, test in PARTS:
            if test(function, path):
                part = name
                break
        in_sql = in_sql or is_sql(function, path)
        if not frame.children:
            totals[part] = totals.get(part, 0.0) + frame.time
            sql += frame.time if in_sql else 0.0
        for child in frame.children:
            walk(child, part, in_sql)

    root = session.root_frame()
    walk(root, "outside the view (gunicorn, WSGI handler, other middleware)", False)
    return totals, sql, root.time


def combined(files: list[Path]):
    from pyinstrument.session import Session

    sessions = [Session.load(str(path)) for path in files]
    session = sessions[0]
    for other in sessions[1:]:
        session = Session.combine(session, other)
    return session


def main() -> int:
    parser = argparse.ArgumentParser(description="pyinstrument profile of filing inside gunicorn.")
    parser.add_argument("--requests", type=int, default=sized(100, 2), help="profiled filings (default 100)")
    parser.add_argument("--clients", type=int, default=1, help="concurrent clients (default 1)")
    parser.add_argument("--warmup", type=int, default=sized(10, 1), help="filings first, not profiled (default 10)")
    parser.add_argument("--omit", default="", help="Procfile processes not to start, comma-separated (e.g. ocr)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for the stack")
    parser.add_argument("--commit", help="run the app as committed at this revision (git archive), not the tree")
    args = parser.parse_args()
    total = args.warmup + args.requests
    shots = screenshot_files(max(3 * total, 3))
    with contextlib.ExitStack() as exits:
        app_dir = ROOT
        if args.commit:
            export = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="tousu-bench-app-")))
            app_dir = export_commit(args.commit, export)
        profiles = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="tousu-bench-profile-")))
        stack = exits.enter_context(
            bench_stack(
                users=max(1, -(-total // 8)),
                db_name="tousu_bench_profile",
                app_dir=app_dir,
                wsgi="profiling_wsgi",
                omit=tuple(name for name in args.omit.split(",") if name),
                env={
                    "PYTHONPATH": f"{app_dir}:{BENCH}",
                    "BENCH_PROFILE_DIR": str(profiles),
                    **dict(item.split("=", 1) for item in args.set),
                },
            )
        )
        platforms = stack.sql(
            "SELECT id, order_number_kind FROM complaints_platform WHERE slug IN ('pinduoduo', 'taobao') ORDER BY slug"
        )
        with ThreadPoolExecutor(2) as pool:
            accounts = list(pool.map(lambda user: sign_in(stack.base_url, *user), stack.users))
        if args.warmup:
            warm = run(stack, accounts, platforms, shots, count=args.warmup, clients=args.clients, first=0)
            if warm["problems"]:
                print("warm-up problems:", warm["problems"])
                return 1
        time.sleep(0.5)  # the last warm-up profile is written after its answer
        for path in profiles.glob("*.pyisession"):
            path.unlink()
        report = run(stack, accounts, platforms, shots, count=args.requests, clients=args.clients, first=args.warmup)
        files = sorted(profiles.glob("*.pyisession"))
        tracebacks = stack.tracebacks()
        if report["problems"] or tracebacks or len(files) != args.requests:
            print("problems:", report["problems"], f"{len(files)} profiles for {args.requests} filings", tracebacks[:1])
            return 1
        session = combined(files)

    totals, sql, whole = parts_of(session)
    n = len(files)
    print(
        f"\n{n} filings, {args.clients} client(s), stack without: {args.omit or 'nothing'}, settings: "
        f"{args.set or 'defaults'}; app: {args.commit or 'tree'}"
    )
    print(
        f"time in the gunicorn worker (access log): p50 {report['worker_p50']} ms, p95 {report['worker_p95']} ms;"
        f" profiled: mean {whole / n * 1000:.1f} ms per filing, of which SQL {sql / n * 1000:.1f} ms"
    )
    print("| part of the filing request | ms per filing | share |")
    print("|---|---|---|")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"| {name} | {seconds / n * 1000:.1f} | {seconds / whole:.0%} |")
    from pyinstrument.renderers import ConsoleRenderer

    tree = ConsoleRenderer(unicode=True, color=False, show_all=False, processor_options={"filter_threshold": 0.01})
    text = tree.render(session)
    out = ROOT / "var" / sized("filing-profile.txt", "filing-profile-smoke.txt")
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(f"\ncall tree written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
