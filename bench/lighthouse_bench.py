"""Lighthouse (mobile, the default simulated slow 4G and mid-range phone) on every
public and consumer page, against the production-like stack of bench/harness.py:
gunicorn, DEBUG off, WhiteNoise with compressed, hashed static files.

    make bench-install && (cd bench/lighthouse && npm ci)   # Lighthouse 12.8.2, pinned
    .venv/bin/python bench/lighthouse_bench.py [--runs 1]

Needs Debian's chromium. Prints one row per page (performance, accessibility, best
practices and SEO scores, first contentful paint, bytes transferred) and writes all
figures to var/lighthouse.json. Consumer pages are measured signed in (a real allauth
login; the session cookie is passed to Lighthouse as a header). Not part of `make test`.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from filing_bench import sign_in  # noqa: E402
from harness import ROOT, bench_stack  # noqa: E402

LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
PUBLIC = ["/", "/channels/", "/channels/pinduoduo/", "/stats/", "/accounts/login/", "/accounts/signup/"]
CONSUMER = ["/complaints/new/", "/complaints/", "/accounts/profile/"]
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
        subprocess.run(args, check=True, timeout=300)
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
        for path in PUBLIC + CONSUMER:
            signed_in = path in CONSUMER
            runs = [lighthouse(stack.base_url + path, cookie if signed_in else "") for _ in range(options.runs)]
            results[path] = {**median_of(runs), "signed_in": signed_in}
            row = results[path]
            print(
                f"{path:24} perf {row['performance']:>3}  a11y {row['accessibility']:>3}  bp {row['best-practices']:>3}"
                f"  seo {row['seo']:>3}  FCP {row['fcp_ms'] / 1000:.2f} s  LCP {row['lcp_ms'] / 1000:.2f} s"
                f"  CLS {row['cls']}  {row['bytes'] / 1024:.0f} KB  {' '.join(row['failed'])}",
                flush=True,
            )
    out = ROOT / "var" / "lighthouse.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
