"""Staff queue benchmark on PostgreSQL: the admin complaint list at 1,000,000 complaints.

    createdb -h 127.0.0.1 -U postgres tousu_staff_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tousu_staff_bench SECRET_KEY=x \\
        DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/staff_queue_bench.py [N] [requests]

Migrates the database, tops it up to N complaints (default 1,000,000) with
bench/datagen.py (once; a rerun, or any database datagen.py filled, reuses them), then
requests each changelist page (the default list, every filter, the four kinds of
search) `requests` times (default 30) with the Django test client as datagen's
supervisor, and prints the p50 / p95 time and the number of queries of each, plus the
plan of the slowest query.

Smoke size (BENCH_SMOKE=1, bench/smoke.py): 300 complaints, one request per page.
"""

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
# The production settings refuse an in-process cache and unset mail: name them (the staff
# home caches its figures in this Redis; no mail is sent).
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("EMAIL_URL", "dummymail://")

import datagen  # noqa: E402
import django  # noqa: E402
from django.conf import settings  # noqa: E402
from smoke import sized  # noqa: E402

# The production settings, made usable by the in-process test client.
settings.ALLOWED_HOSTS = ["testserver"]
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
# The benchmark's staff account signs in with force_login, without an authenticator app.
settings.STAFF_REQUIRE_MFA = False
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from complaints.models import Complaint  # noqa: E402


def ensure_data(n: int):
    have = Complaint.objects.count()
    if have < n:
        print(f"generating {n - have:,} complaints ...", flush=True)
        started = time.perf_counter()
        datagen.ensure(n, progress=lambda line: print(line, flush=True))
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    # The first of datagen's staff: a supervisor with cases assigned to them.
    return get_user_model().objects.get(pk=datagen.staff_pool()[0])


def pages():
    # One complaint well inside the table, to search for (the middle one of a small table).
    total = Complaint.objects.count()
    row = min(12345, total // 2)
    page = min(49, (total - 1) // 50)  # page 50, or the last of a small table
    first = Complaint.objects.order_by("id").values("reference", "order_number", "contact_email", "contact_phone")[row]
    phone = first["contact_phone"].removeprefix("+86")
    platform_id = Complaint.objects.values_list("platform_id", flat=True).order_by("id").first()
    return {
        "list (default order)": {},
        f"page {page + 1}": {"p": str(page)},
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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else sized(1_000_000, 300)
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else sized(30, 1)
    datagen.prepare_database()  # refuses anything but PostgreSQL
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
        if "q" in params:
            # A search is POSTed once; the list is then read by its opaque key (core.admin_search).
            location = client.post(url + "search/", {"q": params["q"]})["Location"]
            params = {"qs": parse_qs(urlsplit(location).query)["qs"][0]}
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
