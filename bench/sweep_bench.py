"""Sweep benchmark on PostgreSQL: 1,000,000 running clocks over every route of the
escalation ladder, 10,000 of them just due.

    createdb -h 127.0.0.1 -U postgres tousu_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_bench .venv/bin/python bench/sweep_bench.py

Starts its own redis-server on a free loopback port (the sweep enqueues one real
Celery message per reminder there), migrates the database, tops it up with
bench/datagen.py to 1,000,000 running clocks (once; a few minutes): Pinduoduo
complaints of the last day, half of the running clocks the platform's (forwarded, both
clocks running), half the routes' (escalated: ODR negotiation, 12315 acceptance,
mediation and association check-in in equal shares, the platform clocks stopped), plus
resolved complaints whose "Was it solved?" question is still open; every reminder
still ahead. Then it measures:

1. one sweep claiming and enqueueing 10,000 due reminders (drawn at random from all
   running clocks, so from every kind) among 1,000,000 open clocks, BENCH_RUNS times
   (default 7: median and worst, with the load average at each run); above 500 the
   sweep publishes one dispatch task per 500 reminders, workers publish the
   per-reminder send tasks (timed separately as the fan-out);
2. a claim with nothing due (median and worst of 50), and the whole beat task
   (actions.reminders.sweep: claim, requeue, "Was it solved?" asked again) with nothing due;
3. the "Was it solved?" catch-up with a full batch due (500 questions, one email each);
4. the claim's cost against the number of due clocks (1,000 / 10,000) and the
   query plan (an index scan of clock_reminder_due_idx that reads only due rows).

Smoke size (BENCH_SMOKE=1, bench/smoke.py): 3,000 open clocks, 600 due (above the
fan-out threshold, so the dispatch path runs), one run.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import datagen
from smoke import sized

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from devtools.processes import accepts, free_port, start, stop, wait_for  # noqa: E402

OPEN_CLOCKS = int(os.environ.get("BENCH_OPEN_CLOCKS", sized("1000000", "3000")))
DUE_CLOCKS = int(os.environ.get("BENCH_DUE_CLOCKS", sized("10000", "600")))
RUNS = int(os.environ.get("BENCH_RUNS", sized("7", "1")))
# The claim's cost at a tenth of the due clocks, measured once before the runs.
FEW_DUE = DUE_CLOCKS // 10

# The data set's shape (datagen.generate): forwarded complaints run both platform
# clocks, escalated ones one route clock each (the four route stages below in equal
# shares), resolved ones none (their "Was it solved?" question is open). Twice as
# many escalated as forwarded complaints: half the running clocks are the routes'.
STATUSES = {"forwarded": 1, "escalated": 2, "resolved": 0.2}
ROUTES = {"12315_odr:filed": 1, "12315:filed": 1, "12315:accepted": 1, "association:filed": 1}
RUNNING_PER_COMPLAINT = (2 * STATUSES["forwarded"] + STATUSES["escalated"]) / sum(STATUSES.values())


def start_redis() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = start(["redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
    wait_for(lambda: accepts(port), 15, "redis-server")
    return process, f"redis://127.0.0.1:{port}/0"


def setup_django(broker_url: str) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_bench (a database you created).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    # The production settings refuse an in-process cache and unset mail: name ones (unused
    # here; the cache in our own redis-server, never the shared one).
    os.environ.setdefault("CACHE_URL", broker_url.rsplit("/", 1)[0] + "/1")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ.setdefault("TOUSU_VAR_DIR", "/tmp/tousu-bench-var")
    import django

    django.setup()
    datagen.prepare_database()


def generate(open_clocks: int) -> None:
    """Running clocks up to about `open_clocks` (the draw of statuses decides the exact
    number), over every route: see STATUSES and ROUTES."""
    from django.db import connection

    from escalation.models import Clock

    running = Clock.objects.filter(state="running").count()
    if running >= open_clocks:
        return
    started = time.perf_counter()
    added = datagen.generate(
        round((open_clocks - running) / RUNNING_PER_COMPLAINT),
        statuses=STATUSES,
        platforms={"pinduoduo": 1},
        routes=ROUTES,
        span_days=1,
        progress=lambda line: print(line, flush=True),
    )
    datagen.analyze()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE escalation_clock")
    print(
        f"generated {added['complaints_complaint']:,} complaints, {added['escalation_clock']:,} clocks,"
        f" {added['escalation_escalationfiling']:,} route steps and {added['escalation_solvedquestion']:,}"
        f" 'was it solved?' questions in {time.perf_counter() - started:.1f} s"
    )


def make_due(count: int) -> None:
    """Exactly `count` clocks fell due within the last few minutes; none else is due."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM escalation_reminder")
        cursor.execute(
            "UPDATE escalation_clock SET next_reminder_at = now() + interval '1 hour' + (random() * interval '30 days')"
            " WHERE state = 'running' AND (next_reminder_at IS NULL OR next_reminder_at <= now() + interval '1 hour')"
        )
        cursor.execute(
            "UPDATE escalation_clock SET next_reminder_at = now() - (random() * interval '5 minutes')"
            " WHERE id IN (SELECT id FROM escalation_clock WHERE state = 'running' ORDER BY random() LIMIT %s)",
            [count],
        )
        # Each run rewrites tens of thousands of rows (the updates above, the claim):
        # vacuum their dead versions as autovacuum would between two sweeps five
        # minutes apart, or run after run reads more dead index entries.
        cursor.execute("VACUUM (ANALYZE) escalation_clock, escalation_reminder")


