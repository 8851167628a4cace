"""Locust: consumers who sign in, look around and file complaints with screenshots.

Run through bench/load_test.py, which brings up the stack and passes:
BENCH_USERS_FILE (JSON [[email, password], ...], one account per simulated person),
BENCH_SCREENSHOT_DIR (phone screenshot PNGs), BENCH_PLATFORMS (JSON [[id, order number
kind], ...]) and BENCH_RESULTS_FILE (where this file writes, on exit, locust's final
statistics and failures, the references of the complaints filed and every status code
seen per request name).

Each simulated person signs in once through allauth's login form (a real POST), then
loops over: home, my complaints, one of their complaints (once they have one), the
channels directory, and filing a complaint with 1-3 screenshots (the form GET for the
CSRF token and submission_token, then the submit POST), thinking 1-3 s between pages.
A submit counts as successful only when it answers 302 to /complaints/TS-.../.
"""

import datetime as dt
import itertools
import json
import os
import random
import re
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import FastHttpUser, SequentialTaskSet, between, events, task
from locust.exception import StopUser

ACCOUNTS = json.loads(Path(os.environ["BENCH_USERS_FILE"]).read_text())
SHOTS = sorted(Path(os.environ["BENCH_SCREENSHOT_DIR"]).glob("shot-*.png"))
PLATFORMS = json.loads(os.environ["BENCH_PLATFORMS"])
RESULTS_FILE = Path(os.environ["BENCH_RESULTS_FILE"])

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN_INPUT = re.compile(r'name="submission_token" value="([^"]+)"')
REFERENCE_LINK = re.compile(r'href="/complaints/(TS-\d{8}-\d{4,})/"')
COMPLAINT_LOCATION = re.compile(r"^/complaints/(TS-\d{8}-\d{4,})/$")
BEIJING = ZoneInfo("Asia/Shanghai")
DESCRIPTIONS = [
    "收到的电饭煲内胆有裂缝,商家拒绝退货退款,已经沟通三天,客服一直说在处理。",
    "订单显示已签收但我没有收到包裹,快递员电话打不通,商家让我自己找快递公司。",
    "申请仅退款后平台自动关闭了售后,商家不回复消息,金额一直没有退回。",
]

_next_account = itertools.count()
_shot_bytes: dict = {}
filed: list[str] = []
status_codes: Counter = Counter()


def shot(index: int) -> tuple:
    path = SHOTS[index % len(SHOTS)]
    if path not in _shot_bytes:
        _shot_bytes[path] = path.read_bytes()
    return (path.name, _shot_bytes[path], "image/png")


@events.request.add_listener
def _count_status(name, response, exception, **kwargs):
    status_codes[f"{name} {getattr(response, 'status_code', 0) or 0}"] += 1


@events.quitting.add_listener
def _write_results(environment, **kwargs):
    """Locust's final statistics, after every user has stopped (its CSV files are written
    while the test runs and miss the steps users finish during --stop-timeout)."""
    stats = environment.stats
    rows = []
    for entry in [*sorted(stats.entries.values(), key=lambda e: e.name), stats.total]:
        rows.append(
            {
                "name": entry.name,
                "method": entry.method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.total_rps,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "max": entry.max_response_time,
            }
        )
    errors = [{"error": error.to_name(), "occurrences": error.occurrences} for error in stats.errors.values()]
    results = {"stats": rows, "errors": errors, "filed": filed, "status_codes": dict(status_codes)}
    RESULTS_FILE.write_text(json.dumps(results, indent=1, ensure_ascii=False))


class Journey(SequentialTaskSet):
    @task
    def home(self):
        self.client.get("/", name="home")

    @task
    def my_complaints(self):
        response = self.client.get("/complaints/", name="my complaints")
        if response.status_code == 200:
            self.user.references = REFERENCE_LINK.findall(response.text) or self.user.references

    @task
    def complaint_detail(self):
        if self.user.references:
            self.client.get(f"/complaints/{random.choice(self.user.references)}/", name="complaint detail")

    @task
    def channels(self):
        self.client.get("/channels/", name="channels")

    @task
    def file_complaint(self):
        form = self.client.get("/complaints/new/", name="complaint form")
        csrf, token = CSRF_INPUT.search(form.text or ""), TOKEN_INPUT.search(form.text or "")
        if form.status_code != 200 or not csrf or not token:
            return
        n = random.randrange(10**9)
        platform_id, kind = PLATFORMS[n % len(PLATFORMS)]
        order_day = dt.datetime.now(BEIJING).date() - dt.timedelta(days=1 + n % 60)
        order_number = f"{order_day:%y%m%d}-{n:015d}" if kind == "pinduoduo" else f"39{n:015d}"
        fields = {
            "csrfmiddlewaretoken": csrf.group(1),
            "submission_token": token.group(1),
            "action": "submit",
            "platform": platform_id,
            "category": random.choice(["quality", "delivery", "refund", "service"]),
            "order_number": order_number,
            "order_date": order_day.isoformat(),
            "amount": f"{random.randint(9, 2999)}.90",
            "shop_name": f"好物小店{n % 37}",
            "description": random.choice(DESCRIPTIONS),
            "desired_outcome": "refund",
            "desired_outcome_detail": "",
            "contact_name": "王小明",
            "contact_phone": "13912345678",
            "contact_email": self.user.email,
            "platform_consent": "on",
        }
        files = [("evidence_files", shot(n + i)) for i in range(random.randint(1, 3))]
        with self.client.post(
            "/complaints/new/",
            data=fields,
            files=files,
            name="complaint submit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            match = COMPLAINT_LOCATION.match((response.headers or {}).get("Location") or "")
            if response.status_code == 302 and match:
                filed.append(match.group(1))
                self.user.references.append(match.group(1))
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}, not a 302 to a complaint")


class Consumer(FastHttpUser):
    wait_time = between(1, 3)
    network_timeout = 180.0
    connection_timeout = 60.0
    tasks = [Journey]

    def on_start(self):
        self.email, password = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        self.references = []
        form = self.client.get("/accounts/login/", name="login form")
        csrf = CSRF_INPUT.search(form.text or "")
        if not csrf:
            raise StopUser()
        with self.client.post(
            "/accounts/login/",
            data={"login": self.email, "password": password, "csrfmiddlewaretoken": csrf.group(1)},
            name="login POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            signed_in = response.status_code == 302 and (response.headers or {}).get("Location") == "/complaints/"
            if signed_in:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}, not a 302 to /complaints/")
        if not signed_in:
            raise StopUser()
