"""The respondent API under a realistic table: `GET /api/v1/complaints/` of one
organisation with 10,000 delivered complaints among 1,000,000, on PostgreSQL through a
real gunicorn (2 workers, DEBUG off); then the webhook latency from an answer to the
receiver's 2xx with the Celery worker idle.

    python bench/api_list_bench.py            # 1,000,000 complaints (a few minutes to make)
    python bench/api_list_bench.py --smoke    # 20,000, to try it

Targets (issue 20): list p95 < 150 ms; webhook p95 < 2 s. The data is made with one
INSERT ... SELECT generate_series per table in database wt_api_bench (recreated each
run, dropped with --drop); Redis db 6 on the shared server holds the broker and cache.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DB = "wt_api_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
REDIS = "redis://127.0.0.1:6379/6"
ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT),
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": "bench-secret-key-not-for-production",
    "CACHE_URL": REDIS,
    "CELERY_BROKER_URL": REDIS,
    "CELERY_TASK_ALWAYS_EAGER": "false",
    "EMAIL_URL": "consolemail://",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "ALLOWED_HOSTS": "127.0.0.1",
    "API_RATE_PER_TOKEN": "1000000/minute",
}


def psql(sql, db=DB):
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-v", "ON_ERROR_STOP=1", db, "-c", sql], check=True
    )


def make_data(total, ours):
    """`total` complaints, each delivered; `ours` of them to 拼多多's organisation, the
    rest to 99 shops on 淘宝 (another platform, so none is visible to 拼多多)."""
    psql(f"DROP DATABASE IF EXISTS {DB}", db="postgres")
    psql(f"CREATE DATABASE {DB}", db="postgres")
    subprocess.run([BIN / "python", "manage.py", "migrate", "-v0"], cwd=ROOT, env=ENV, check=True)
    psql("""
        INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
        VALUES ('!', false, 'bench@example.com', '', '', 'bench@example.com', false, true, now());
        INSERT INTO respondents_organisation (slug, kind, name, platform_id, shop_page, joined_at, created_at)
        SELECT 'pinduoduo', 'platform', '拼多多', id, '', now(), now()
        FROM complaints_platform WHERE slug = 'pinduoduo';
        INSERT INTO respondents_organisation (slug, kind, name, platform_id, shop_page, joined_at, created_at)
        SELECT 'shop-' || n, 'shop', '店铺 ' || n, p.id, '', now(), now()
        FROM generate_series(1, 99) n, complaints_platform p WHERE p.slug = 'taobao';
    """)
    psql(f"""
        INSERT INTO complaints_complaint (reference, category, order_number, order_date, amount, shop_name, description,
            desired_outcome, desired_outcome_detail, contact_name, contact_phone, contact_email, language, status,
            status_changed_at, submission_token, created_at, updated_at, owner_id, platform_id, next_deadline_provisional,
            product_name, merchant_province, merchant_city)
        SELECT 'TS-B' || lpad(n::text, 8, '0'), 'quality', '260305-' || lpad(n::text, 15, '0'), date '2026-11-01',
            129.90, '', '货不对板', 'refund', '', '张三', '+8613912345678', 'owner@example.com', 'zh-hans',
            'forwarded', now(), md5(n::text)::uuid, now() - (n || ' seconds')::interval, now(),
            (SELECT id FROM auth_user LIMIT 1),
            (SELECT id FROM complaints_platform WHERE slug = CASE WHEN n % {total // ours} = 0 THEN 'pinduoduo' ELSE 'taobao' END),
            false, '', '', ''
        FROM generate_series(1, {total}) n;
    """)
    psql("""
        INSERT INTO respondents_delivery (complaint_id, organisation_id, delivered_at, updated_at)
        SELECT c.id,
            CASE WHEN c.platform_id = (SELECT id FROM complaints_platform WHERE slug = 'pinduoduo')
                 THEN (SELECT id FROM respondents_organisation WHERE slug = 'pinduoduo')
                 ELSE (SELECT id FROM respondents_organisation WHERE slug = 'shop-' || (1 + c.id % 99)) END,
            c.created_at, c.created_at + (c.id % 1000 || ' seconds')::interval
        FROM complaints_complaint c;
        ANALYZE;
    """)


def django():
    os.environ.update({k: v for k, v in ENV.items() if k != "PYTHONPATH"})
    os.environ["DEBUG"] = "1"  # this process registers a loopback http webhook
    sys.path.insert(0, str(ROOT))
    import django as dj

    dj.setup()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def bench_list(base, secret, requests_count):
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {secret}"
    timings = {"first page": [], "next pages": [], "status filter": [], "updated_since": []}
    cursor = None
    for _ in range(requests_count):
        for name, params in (
            ("first page", {}),
            ("next pages", {"cursor": cursor} if cursor else {}),
            ("status filter", {"status": "forwarded"}),
            ("updated_since", {"updated_since": "2026-01-01T00:00:00+08:00"}),
        ):
            start = time.perf_counter()
            response = session.get(f"{base}/api/v1/complaints/", params=params, timeout=10)
            timings[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.text
            if name == "next pages":
                cursor = response.json()["next_cursor"]
                assert len(response.json()["results"]) == 50
    return timings


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true", help="20,000 complaints, 1,000 ours")
    parser.add_argument("--requests", type=int, default=100, help="requests per kind of list call")
    parser.add_argument("--answers", type=int, default=30, help="answers timed for the webhook latency")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    total, ours = (20_000, 1_000) if args.smoke else (1_000_000, 10_000)
    started = time.monotonic()
    make_data(total, ours)
    print(f"data: {total:,} complaints, {ours:,} delivered to pinduoduo, made in {time.monotonic() - started:.0f} s")

    django()
    from actions.respondent_admin import create_token, register_webhook
    from actions.respondents import AnswerValues, answer
    from respondents.models import Answer, Delivery, Organisation
    from tests.services import free_port

    organisation = Organisation.objects.get(slug="pinduoduo")
    _token, secret = create_token(organisation, purpose="bench", scopes=["read", "answer"])
    port, receiver_port = free_port(), free_port()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / f"api_bench_{os.getpid()}"
    tmp.mkdir(parents=True, exist_ok=True)
    server_env = {**ENV, "SITE_URL": f"http://127.0.0.1:{port}", "TOUSU_VAR_DIR": str(tmp / "var")}
    web = subprocess.Popen(
        [BIN / "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=server_env,
        stdout=(tmp / "web.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    worker = receiver = None
    try:
        import requests

        def up():
            try:
                return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok
            except requests.RequestException:
                return False

        wait_until(up, 60, "gunicorn")
        timings = bench_list(f"http://127.0.0.1:{port}", secret, args.requests)
        print(f"GET /api/v1/complaints/ (gunicorn, 2 workers; {args.requests} requests each, sequential):")
        for name, values in timings.items():
            print(
                f"  {name:14s} p50 {statistics.median(values):6.1f} ms  p95 {percentile(values, 95):6.1f} ms"
                f"  max {max(values):6.1f} ms"
            )

        # Webhooks: a real receiver and an idle worker on the queues the Procfile's runs.
        record = tmp / "received.jsonl"
        endpoint, webhook_secret = register_webhook(organisation, url=f"http://127.0.0.1:{receiver_port}/hooks")
        receiver = subprocess.Popen(
            [
                BIN / "python",
                ROOT / "tests/respondents/webhook_receiver.py",
                str(receiver_port),
                webhook_secret,
                str(record),
            ]
        )
        worker = subprocess.Popen(
            [BIN / "celery", "-A", "config", "worker", "-Q", "celery,email", "--concurrency=1", "--loglevel=INFO"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=server_env,
            stdout=(tmp / "worker.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until(lambda: b"ready." in (tmp / "worker.log").read_bytes(), 60, "the celery worker")
        time.sleep(1)
        latencies = []
        deliveries = list(
            Delivery.objects.filter(organisation=organisation).select_related("complaint")[: args.answers]
        )
        for delivery in deliveries:
            seen = len(record.read_text().splitlines()) if record.exists() else 0
            start = time.time()
            answer(delivery, AnswerValues(kind=Answer.Kind.EXPLAINED, message="已核实，说明如下"), user=None)
            wait_until(
                lambda seen=seen: record.exists() and len(record.read_text().splitlines()) > seen, 30, "the webhook"
            )
            row = json.loads(record.read_text().splitlines()[seen])
            assert row["verified"], row
            latencies.append((row["received_at"] - start) * 1000)
            time.sleep(0.2)  # the worker is idle again before the next answer
        print(f"webhook answer -> receiver 2xx ({len(latencies)} answers, worker idle):")
        print(
            f"  p50 {statistics.median(latencies):6.1f} ms  p95 {percentile(latencies, 95):6.1f} ms"
            f"  max {max(latencies):6.1f} ms"
        )
    finally:
        for process in (web, worker, receiver):
            if process:
                process.kill()
                process.wait(timeout=10)
        if args.drop:
            from django.db import connections

            connections.close_all()
            psql(f"DROP DATABASE IF EXISTS {DB}", db="postgres")


if __name__ == "__main__":
    main()
