"""The blur proof (issue 21 part 3): the app's own OCR reads the copies that leave.

Run: .venv/bin/python bench/blur_proof.py [--count 40]

For each split it generates `count` screenshots full of personal data
(tests/screenshotgen.personal_screenshot: names, addresses without a province, ID numbers
with spaces, misread check digits or on a row with 编号, landlines, WeChat and QQ IDs, in
inline and two-column layouts), makes the copy a recipient gets by default
(reading.reader.read_screenshot, then reading.blur.blur_except with the allow-list's
boxes) and reads the copy with the same OCR. It prints per split: personal strings read
back whole and in part (a run of 6 characters), per kind; how many were readable on the
original (the proof means something only for those); and the share of copies on which
the order number, the amount and the date are still read.

The "tuning" split (its own seeds, wordings and values) was looked at while writing
reading/allowlist.py; the "heldout" split (other label wordings, names, addresses,
widths 720-1290, more two-column rows, unlabelled names and addresses, dates as
2025/03/22 09:02) was not, and is reported apart.
Exits 1 when a personal string is read back or a kept field is under 95 %.
Smoke size (BENCH_SMOKE=1): 2 screenshots per split.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from smoke import sized  # noqa: E402

from tests import blurcheck  # noqa: E402

SPLITS = ("tuning", "heldout")
KEPT_TARGET = 0.95


def run_split(variation: str, count: int) -> bool:
    started = time.perf_counter()
    whole, part, before = Counter(), Counter(), Counter()
    kept = Counter()
    leaks = []
    for seed in range(count):
        result = blurcheck.prove(seed, variation)
        before.update(result["readable_before"])
        for kind, how in result["leaked"].items():
            (whole if how == "whole" else part)[kind] += 1
            leaks.append((result["name"], kind, how, result["labels"]["personal"][kind]))
        kept.update(name for name, ok in result["kept"].items() if ok)
    seconds = time.perf_counter() - started
    print(f"\n[{variation}] {count} screenshots, {seconds:.0f} s")
    print(f"  personal strings drawn: {count * 6}; readable on the originals: {sum(before.values())}")
    print(f"  read back on the copies: whole {sum(whole.values())}, in part {sum(part.values())}")
    for kind in sorted(set(before) | set(whole) | set(part)):
        print(f"    {kind:10} readable before {before[kind]:3}  whole after {whole[kind]:3}  part after {part[kind]:3}")
    for leak in leaks:
        print("    LEAK", *leak)
    ok = not leaks
    for name in ("order_number", "amount", "ordered_at"):
        share = kept[name] / count
        ok = ok and share >= KEPT_TARGET
        print(f"  {name:12} readable on the copy: {kept[name]}/{count} = {share:.1%}")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=sized(40, 2))
    args = parser.parse_args(argv)
    results = [run_split(variation, args.count) for variation in SPLITS]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
