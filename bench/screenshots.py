"""The benchmarks' phone screenshot: one generator for bench/harness.py (the files the
filing and load benchmarks upload) and bench/image_bench.py (the sanitising timing)."""

import io
import random

from PIL import Image, ImageDraw

SCREENSHOT_SIZE = (1170, 2532)


def phone_screenshot(seed: int) -> bytes:
    """A 1170x2532 chat screenshot PNG, different for every seed: a status bar, chat
    bubbles with text-like strokes and a product photo the shop sent (smooth light plus
    sensor noise, which PNG cannot flatten). About 200 kB."""
    rng = random.Random(seed)
    image = Image.new("RGB", SCREENSHOT_SIZE, (237, 237, 237))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SCREENSHOT_SIZE[0], 100), fill=(248, 248, 248))
    for top in range(140, 2400, 190):
        left = 40 if rng.random() < 0.5 else 300
        fill = (149, 236, 105) if left == 300 else (255, 255, 255)
        draw.rounded_rectangle((left, top, left + 820, top + 150), radius=24, fill=fill)
        for line in range(3):
            y = top + 25 + line * 40
            x = left + 30
            while x < left + 780:
                width = rng.randint(20, 60)
                draw.rectangle((x, y, x + width, y + 24), fill=(40, 40, 40))
                x += width + rng.randint(8, 16)
    side = 320
    light = Image.linear_gradient("L").resize((side, side)).rotate(rng.randint(0, 359))
    noise = Image.effect_noise((side, side), 24)
    photo = Image.merge("RGB", (light, Image.blend(light, noise, 0.35), noise.point(lambda v: v // 2 + 100)))
    image.paste(photo, (rng.choice((60, 320)), rng.randrange(200, 2100, 190)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
