"""Filing over HTTP: gunicorn with 2 workers on PostgreSQL, each request a complaint with
three 1170x2532 phone screenshots. Target: p95 under 300 ms.

    make bench-install
    .venv/bin/python bench/filing_bench.py                 # 200 filings at 2 clients, then 1 and 4
    .venv/bin/python bench/filing_bench.py --commit HEAD   # the committed app, not the working tree

Brings up bench/harness.py's stack (fresh PostgreSQL database, own redis-server, every
process of the Procfile: gunicorn --workers 2, the worker, images, ocr and beat; DEBUG off), then, outside the timed part: generates distinct
screenshots (cached under the temp dir), signs each account in through allauth's login
form, reads the CSRF token from the complaint form and builds every request (all form
fields, a fresh submission_token, three different screenshots in `evidence_files`,
action=submit). Timed: only sending each filing POST and reading its answer, from
`--clients` threads. Checked: every answer is a 302 to /complaints/TS-.../, the database
holds exactly one complaint per request with three evidence rows each. When evidence has
a processing `state` (sanitised by a Celery task), the time from the last answer until no
evidence row of the run is 'pending' is the drain time; the time until every confirmation
email is sent is reported too.

Filing is rate-limited per user (RATE_LIMIT_FILING, 10/h, left at its default): the
filings are spread round-robin over enough accounts that none files more than 8.

Smoke size (BENCH_SMOKE=1, bench/smoke.py): 1 warm-up and 4 timed filings at 2 clients,
every check as above.
"""

import argparse
import contextlib
import datetime as dt
import math
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from harness import bench_stack, busy_cpu, export_commit, screenshot_files
from smoke import sized

PER_USER = 8  # filings per account over the whole run, under RATE_LIMIT_FILING's 10/h
FILES_PER_COMPLAINT = 3
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMPLAINT_LOCATION = re.compile(r"^/complaints/(TS-\d{8}-\d{4,})/$")
BEIJING = ZoneInfo("Asia/Shanghai")
DESCRIPTIONS = [
    "收到的电饭煲内胆有裂缝,商家拒绝退货退款,已经沟通三天,客服一直说在处理。",
    "订单显示已签收但我没有收到包裹,快递员电话打不通,商家让我自己找快递公司。",
    "申请仅退款后平台自动关闭了售后,商家不回复消息,金额一直没有退回。",
    "砍价活动进度卡在百分之零点一,邀请的好友助力都没有生效,客服只回复模板话术。",
]


@dataclass
class Account:
    email: str
    sessionid: str
    csrf_cookie: str
    csrf_token: str


@dataclass
class Result:
    start: float
    end: float
    status: int
    location: str

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


def sign_in(base_url: str, email: str, password: str) -> Account:
    """A real allauth login, then the complaint form for the CSRF token it renders."""
    with requests.Session() as session:
        form = session.get(f"{base_url}/accounts/login/", timeout=60)
        token = CSRF_INPUT.search(form.text).group(1)
        response = session.post(
            f"{base_url}/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": token},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302 or "/accounts/" in response.headers.get("Location", ""):
            raise RuntimeError(f"login of {email} failed: {response.status_code} {response.headers.get('Location')}")
        page = session.get(f"{base_url}/complaints/new/", timeout=60)
        page.raise_for_status()
        return Account(
            email, session.cookies["sessionid"], session.cookies["csrftoken"], CSRF_INPUT.search(page.text).group(1)
        )


def filing_request(base_url: str, account: Account, platform: tuple, shots: list, n: int) -> requests.PreparedRequest:
    platform_id, kind = platform
    order_day = dt.datetime.now(BEIJING).date() - dt.timedelta(days=1 + n % 60)
    if kind == "pinduoduo":
        order_number = f"{order_day:%y%m%d}-{n:015d}"
    else:
        order_number = f"39{n:015d}"
    fields = {
        "csrfmiddlewaretoken": account.csrf_token,
        "action": "submit",
        "submission_token": str(uuid.uuid4()),
        "platform": str(platform_id),
        "category": ["quality", "delivery", "refund", "bargain"][n % 4],
        "order_number": order_number,
        "order_date": order_day.isoformat(),
        "amount": f"{29 + n % 500}.90",
        "shop_name": f"好物小店{n % 37}",
        "description": DESCRIPTIONS[n % len(DESCRIPTIONS)],
        "desired_outcome": "return_refund",
        "desired_outcome_detail": "",
        "contact_name": "王小明",
        "contact_phone": f"139 {n % 10000:04d} {n % 7777:04d}",
        "contact_email": account.email,
        "platform_consent": "on",
    }
    files = [
        ("evidence_files", (f"screenshot-{i + 1}.png", shot.read_bytes(), "image/png")) for i, shot in enumerate(shots)
    ]
    cookie = f"sessionid={account.sessionid}; csrftoken={account.csrf_cookie}"
    return requests.Request(
        "POST", f"{base_url}/complaints/new/", data=fields, files=files, headers={"Cookie": cookie}
    ).prepare()


