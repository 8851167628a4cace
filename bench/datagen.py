"""Benchmark data: N realistic complaints with their clocks, built inside PostgreSQL.

    createdb -h 127.0.0.1 -U postgres tousu_datagen
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_datagen .venv/bin/python bench/datagen.py 1000000

The command migrates, runs setup_tousu, tops the database up to N complaints, prints
the time and the row counts, then ANALYZEs. The benchmarks import it instead
(`ensure(n)`, `generate(n, ...)`).

Every row is made by INSERT ... SELECT over generate_series: Python only computes the
small tables that need the app's own rules (escalation.clocks.compute_due and the
working-day calendar, per start day and policy), and PostgreSQL joins them to the
million rows. What it builds:

- a pool of consumers (auth user, profile with an E.164 +86 mobile number, verified
  email address) owning about four complaints each, a few heavy complainers owning
  many, and a small staff pool (SUPERVISOR_USERNAME and reviewers) the cases are
  assigned to;
- complaints on the platforms of the complaints migration, created over the last
  `span_days` days at Beijing-time hours, with a status that fits their age (new ones
  submitted or in review, old ones resolved or closed), the order number's shape of
  their platform (platforms.orders), references TS-YYYYMMDD-NNNN continuing
  complaints_referencecounter;
- for each complaint that reached a platform with deadline policies, its first-response
  and resolution clocks (`clocks_per_complaint` of them) started when it was forwarded,
  with the due time escalation.clocks.compute_due gives, running, met, paused (with the
  working days left) or stopped as its status says, and for running clocks the reminder
  the sweep would have scheduled by now; Complaint.next_deadline_at is the earliest
  running clock's due time, as actions.clocks.refresh_next_deadline keeps it;
- for each escalated complaint, how far it got on which route (`routes`, weights of
  "route:last step", datagen_routes.ROUTE_STAGE_WEIGHTS by default): its steps on the
  ladder (EscalationFiling, the filing on the day it was escalated) and the route
  clocks they started or met (ODR negotiation, 12315 acceptance, mediation,
  association check-in), as escalation.ladder.EFFECTS says;
- for each resolved or closed complaint, the "Was it solved?" question: 40% answered,
  the rest asked again four weeks after (or already asked again);
- one "submitted" timeline event per complaint.

Not built: the other timeline events, reminders already sent (escalation_reminder),
outbound emails, evidence, the consumer's own complaints to the platform
(PlatformFiling).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The project (for Django) and bench/ itself (for datagen's own modules, as when it runs as a script).
for path in (ROOT, BENCH):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from datagen_clocks import INSERT_CLOCKS, REFERENCE_TABLES, plan_clocks, reference_tables  # noqa: E402
from datagen_complaints import (  # noqa: E402
    INSERT_SUBMITTED_EVENTS,
    UPDATE_REFERENCE_COUNTERS,
    insert_complaints,
    plan_complaints,
)
from datagen_people import make_consumers, staff_pool  # noqa: E402
from datagen_routes import (  # noqa: E402
    ROUTE_STAGE_WEIGHTS,
    ROUTE_TABLES,
    insert_filings,
    insert_solved_questions,
    plan_routes,
)
from datagen_vocab import DEFAULT_SEED, DEFAULT_SPAN_DAYS, PLATFORM_WEIGHTS, STATUS_BY_AGE  # noqa: E402

__all__ = ["analyze", "ensure", "generate", "prepare_database", "row_counts", "staff_pool"]

# --- Set-up -------------------------------------------------------------------


def setup_django() -> None:
    """For the command line: the production settings, on the DATABASE_URL given."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
    # The production settings refuse an in-process cache and unset mail: name ones (unused here).
    os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
    os.environ.setdefault("EMAIL_URL", "dummymail://")
    os.environ.setdefault("TOUSU_VAR_DIR", "/tmp/tousu-bench-var")
    import django

    django.setup()


def require_postgresql() -> None:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import connection

    if connection.vendor != "postgresql":
        raise ImproperlyConfigured(
            f"bench/datagen.py builds its rows with PostgreSQL's generate_series; the database is {connection.vendor}. "
            "Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a database you created>."
        )


