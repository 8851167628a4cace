"""The ocr and images workers over a hostile set: peak RSS and time per task.

Run: .venv/bin/python bench/hostile_ocr.py [--timeout 150]

The hostile set (`hostile_images`, built in memory, nothing kept in git):

- thin: 24x2000, a column of text-like strokes (RapidOCR used to raise on it, or blow up);
- tall: a 1170x20000 long screenshot, which the images worker scales to 117x2000;
- all-text: 7000x7000 (49 megapixels, within the 50 MP upload limit) covered in lines of text;
- tiny WebP: a 7000x7000 WebP of one colour, a couple of KB that decodes to 49 megapixels.

Each image goes through the images worker's task body (complaints.images.sanitise_image)
and then the ocr worker's (reading.reader.read_screenshot on the sanitised copy), each in a
fresh child process as a Celery prefork child runs one task: the child loads what the
worker has loaded (the OCR model for the ocr worker) before it is measured, and the figure
is the child's peak RSS (ru_maxrss, model included) and the task's wall time. A task past
--timeout is killed and reported as such. Smoke size (BENCH_SMOKE=1): the thin image only,
with the same checks.

Targets (issue 21, part 2): peak RSS <= 600 MB and no task over 20 s, for both workers.
"""

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from smoke import sized  # noqa: E402

PEAK_RSS_MB = 600
TASK_SECONDS = 20


def _text_rows(width, height, *, line=28, seed=1):
    """An RGB image of `width`x`height` covered in rows of dark strokes shaped like text."""
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for top in range(4, height - line, line + 8):
        x = 4
        while x < width - line:
            glyph = rng.randint(line // 2, line)
            for _stroke in range(3):
                x0 = x + rng.randint(0, glyph // 2)
                y0 = top + rng.randint(0, line // 2)
                draw.rectangle(
                    (x0, y0, x0 + rng.randint(2, glyph // 2), y0 + rng.randint(2, line // 2)), fill=(20, 20, 20)
                )
            x += glyph + rng.randint(2, 6) + (rng.random() < 0.1) * line
    return image


def _chinese_text(width, height, *, size, seed=1):
    """An RGB image of `width`x`height` covered in lines of Chinese text of `size` px."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", size)
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    per_line = max(1, (width - size) // size)
    for top in range(size // 2, height - size, int(size * 1.5)):
        words = "".join(chr(rng.randint(0x4E00, 0x7FFF)) for _ in range(per_line))
        draw.text((size // 2, top), words, font=font, fill=(20, 20, 20))
    return image


def _encode(image, fmt, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def hostile_images(names=None) -> dict[str, bytes]:
    """name -> the bytes a consumer would upload."""
    from PIL import Image

    makers = {
        "thin": lambda: _encode(_text_rows(24, 2000, line=16), "PNG"),
        "tall": lambda: _encode(_text_rows(1170, 20000), "PNG", compress_level=6),
        "all-text": lambda: _encode(_chinese_text(7000, 7000, size=110), "PNG", compress_level=9),
        "tiny-webp": lambda: _encode(Image.new("RGB", (7000, 7000), (250, 250, 250)), "WEBP", lossless=True),
    }
    return {name: make() for name, make in makers.items() if names is None or name in names}


def _child(stage: str, path: str) -> None:
    """One task in this fresh process; prints a JSON line of its figures."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    data = Path(path).read_bytes()
    if stage == "ocr":
        from reading import engine
        from reading.reader import read_screenshot

        engine.engine()  # the worker has its model loaded before its first task
        started = time.perf_counter()
        reading = read_screenshot(data)
        outcome = "read" if reading.readable else "unreadable"
        if getattr(reading, "failed", False):
            outcome = "failed"
    else:
        from django.core.exceptions import ValidationError

        from complaints.images import sanitise_image

        started = time.perf_counter()
        try:
            clean = sanitise_image(data)
            Path(path + ".clean").write_bytes(clean.content)
            outcome = f"stored {clean.width}x{clean.height}"
        except ValidationError as error:
            outcome = f"refused {error.code}"
    seconds = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec from the parent.
    peak = _high_water_mb()
    print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak), "outcome": outcome}))


def _high_water_mb() -> float:
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return 0.0


def measure(stage: str, path: Path, timeout: float) -> dict:
    command = [sys.executable, __file__, "--child", stage, str(path)]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": timeout, "peak_mb": None, "outcome": f"killed after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": None, "peak_mb": None, "outcome": f"crashed: {tail[:80]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--timeout", type=float, default=150)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/hostile_ocr"))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "FILE"))
    parser.add_argument("--no-check", action="store_true", help="print the figures, do not assert the targets")
    args = parser.parse_args(argv)
    if args.child:
        return _child(*args.child)

    args.dir.mkdir(parents=True, exist_ok=True)
    names = args.only or sized(None, ["thin"])
    print(f"load average {os.getloadavg()[0]:.1f}")
    rows = []
    for name, data in hostile_images(names).items():
        upload = args.dir / f"{name}.upload"
        upload.write_bytes(data)
        images = measure("images", upload, args.timeout)
        rows.append((name, len(data), "images", images))
        clean = Path(str(upload) + ".clean")
        if images["outcome"].startswith("stored"):
            rows.append((name, len(data), "ocr", measure("ocr", clean, args.timeout)))
        print(f"{name:10} {len(data) / 1024:9.1f} KB  " + "  ".join(f"{r[2]}: {r[3]}" for r in rows if r[0] == name))
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| image | upload | worker | peak RSS | time | outcome |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, size, stage, figures in rows:
        peak = f"{figures['peak_mb']} MB" if figures["peak_mb"] is not None else "—"
        seconds = f"{figures['seconds']:.1f} s" if figures["seconds"] is not None else "—"
        print(f"| {name} | {size / 1024:.1f} KB | {stage} | {peak} | {seconds} | {figures['outcome']} |")
    if args.no_check:
        return
    failures = [
        f"{name} on {stage}: {figures}"
        for name, _size, stage, figures in rows
        if figures["peak_mb"] is None
        or figures["peak_mb"] > PEAK_RSS_MB
        or figures["seconds"] > TASK_SECONDS
        or figures["outcome"].startswith(("crashed", "killed"))
    ]
    assert not failures, failures


if __name__ == "__main__":
    main()
