"""Evidence pipeline timing: verify, re-encode, strip metadata, thumbnail.

Run: .venv/bin/python bench/image_bench.py [repeats]
Prints the median and p95 wall time of complaints.images.sanitise_image for a phone
screenshot (1170x2532 PNG) and a 12-megapixel camera photo (4000x3000 JPEG with EXIF GPS).
Smoke size (BENCH_SMOKE=1): one run per image.
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402
from screenshots import phone_screenshot  # noqa: E402
from smoke import sized  # noqa: E402

from complaints.images import sanitise_image  # noqa: E402


def camera_photo() -> bytes:
    """A 12 MP photo: smooth gradients plus sensor-like noise, with EXIF GPS."""
    base = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 40)
    image = Image.merge("RGB", (base, noise, Image.blend(base, noise, 0.5)))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 2.0), 3: "E", 4: (121.0, 28.0, 5.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def measure(label: str, data: bytes, repeats: int) -> None:
    sanitise_image(data)  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        clean = sanitise_image(data)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"{label:34} in {len(data) / 1e6:5.2f} MB -> stored {len(clean.content) / 1e6:5.2f} MB "
        f"{clean.width}x{clean.height}, thumbnail {len(clean.thumbnail) / 1e3:4.0f} kB | "
        f"median {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  (n={repeats})"
    )


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else sized(20, 1)
    print(f"Pillow {Image.__version__}, {os.cpu_count()} cores")
    measure("phone screenshot 1170x2532 PNG", phone_screenshot(seed=1), repeats)
    measure("camera photo 4000x3000 JPEG", camera_photo(), repeats)
