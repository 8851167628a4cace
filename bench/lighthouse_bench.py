"""Lighthouse (mobile, the default simulated slow 4G and mid-range phone) on every
public and consumer page, against the Procfile's stack of bench/harness.py:
gunicorn, DEBUG off, WhiteNoise with compressed, hashed static files.

    make bench-install && (cd bench/lighthouse && npm ci)   # Lighthouse 12.8.2, pinned
    .venv/bin/python bench/lighthouse_bench.py [--runs 1]

Needs Debian's chromium. Prints one row per page (performance, accessibility, best
practices and SEO scores, first contentful paint, bytes transferred) and writes all
figures to var/lighthouse.json. Consumer pages are measured signed in (a real allauth
login; the session cookie is passed to Lighthouse as a header). Not part of `make test`.

Smoke size (BENCH_SMOKE=1, bench/smoke.py): only the filed complaint's page (signed in,
after a filing with screenshots), one run, written to var/lighthouse-smoke.json.
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
from filing_bench import COMPLAINT_LOCATION, filing_request, sign_in, wait_drained  # noqa: E402
from harness import ROOT, bench_stack, screenshot_files  # noqa: E402
from smoke import sized  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PUBLIC = sized(["/", "/channels/", "/channels/pinduoduo/", "/stats/", "/accounts/login/", "/accounts/signup/"], [])
CONSUMER = sized(["/complaints/new/", "/complaints/", "/accounts/profile/"], [])
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def lighthouse(url: str, cookie: str = "") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        args = [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ]
        if cookie:
            args.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
        # Lighthouse itself sometimes loses the trace of a page load on a busy machine
        # ("NO_NAVSTART ... Please run Lighthouse again"): one more run, as it asks, and a
        # second failure is a failure.
        for attempt in (1, 2):
            run = subprocess.run(args, timeout=300, capture_output=True, text=True)
            if run.returncode == 0:
                break
            print(run.stderr[-2000:], file=sys.stderr)
            if attempt == 2 or "Please run Lighthouse again" not in run.stderr + run.stdout:
                raise subprocess.CalledProcessError(run.returncode, args, run.stdout, run.stderr)
        data = json.loads(report.read_text())
    audits = data["audits"]
    return {
        **{name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES},
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "failed": sorted(
            f"{name}:{audit}"
            for name in ("accessibility", "seo")
            for audit in (ref["id"] for ref in data["categories"][name]["auditRefs"])
            if audits[audit].get("score") is not None
            and audits[audit]["score"] < 1
            and audits[audit]["scoreDisplayMode"] == "binary"
        ),
    }


def median_of(runs: list[dict]) -> dict:
    numbers = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "failed"}
    return {**numbers, "failed": sorted({item for run in runs for item in run["failed"]})}


def file_one_complaint(stack, account) -> str:
    """File a complaint with two screenshots through the form, wait until the worker has
    sanitised them, and return the complaint's own page (its timeline and thumbnails)."""
    platform = stack.sql("SELECT id, order_number_kind FROM complaints_platform WHERE slug = 'pinduoduo'")[0]
    with requests.Session() as session:
        response = session.send(
            filing_request(stack.base_url, account, platform, screenshot_files(2), 1),
            allow_redirects=False,
            timeout=120,
        )
    if response.status_code != 302:
        errors = [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m)).strip()
            for m in re.findall(r'class="invalid-feedback[^"]*"[^>]*>(.*?)</div>', response.text, re.S)
        ]
        errors += re.findall(r'id="error-summary".*?</div>', response.text, re.S)[:1]
        raise RuntimeError(f"the filing was refused: {response.status_code} {errors}")
    reference = COMPLAINT_LOCATION.match(response.headers["Location"]).group(1)
    wait_drained(stack, [reference], 120)
    return response.headers["Location"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is reported")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: (cd bench/lighthouse && npm ci)")
    results = {}
    with bench_stack(users=1, db_name="tousu_bench_lighthouse") as stack:
        account = sign_in(stack.base_url, *stack.users[0])
        cookie = f"sessionid={account.sessionid}; csrftoken={account.csrf_cookie}"
        consumer_pages = CONSUMER + [file_one_complaint(stack, account)]
        for path in PUBLIC + consumer_pages:
            signed_in = path in consumer_pages
            runs = [lighthouse(stack.base_url + path, cookie if signed_in else "") for _ in range(options.runs)]
            results[path] = {**median_of(runs), "signed_in": signed_in}
            row = results[path]
            print(
                f"{path:24} perf {row['performance']:>3}  a11y {row['accessibility']:>3}  bp {row['best-practices']:>3}"
                f"  seo {row['seo']:>3}  FCP {row['fcp_ms'] / 1000:.2f} s  LCP {row['lcp_ms'] / 1000:.2f} s"
                f"  CLS {row['cls']}  {row['bytes'] / 1024:.0f} KB  {' '.join(row['failed'])}",
                flush=True,
            )
    out = ROOT / "var" / sized("lighthouse.json", "lighthouse-smoke.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