def send_all(prepared: list, clients: int) -> list[Result]:
    """Send every prepared request from `clients` threads; only this part is timed."""
    results: list[Result | None] = [None] * len(prepared)
    next_index = iter(range(len(prepared)))
    lock = threading.Lock()

    def client():
        with requests.Session() as session:
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                start = time.perf_counter()
                response = session.send(prepared[index], allow_redirects=False, timeout=120)
                end = time.perf_counter()
                results[index] = Result(start, end, response.status_code, response.headers.get("Location", ""))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def percentile(values: list, p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def wait_drained(stack, references: list, timeout: float) -> dict:
    """Seconds from now until no evidence of these complaints is pending, and until
    their confirmation emails are sent (None when there is nothing to wait for)."""
    started = time.perf_counter()
    has_state = stack.has_column("complaints_evidence", "state")
    evidence_done = email_done = None
    states = {}
    while time.perf_counter() - started < timeout:
        if has_state and evidence_done is None:
            states = dict(
                stack.sql(
                    "SELECT e.state, count(*) FROM complaints_evidence e JOIN complaints_complaint c"
                    " ON c.id = e.complaint_id WHERE c.reference = ANY(%s) GROUP BY e.state",
                    [references],
                )
            )
            if not states.get("pending"):
                evidence_done = time.perf_counter() - started
        if email_done is None:
            unsent = stack.scalar(
                # The outbox names what a message is about generically (about_type, about_id).
                "SELECT count(*) FROM notifications_outboundemail m"
                " JOIN django_content_type t ON t.id = m.about_type_id AND (t.app_label, t.model) = ('complaints', 'complaint')"
                " JOIN complaints_complaint c ON c.id = m.about_id"
                " WHERE c.reference = ANY(%s) AND m.template = 'complaint_submitted'"
                " AND m.status <> 'sent'",
                [references],
            )
            if not unsent:
                email_done = time.perf_counter() - started
        if (evidence_done is not None or not has_state) and email_done is not None:
            break
        time.sleep(0.05)
    return {"has_state": has_state, "evidence_s": evidence_done, "email_s": email_done, "states": states}


def run(stack, accounts: list, platforms: list, shots: list, *, count: int, clients: int, first: int) -> dict:
    """`count` filings at `clients` concurrency, numbered from `first`; checked and drained."""
    prepared = []
    for n in range(first, first + count):
        mine = [shots[(n * FILES_PER_COMPLAINT + i) % len(shots)] for i in range(FILES_PER_COMPLAINT)]
        prepared.append(
            filing_request(stack.base_url, accounts[n % len(accounts)], platforms[n % len(platforms)], mine, n)
        )
    complaints_before = stack.scalar("SELECT count(*) FROM complaints_complaint")
    evidence_before = stack.scalar("SELECT count(*) FROM complaints_evidence WHERE complaint_id IS NOT NULL")

    served_before = len(stack.served())
    background = busy_cpu()  # the stack is idle here (previous run drained): this is other work
    cpu_before = time.process_time()
    web_cpu_before = stack.cpu_seconds("web")
    results = send_all(prepared, clients)
    client_cpu = time.process_time() - cpu_before
    web_cpu = stack.cpu_seconds("web") - web_cpu_before

    wall = max(r.end for r in results) - min(r.start for r in results)
    in_worker = [ms for method, path, _status, ms in stack.served()[served_before:] if method == "POST"]
    references = [COMPLAINT_LOCATION.match(r.location).group(1) for r in results if _ok(r)]
    drain = wait_drained(stack, references, 600)
    bad = [r for r in results if not _ok(r)]
    stored = stack.scalar("SELECT count(*) FROM complaints_complaint WHERE reference = ANY(%s)", [references])
    evidence = stack.scalar(
        "SELECT count(*) FROM complaints_evidence e JOIN complaints_complaint c ON c.id = e.complaint_id"
        " WHERE c.reference = ANY(%s)",
        [references],
    )
    complaints_delta = stack.scalar("SELECT count(*) FROM complaints_complaint") - complaints_before
    evidence_delta = (
        stack.scalar("SELECT count(*) FROM complaints_evidence WHERE complaint_id IS NOT NULL") - evidence_before
    )
    problems = []
    if bad:
        statuses = sorted({(r.status, r.location) for r in bad})
        problems.append(f"{len(bad)} answers were not a 302 to a complaint: {statuses[:5]}")
    if len(set(references)) != len(references):
        problems.append("two answers named the same complaint")
    if not (stored == complaints_delta == count):
        problems.append(f"{count} requests, {complaints_delta} new complaints, {stored} found by reference")
    if not (evidence == evidence_delta == FILES_PER_COMPLAINT * count):
        problems.append(
            f"{FILES_PER_COMPLAINT * count} files sent, {evidence_delta} new evidence rows, {evidence} found"
        )
    if drain["has_state"] and (drain["evidence_s"] is None or drain["states"].get("rejected")):
        problems.append(f"evidence not all ready: {drain['states']}")
    latencies = [r.ms for r in results]
    return {
        "clients": clients,
        "count": count,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": max(latencies),
        "mean": sum(latencies) / len(latencies),
        "rate": count / wall,
        "wall": wall,
        "drain": drain,
        "problems": problems,
        "background": background,
        "worker_p50": percentile(in_worker, 50) if in_worker else None,
        "worker_p95": percentile(in_worker, 95) if in_worker else None,
        "client_cpu": client_cpu,
        "web_cpu_ms": web_cpu / count * 1000,
    }


def _ok(result: Result) -> bool:
    return result.status == 302 and bool(COMPLAINT_LOCATION.match(result.location))


def _seconds(value) -> str:
    return "—" if value is None else f"{value:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description="Filing over HTTP: latency and complaints per second.")
    parser.add_argument(
        "--requests", type=int, default=sized(200, 4), help="filings per concurrency level (default 200)"
    )
    parser.add_argument(
        "--clients", default=sized("2,1,4", "2"), help="concurrency levels, comma-separated (default 2,1,4)"
    )
    parser.add_argument("--warmup", type=int, default=sized(10, 1), help="untimed filings first (default 10)")
    parser.add_argument("--commit", help="run the app as committed at this revision (git archive), not the tree")
    parser.add_argument("--keep-logs", action="store_true", help="keep the stack's logs and files (temp dir)")
    parser.add_argument(
        "--worker-concurrency", type=int, default=2, help="WORKER_CONCURRENCY and IMAGES_CONCURRENCY (default 2)"
    )
    parser.add_argument(
        "--evidence",
        default="local",
        help="where evidence lives, one stack each in turn: local, s3 (moto's S3 server) or local,s3 (default local)",
    )
    parser.add_argument("--omit", default="", help="Procfile processes not to start, comma-separated (e.g. ocr)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for the stack")
    parser.add_argument(
        "--nice-background",
        type=int,
        default=0,
        help="renice the images and ocr processes by this much once up, so gunicorn wins the cores (default 0)",
    )
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    total = args.warmup + args.requests * len(levels)
    if args.requests > 2000 or total > 10000:
        parser.error("keep it bounded: at most 2,000 requests per level")
    users = max(math.ceil(total / PER_USER), 2 * max(levels))
    shots = screenshot_files(max(3 * args.requests, sized(30, 3)))

    stores = args.evidence.split(",")
    results = {}  # evidence store -> (reports, tracebacks, files on disk, objects in bucket)
    for store in stores:
        print(f"--- evidence on {store} ---", flush=True)
        results[store] = run_stack(args, store, levels, users, shots)
    app_name = args.commit or "working tree"

    print()
    print(
        f"Filing, 3 screenshots 1170x2532 PNG per complaint, gunicorn --workers 2, "
        f"celery --concurrency={args.worker_concurrency}, app: {app_name}, "
        f"without: {args.omit or 'nothing'}, settings: {args.set or 'defaults'}, images/ocr niced by {args.nice_background}"
    )
    print(
        "| evidence | clients | filings | p50 ms | p95 ms | p99 ms | max ms | complaints/s | in worker p50/p95 ms "
        "| evidence drain | emails sent | files on local disk | objects in bucket |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for store, (reports, tracebacks, on_disk, in_bucket) in results.items():
        for r in reports:
            drain = r["drain"]
            print(
                f"| {store} | {r['clients']} | {r['count']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} "
                f"| {r['max']:.0f} | {r['rate']:.2f} | {r['worker_p50']}/{r['worker_p95']} "
                f"| {_seconds(drain['evidence_s']) if drain['has_state'] else 'n/a'} "
                f"| {_seconds(drain['email_s'])} | {on_disk} | {'—' if in_bucket is None else in_bucket} |"
            )
        if tracebacks:
            print(f"{store}: {len(tracebacks)} tracebacks in the stack's logs; the first:\n{tracebacks[0]}")
        for r in reports:
            if r["problems"]:
                print(f"{store}, clients={r['clients']}: " + "; ".join(r["problems"]))
        failed = failed or bool(tracebacks) or any(r["problems"] for r in reports)
        if store == "s3" and on_disk:
            print(f"s3: {on_disk} evidence files on the local disk, expected none")
            failed = True
    return 1 if failed else 0


def run_stack(args, store: str, levels: list[int], users: int, shots) -> tuple:
    with contextlib.ExitStack() as exits:
        app_dir = None
        if args.commit:
            export = Path(exits.enter_context(tempfile.TemporaryDirectory(prefix="tousu-bench-app-")))
            app_dir = export_commit(args.commit, export)
        stack = exits.enter_context(
            bench_stack(
                users=users,
                app_dir=app_dir,
                keep_dir=args.keep_logs,
                worker_concurrency=args.worker_concurrency,
                evidence=store,
                omit=tuple(name for name in args.omit.split(",") if name),
                env=dict(item.split("=", 1) for item in args.set),
            )
        )
        for name in ("images", "ocr") if args.nice_background else ():
            if name in stack.pids:  # the whole process group: the Celery master and its pool
                os.setpriority(os.PRIO_PGRP, stack.pids[name], args.nice_background)
        platforms = stack.sql(
            "SELECT id, order_number_kind FROM complaints_platform WHERE slug IN ('pinduoduo', 'taobao') ORDER BY slug"
        )
        started = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            accounts = list(pool.map(lambda user: sign_in(stack.base_url, *user), stack.users))
        print(f"{len(accounts)} accounts signed in through /accounts/login/ in {time.perf_counter() - started:.1f} s")

        first = 0
        if args.warmup:
            warm = run(stack, accounts, platforms, shots, count=args.warmup, clients=2, first=first)
            first += args.warmup
            print(f"warm-up: {args.warmup} filings, problems: {warm['problems'] or 'none'}")
        reports = []
        for clients in levels:
            report = run(stack, accounts, platforms, shots, count=args.requests, clients=clients, first=first)
            first += args.requests
            reports.append(report)
            drain = report["drain"]
            print(
                f"clients={clients}: {report['count']} filings in {report['wall']:.1f} s = "
                f"{report['rate']:.2f} complaints/s | p50 {report['p50']:.0f} ms, p95 {report['p95']:.0f} ms, "
                f"p99 {report['p99']:.0f} ms, max {report['max']:.0f} ms (inside gunicorn: p50 {report['worker_p50']} ms, "
                f"p95 {report['worker_p95']} ms; gunicorn CPU {report['web_cpu_ms']:.0f} ms per filing) | evidence drained "
                f"{_seconds(drain['evidence_s']) if drain['has_state'] else 'n/a (no state field)'} after the last "
                f"answer, emails sent {_seconds(drain['email_s'])} | client CPU {report['client_cpu']:.1f} s, CPU busy "
                f"with other work just before: {report['background']:.0f}% | problems: {report['problems'] or 'none'}",
                flush=True,
            )
        return reports, stack.tracebacks(), stack.evidence_files_on_disk(), stack.evidence_objects_in_bucket()


if __name__ == "__main__":
    sys.exit(main())
