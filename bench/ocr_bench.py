"""Screenshot reading: accuracy on the labelled synthetic set, time per screenshot on
one core, and peak memory.

Run: .venv/bin/python bench/ocr_bench.py [--count 72] [--seed 12] [--dir DIR]

Generates the set with tests/screenshotgen.py (or reads DIR/labels.jsonl), pins itself
to core 0 (like `taskset -c 0`), loads the model once and reads every screenshot with
reading.reader.read_screenshot, as the `ocr` worker does. Prints per field the
exact-match accuracy over the screenshots where that field is visible, the phone boxes
found, blurs that touch the order number, fields invented on pages that are not order
pages, the median and p95 wall and CPU seconds per 1170x2532 screenshot, and the peak RSS.
Smoke size (BENCH_SMOKE=1): 3 screenshots (the accuracy figures then mean nothing).
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from smoke import sized  # noqa: E402

from reading import engine  # noqa: E402
from reading.extract import FIELDS  # noqa: E402
from reading.reader import read_screenshot  # noqa: E402
from tests import screenshotgen  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1]) / 1024
    return 0.0


def covered(truth, found) -> float:
    """The share of the `truth` box that `found` covers."""
    width = min(truth[2], found[2]) - max(truth[0], found[0])
    height = min(truth[3], found[3]) - max(truth[1], found[1])
    area = (truth[2] - truth[0]) * (truth[3] - truth[1])
    return max(0, width) * max(0, height) / area if area else 0.0


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=sized(72, 3))
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--misses", action="store_true", help="print each wrong field")
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {0})

    folder = args.dir or Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    if not (folder / "labels.jsonl").exists():
        screenshotgen.main([str(folder), "--count", str(args.count), "--seed", str(args.seed)])
    labels = [json.loads(row) for row in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()]

    rss_before = rss_mb()
    started = time.perf_counter()
    engine.engine()
    load_seconds = time.perf_counter() - started
    rss_loaded = rss_mb()

    right = dict.fromkeys(FIELDS, 0)
    visible = dict.fromkeys(FIELDS, 0)
    wrong_when_hidden = dict.fromkeys(FIELDS, 0)
    phones = phones_found = order_number_blurs = invented = non_order_pages = 0
    wall, cpu = [], []
    for label in labels:
        data = (folder / label["file"]).read_bytes()
        cpu_started = time.process_time()
        reading = read_screenshot(data)
        cpu_seconds = time.process_time() - cpu_started
        if label["size"] == [1170, 2532]:
            wall.append(reading.seconds)
            cpu.append(cpu_seconds)
        line = reading.as_line()
        order_page = label["order_number_box"] is not None
        if not order_page:
            non_order_pages += 1
            invented += sum(line[name] is not None for name in FIELDS)
        for name in FIELDS if order_page else ():
            if label[name] is None:
                wrong_when_hidden[name] += line[name] is not None
                continue
            visible[name] += 1
            if line[name] == label[name]:
                right[name] += 1
            elif args.misses:
                print(f"  {label['file']} {name}: read {line[name]!r}, shown {label[name]!r}", file=sys.stderr)
        found_phones = [p["box"] for p in line["personal_data"] if p["kind"] == "phone"]
        for truth in label["phones"]:
            phones += 1
            phones_found += any(covered(truth, box) >= 0.8 for box in found_phones)
        if label["order_number_box"]:
            order_number_blurs += sum(covered(label["order_number_box"], p["box"]) > 0 for p in line["personal_data"])

    print(f"screenshots: {len(labels)} ({len(labels) - non_order_pages} order pages, {non_order_pages} not)")
    for name in FIELDS:
        share = right[name] / visible[name] if visible[name] else float("nan")
        extra = f"; read where not visible: {wrong_when_hidden[name]}" if wrong_when_hidden[name] else ""
        print(f"{name:13} {right[name]:3}/{visible[name]:<3} = {share:6.1%}{extra}")
    print(f"phone boxes found: {phones_found}/{phones} = {phones_found / phones if phones else float('nan'):.1%}")
    print(f"blurs touching the order number: {order_number_blurs}")
    print(f"fields invented on {non_order_pages} pages that are not order pages: {invented}")
    if not wall:
        sys.exit("no 1170x2532 screenshot in the set: nothing to time (use a larger --count)")
    print(
        f"1170x2532, one core (n={len(wall)}): wall median {statistics.median(wall):.2f} s, p95 "
        f"{percentile(wall, 0.95):.2f} s; CPU median {statistics.median(cpu):.2f} s, p95 {percentile(cpu, 0.95):.2f} s"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"model load {load_seconds:.2f} s; RSS before {rss_before:.0f} MB, model loaded {rss_loaded:.0f} MB, "
        f"peak {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