def queue_length(broker_url: str) -> int:
    import redis

    return redis.Redis.from_url(broker_url).llen("celery")


def flush_queue(broker_url: str) -> None:
    import redis

    redis.Redis.from_url(broker_url).flushdb()


def timed_sweep() -> tuple[float, int]:
    from actions.reminders import claim_due_reminders

    started = time.perf_counter()
    claimed = claim_due_reminders()
    return time.perf_counter() - started, len(claimed)


def load() -> str:
    """The machine's load average (1, 5, 15 min): it is shared, so every figure says it."""
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def running_by_kind(due_only: bool = False) -> dict[str, int]:
    from django.db import connection

    due = " AND next_reminder_at <= now()" if due_only else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, count(*) FROM escalation_clock WHERE state = 'running'{due} GROUP BY kind ORDER BY kind"
        )
        return dict(cursor.fetchall())


def make_questions_due(count: int) -> None:
    """Exactly `count` unanswered "Was it solved?" questions are due to be asked again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE escalation_solvedquestion SET ask_again_at = now() + interval '1 day' + random() * interval '20 days'"
            " WHERE answered_at IS NULL AND ask_again_at <= now() + interval '1 hour'"
        )
        cursor.execute(
            "UPDATE escalation_solvedquestion SET ask_again_at = now() - random() * interval '5 minutes'"
            " WHERE id IN (SELECT id FROM escalation_solvedquestion WHERE answered_at IS NULL"
            " AND ask_again_at IS NOT NULL ORDER BY random() LIMIT %s)",
            [count],
        )
        cursor.execute("ANALYZE escalation_solvedquestion")


def main() -> None:
    redis_process, broker_url = start_redis()
    try:
        setup_django(broker_url)
        from django.db import connection

        from actions.reminders import sweep
        from actions.solved import ask_again_due
        from escalation.models import Clock, SolvedQuestion
        from escalation.sweep import FANOUT_CHUNK, FANOUT_THRESHOLD, enqueue_reminders

        generate(OPEN_CLOCKS)
        open_count = Clock.objects.filter(state="running").count()
        print(f"open clocks: {open_count:,}", running_by_kind())
        open_questions = SolvedQuestion.objects.filter(answered_at__isnull=True, ask_again_at__isnull=False).count()
        print(f"open 'was it solved?' questions: {open_questions:,}")

        # Warm the connection, the broker connection and the query plan cache.
        make_due(10)
        timed_sweep()
        flush_queue(broker_url)

        results = {}
        for due in (FEW_DUE, *[DUE_CLOCKS] * RUNS):
            make_due(due)
            flush_queue(broker_url)
            by_kind = running_by_kind(due_only=True)
            before = load()
            seconds, claimed = timed_sweep()
            messages = queue_length(broker_url)
            results.setdefault(due, []).append(seconds)
            expected = -(-due // FANOUT_CHUNK) if due > FANOUT_THRESHOLD else due
            print(
                f"sweep with {due:>6,} due of {open_count:,} open: claimed {claimed:,} and enqueued them "
                f"({messages:,} Celery messages) in {seconds * 1000:.0f} ms ({before}; due by kind {by_kind})",
                flush=True,
            )
            assert claimed == due and messages == expected, (claimed, due, messages, expected)
        runs = results[DUE_CLOCKS]
        print(
            f"{DUE_CLOCKS:,} due, {len(runs)} runs: median {statistics.median(runs) * 1000:.0f} ms, "
            f"worst {max(runs) * 1000:.0f} ms, best {min(runs) * 1000:.0f} ms"
        )

        # What the workers then do with the dispatch messages: publish one send task per reminder.
        from escalation.models import Reminder

        ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))
        flush_queue(broker_url)
        started = time.perf_counter()
        for i in range(0, len(ids), FANOUT_CHUNK):
            enqueue_reminders(ids[i : i + FANOUT_CHUNK], fan_out=False)
        fanout = time.perf_counter() - started
        print(
            f"fan-out of {len(ids):,} send_reminder messages by one worker process: {fanout * 1000:.0f} ms "
            f"({fanout / len(ids) * 1e6:.0f} µs per message; {queue_length(broker_url):,} in the queue; {load()})"
        )
        flush_queue(broker_url)

        first_idle, claimed = timed_sweep()
        assert claimed == 0
        print(f"first sweep after that, nothing due: {first_idle * 1000:.2f} ms")
        idle = []
        for _ in range(50):
            seconds, claimed = timed_sweep()
            assert claimed == 0
            idle.append(seconds)
        print(
            f"sweep with nothing due: median {statistics.median(idle) * 1000:.2f} ms, "
            f"worst {max(idle) * 1000:.2f} ms (50 runs; {load()})"
        )
        whole = []
        for _ in range(20):
            started = time.perf_counter()
            outcome = sweep()
            whole.append(time.perf_counter() - started)
            assert outcome == {"claimed": 0, "requeued": 0, "asked_again": 0}, outcome
        print(
            f"whole beat task (claim, requeue, 'was it solved?' again) with nothing due: median "
            f"{statistics.median(whole) * 1000:.2f} ms, worst {max(whole) * 1000:.2f} ms (20 runs; {load()})"
        )

        batch = min(500, open_questions)  # ask_again_due's limit per sweep
        make_questions_due(batch)
        flush_queue(broker_url)
        before = load()
        started = time.perf_counter()
        asked = ask_again_due()
        seconds = time.perf_counter() - started
        print(
            f"'was it solved?' asked again: {asked:,} due of {open_questions:,} open, one email each, in "
            f"{seconds * 1000:.0f} ms ({seconds / max(asked, 1) * 1000:.1f} ms each; {before})"
        )
        assert asked == batch, asked
        flush_queue(broker_url)

        with connection.cursor() as cursor:
            make_due(DUE_CLOCKS)
            cursor.execute("SET enable_bitmapscan = off")
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, next_reminder_kind, reminder_seq FROM escalation_clock"
                " WHERE state = 'running' AND next_reminder_at <= now() ORDER BY next_reminder_at LIMIT 20000"
                " FOR UPDATE SKIP LOCKED"
            )
            print("plan of the due query:")
            for (line,) in cursor.fetchall():
                print("   ", line)
            cursor.execute("RESET enable_bitmapscan")
            make_due(0)

        verdict = statistics.median(runs) < 1.0 and max(idle) < 0.020
        print(
            f"targets ({DUE_CLOCKS:,} due < 1 s: median {statistics.median(runs) * 1000:.0f} ms, worst "
            f"{max(runs) * 1000:.0f} ms; nothing due < 20 ms):",
            "met" if verdict else "NOT met",
        )
    finally:
        stop(redis_process)


if __name__ == "__main__":
    main()