def prepare_database() -> None:
    """Schema and reference data (platforms, deadline policies, staff groups)."""
    from django.core.management import call_command

    require_postgresql()
    call_command("migrate", verbosity=0)
    call_command("setup_tousu", stdout=io.StringIO())


def complaint_count() -> int:
    from complaints.models import Complaint

    return Complaint.objects.count()


def ensure(complaints: int, **options) -> dict[str, int] | None:
    """Generate what is missing up to `complaints` complaints (then ANALYZE); None if
    there are enough already."""
    missing = complaints - complaint_count()
    if missing <= 0:
        return None
    created = generate(missing, **options)
    analyze()
    return created


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in GENERATED_TABLES:
            cursor.execute(f"ANALYZE {table}")


GENERATED_TABLES = [
    "auth_user",
    "accounts_profile",
    "account_emailaddress",
    "complaints_complaint",
    "complaints_timelineevent",
    "complaints_referencecounter",
    "escalation_clock",
    "escalation_escalationfiling",
    "escalation_solvedquestion",
]


def row_counts() -> dict[str, int]:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in GENERATED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT state, count(*) FROM escalation_clock GROUP BY state ORDER BY state")
        counts.update({f"clocks {state}": n for state, n in cursor.fetchall()})
        cursor.execute(
            "SELECT kind, count(*) FROM escalation_clock WHERE state = 'running' GROUP BY kind ORDER BY kind"
        )
        counts.update({f"running {kind}": n for kind, n in cursor.fetchall()})
    return counts


# --- Generation ---------------------------------------------------------------


