"""Sweep benchmark on PostgreSQL: 1,000,000 running clocks, 10,000 of them just due.

    createdb -h 127.0.0.1 -U postgres tousu_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_bench .venv/bin/python bench/sweep_bench.py

Starts its own redis-server on a free loopback port (the sweep enqueues one real
Celery message per reminder there), migrates the database, tops it up with
bench/datagen.py to 1,000,000 running clocks (complaints forwarded to Pinduoduo within
the last day, both clocks running, every reminder still ahead; about a minute, once),
then measures:

1. one sweep claiming and enqueueing 10,000 due reminders among 1,000,000 open clocks
   (above 500 the sweep publishes one dispatch task per 500 reminders; workers
   publish the per-reminder send tasks, timed separately as the fan-out);
2. a sweep with nothing due (median and worst of 50);
3. the sweep's cost against the number of due clocks (1,000 / 10,000) and the
   query plan (an index scan of clock_reminder_due_idx that reads only due rows).
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import datagen

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import free_port  # noqa: E402

OPEN_CLOCKS = int(os.environ.get("BENCH_OPEN_CLOCKS", "1000000"))
DUE_CLOCKS = int(os.environ.get("BENCH_DUE_CLOCKS", "10000"))


def start_redis() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"redis://127.0.0.1:{port}/0"


def setup_django(broker_url: str) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_bench (a database you created).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    # The production settings refuse an in-process cache and unset mail: name ones (unused here).
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ["CELERY_BROKER_URL"] = broker_url
    os.environ.setdefault("TOUSU_VAR_DIR", "/tmp/tousu-bench-var")
    import django

    django.setup()
    datagen.prepare_database()


def generate(open_clocks: int) -> None:
    """Running clocks up to `open_clocks`: half as many complaints, each with its
    first-response and resolution clock."""
    from django.db import connection

    from escalation.models import Clock

    running = Clock.objects.filter(state="running").count()
    if running >= open_clocks:
        return
    started = time.perf_counter()
    added = datagen.generate(
        -(-(open_clocks - running) // 2), statuses={"forwarded": 1}, platforms={"pinduoduo": 1}, span_days=1
    )
    datagen.analyze()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE escalation_clock")
    print(
        f"generated {added['complaints_complaint']:,} complaints and {added['escalation_clock']:,} clocks"
        f" in {time.perf_counter() - started:.1f} s"
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
        cursor.execute("ANALYZE escalation_clock")


def queue_length(broker_url: str) -> int:
    import redis

    return redis.Redis.from_url(broker_url).llen("celery")


def flush_queue(broker_url: str) -> None:
    import redis

    redis.Redis.from_url(broker_url).flushdb()


def timed_sweep() -> tuple[float, int]:
    from escalation.sweep import claim_due_reminders

    started = time.perf_counter()
    claimed = claim_due_reminders()
    return time.perf_counter() - started, len(claimed)


def main() -> None:
    redis_process, broker_url = start_redis()
    try:
        setup_django(broker_url)
        from django.db import connection

        from escalation.models import Clock

        generate(OPEN_CLOCKS)
        open_count = Clock.objects.filter(state="running").count()
        print(f"open clocks: {open_count:,}")

        # Warm the connection, the broker connection and the query plan cache.
        make_due(10)
        timed_sweep()
        flush_queue(broker_url)

        from escalation import sweep

        results = {}
        for due in (1_000, DUE_CLOCKS):
            make_due(due)
            flush_queue(broker_url)
            seconds, claimed = timed_sweep()
            messages = queue_length(broker_url)
            results[due] = seconds
            expected = -(-due // sweep.FANOUT_CHUNK) if due > sweep.FANOUT_THRESHOLD else due
            print(
                f"sweep with {due:>6,} due of {open_count:,} open: claimed {claimed:,} and enqueued them "
                f"({messages:,} Celery messages) in {seconds * 1000:.0f} ms"
            )
            assert claimed == due and messages == expected, (claimed, due, messages, expected)

        # What the workers then do with the dispatch messages: publish one send task per reminder.
        from escalation.models import Reminder

        ids = list(Reminder.objects.order_by("pk").values_list("pk", flat=True))
        flush_queue(broker_url)
        started = time.perf_counter()
        for i in range(0, len(ids), sweep.FANOUT_CHUNK):
            sweep.enqueue_reminders(ids[i : i + sweep.FANOUT_CHUNK], fan_out=False)
        fanout = time.perf_counter() - started
        print(
            f"fan-out of {len(ids):,} send_reminder messages by one worker process: {fanout * 1000:.0f} ms "
            f"({fanout / len(ids) * 1e6:.0f} µs per message; {queue_length(broker_url):,} in the queue)"
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
            f"worst {max(idle) * 1000:.2f} ms (50 runs)"
        )

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

        verdict = results[DUE_CLOCKS] < 2.0 and max(idle) < 0.020
        print("targets (10,000 due < 2 s; nothing due < 20 ms):", "met" if verdict else "NOT met")
    finally:
        redis_process.kill()
        redis_process.wait(timeout=10)


if __name__ == "__main__":
    main()
