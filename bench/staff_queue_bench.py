"""Staff queue benchmark on PostgreSQL: the admin complaint list at 1,000,000 complaints.

    createdb -h 127.0.0.1 -U postgres tousu_staff_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_staff_bench SECRET_KEY=x \\
        DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/staff_queue_bench.py [N] [requests]

Migrates the database, generates N complaints (default 1,000,000) with INSERT ...
SELECT generate_series (once; a rerun reuses them), then requests each changelist
page (the default list, every filter, the four kinds of search) `requests` times
(default 30) with the Django test client as a logged-in supervisor, and prints the
p50 / p95 time and the number of queries of each, plus the plan of the slowest query.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

# The production settings, made usable by the in-process test client.
settings.ALLOWED_HOSTS = ["testserver"]
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from complaints.models import Complaint, Platform  # noqa: E402
from staff.roles import SUPERVISOR, create_staff_groups  # noqa: E402

GENERATE = """
INSERT INTO complaints_complaint (
    reference, owner_id, platform_id, category, order_number, order_date, amount, shop_name,
    description, desired_outcome, desired_outcome_detail, contact_name, contact_phone, contact_email,
    consent_at, language, status, status_changed_at, assignee_id, next_deadline_at,
    next_deadline_provisional, submission_token, created_at, updated_at
)
SELECT
    'TS-B' || lpad(i::text, 9, '0'),
    %(owner)s,
    (%(platforms)s)[1 + (i %% array_length(%(platforms)s, 1))],
    (ARRAY['quality','delivery','refund','fake','price','service','other'])[1 + (i %% 7)],
    'B' || (i * 7919)::text,
    DATE '2026-01-01' + (i %% 300)::int,
    (i %% 100000) / 100.0,
    '',
    'Generated complaint for the staff queue benchmark.',
    'refund',
    '',
    'Bench ' || i,
    '+86139' || lpad((i %% 100000000)::text, 8, '0'),
    'user' || i || '@example.com',
    now(),
    'zh-hans',
    (ARRAY['submitted','in_review','needs_info','forwarded','forwarded','platform_responded','resolved','closed','rejected','escalated'])[1 + (i %% 10)],
    now(),
    CASE WHEN i %% 5 = 0 THEN %(assignee)s END,
    CASE WHEN i %% 10 < 7 THEN now() + ((i * 37) %% (30 * 24 * 60) - 10 * 24 * 60) * interval '1 minute' END,
    i %% 13 = 0,
    md5(i::text || 'bench')::uuid,
    now() - (i %% (365 * 24)) * interval '1 hour',
    now()
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i
"""


def ensure_data(n: int):
    User = get_user_model()
    owner, _ = User.objects.get_or_create(username="bench-consumer", defaults={"email": "bench@example.com"})
    supervisor, created = User.objects.get_or_create(
        username="bench-supervisor", defaults={"email": "sup@example.com", "is_staff": True}
    )
    supervisor.groups.add(create_staff_groups()[SUPERVISOR])
    have = Complaint.objects.count()
    if have < n:
        ids = list(Platform.objects.order_by("id").values_list("id", flat=True))
        print(f"generating {n - have:,} complaints ...", flush=True)
        started = time.perf_counter()
        batch = 200_000
        for start in range(have + 1, n + 1, batch):
            stop = min(start + batch - 1, n)
            with connection.cursor() as cursor:
                cursor.execute(
                    GENERATE,
                    {"owner": owner.pk, "assignee": supervisor.pk, "platforms": ids, "start": start, "stop": stop},
                )
            print(f"  {stop:,}", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE complaints_complaint")
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    return supervisor


def pages():
    first = Complaint.objects.order_by("id").values("reference", "order_number", "contact_email", "contact_phone")[
        12345
    ]
    phone = first["contact_phone"].removeprefix("+86")
    platform_id = Complaint.objects.values_list("platform_id", flat=True).order_by("id").first()
    return {
        "list (default order)": {},
        "page 50": {"p": "49"},
        "platform": {"platform__id__exact": platform_id},
        "status": {"status__exact": "forwarded"},
        "category": {"category__exact": "delivery"},
        "overdue": {"deadline": "overdue"},
        "due within 1 working day": {"deadline": "due_soon"},
        "assigned to me": {"assigned": "me"},
        "unassigned": {"assigned": "none"},
        "provisional": {"provisional": "yes"},
        "status + platform": {"status__exact": "submitted", "platform__id__exact": platform_id},
        "search reference": {"q": first["reference"].lower()},
        "search order number": {"q": first["order_number"]},
        "search email": {"q": first["contact_email"].upper()},
        "search phone": {"q": f"{phone[:3]} {phone[3:7]} {phone[7:]}"},
    }


def measure(client, url, params, repeats):
    times, queries = [], None
    client.get(url, params)  # warm
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = captured.captured_queries
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, queries


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    assert connection.vendor == "postgresql", "set DATABASE_URL to a PostgreSQL database"
    call_command("migrate", verbosity=0)
    supervisor = ensure_data(n)
    setup_test_environment()  # the client records the template context (rows per page)
    total = Complaint.objects.count()
    client = Client()
    client.force_login(supervisor)
    url = "/admin/complaints/complaint/"
    print(f"\n{total:,} complaints, {repeats} requests per page, PostgreSQL {connection.pg_version}")
    print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'rows':>5}")
    slowest = (0, None, None)
    for name, params in pages().items():
        p50, p95, queries = measure(client, url, params, repeats)
        rows = len(client.get(url, params).context["cl"].result_list)
        print(f"{name:28} {p50:8.1f} {p95:8.1f} {len(queries):8d} {rows:5d}", flush=True)
        worst = max(queries, key=lambda q: float(q["time"]))
        if float(worst["time"]) > slowest[0]:
            slowest = (float(worst["time"]), name, worst["sql"])
    print(f"\nslowest single query ({slowest[1]}, {slowest[0] * 1000:.1f} ms):\n{slowest[2][:600]}")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + slowest[2])
        print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