def generate(
    complaints: int,
    *,
    clocks_per_complaint: int = 2,
    seed: int = DEFAULT_SEED,
    span_days: int = DEFAULT_SPAN_DAYS,
    statuses: Mapping[str, float] | None = None,
    platforms: Mapping[str, float] | None = None,
    routes: Mapping[str, float] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Add `complaints` complaints with their clocks; returns the rows added per table.

    clocks_per_complaint: 2 = first response and resolution, 1 = first response only,
    0 = none. statuses: fixed weights instead of STATUS_BY_AGE (e.g. {"forwarded": 1}
    for a data set where every clock runs). platforms: weights by platform slug
    instead of PLATFORM_WEIGHTS. routes: how far escalated complaints got, weights by
    "route:last step" (e.g. {"12315:accepted": 1}: mediation runs for all of them)
    instead of ROUTE_STAGE_WEIGHTS. The same seed, size and day give the same rows.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from complaints.states import Status

    require_postgresql()
    if complaints <= 0:
        return {}
    if not 0 <= clocks_per_complaint <= 2:
        raise ValueError("clocks_per_complaint is 0, 1 or 2: a platform has a first-response and a resolution clock")
    bands = [(0, dict(statuses))] if statuses else STATUS_BY_AGE
    unknown = {s for _age, weights in bands for s in weights} - set(Status.values)
    if unknown:
        raise ValueError(f"not complaint statuses: {sorted(unknown)}")
    say = progress or (lambda message: None)
    now = timezone.now()
    steps = _Steps(say)
    added: dict[str, int] = {}
    # Rebuilding indexes costs what the whole table costs: worth it when the load at
    # least doubles the table, not for a top-up of a big one.
    bulk = complaints >= complaint_count()
    # One transaction: a failure leaves neither half a data set nor missing indexes.
    with transaction.atomic(), connection.cursor() as cursor:
        # The plan's sorts and hash joins hold a million rows: keep them in memory.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute("SELECT setseed(%s)", [(seed % 2**31) / 2**31])
        with steps("reference tables (due days, working days, reminder times)"):
            platform_ids, platform_bounds = reference_tables(cursor, now, span_days, platforms or PLATFORM_WEIGHTS)
        with _bulk_load(cursor, BULK_TABLES if bulk else [], steps):
            with steps("consumers and staff"):
                added["auth_user"], added["accounts_profile"], added["account_emailaddress"] = make_consumers(
                    cursor, max(1, complaints // 4), now, span_days
                )
                staff_ids = staff_pool()
            with steps(f"plan of {complaints:,} complaints"):
                plan_complaints(
                    cursor, complaints, now, seed, span_days, bands, platform_ids, platform_bounds, staff_ids
                )
            with steps("plan of the escalated ones' routes"):
                plan_routes(cursor, now, routes or ROUTE_STAGE_WEIGHTS)
            with steps("plan of their clocks"):
                plan_clocks(cursor, now, clocks_per_complaint)
            with steps("insert complaints"):
                added["complaints_complaint"] = insert_complaints(cursor, seed)
            with steps("insert clocks"):
                cursor.execute(INSERT_CLOCKS)
                added["escalation_clock"] = cursor.rowcount
            with steps("insert steps on the routes and 'was it solved?' questions"):
                added["escalation_escalationfiling"] = insert_filings(cursor)
                added["escalation_solvedquestion"] = insert_solved_questions(cursor, now)
            with steps("insert timeline events"):
                cursor.execute(INSERT_SUBMITTED_EVENTS)
                added["complaints_timelineevent"] = cursor.rowcount
            with steps("reference counters"):
                cursor.execute(UPDATE_REFERENCE_COUNTERS)
        for table in ("datagen_plan", "datagen_clock", "datagen_consumer", *REFERENCE_TABLES, *ROUTE_TABLES):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
    return added


# The tables a large load fills without their secondary indexes and foreign keys.
BULK_TABLES = [
    "accounts_profile",
    "account_emailaddress",
    "complaints_complaint",
    "escalation_clock",
    "escalation_escalationfiling",
    "escalation_solvedquestion",
    "complaints_timelineevent",
]


@contextlib.contextmanager
def _bulk_load(cursor, tables: list[str], steps):
    """Fill `tables` without their secondary indexes and foreign keys, then put them
    back as pg_restore does: one sorted build per index and one set-wise check per
    key, instead of index insertions and a deferred check trigger row by row (which
    cost two thirds of the load). Unique indexes stay, so uniqueness holds throughout.
    Run inside the caller's transaction, so a failure restores them."""
    indexes, foreign_keys = [], []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            foreign_keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid = %s::regclass AND NOT indisunique",
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")
            indexes.append(definition)
    yield
    if tables:
        with steps(f"rebuild {len(indexes)} indexes, check {len(foreign_keys)} foreign keys"):
            for statement in indexes + foreign_keys:
                cursor.execute(statement)


class _Steps:
    """Times each step for the progress callback."""

    def __init__(self, say):
        self.say = say

    def __call__(self, name):
        self.name = name
        return self

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        if exc[0] is None:
            self.say(f"  {self.name}: {time.perf_counter() - self.started:.1f} s")


# --- Command line -------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("complaints", type=int, help="complaints the database should hold (tops up)")
    parser.add_argument("--clocks-per-complaint", type=int, default=2, choices=[0, 1, 2])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--days", type=int, default=DEFAULT_SPAN_DAYS, help="complaints created over this many days")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_datagen (a database you created).")
    setup_django()
    prepare_database()
    have = complaint_count()
    missing = args.complaints - have
    if missing <= 0:
        print(f"{have:,} complaints already; nothing to generate")
    else:
        print(f"generating {missing:,} complaints ({have:,} already there) ...", flush=True)
        started = time.perf_counter()
        added = generate(
            missing,
            clocks_per_complaint=args.clocks_per_complaint,
            seed=args.seed,
            span_days=args.days,
            progress=lambda line: print(line, flush=True),
        )
        seconds = time.perf_counter() - started
        print(
            f"generated {added['complaints_complaint']:,} complaints and {added['escalation_clock']:,} clocks"
            f" in {seconds:.0f} s"
        )
    started = time.perf_counter()
    analyze()
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")
    for table, count in row_counts().items():
        print(f"  {table:28} {count:>12,}")


if __name__ == "__main__":
    main()
