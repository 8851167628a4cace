"""Build test images in memory (no binary files in git)."""

import io

from PIL import Image


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 30), mode="RGB", **save_kwargs) -> bytes:
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def jpeg_with_gps(size=(80, 60)) -> bytes:
    """A JPEG whose EXIF carries a GPS position, camera make and a comment."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    exif[0x0132] = "2026:03:05 10:00:00"  # DateTime
    gps = {1: "N", 2: (31.0, 14.0, 2.0), 3: "E", 4: (121.0, 28.0, 5.0)}
    exif[0x8825] = gps  # GPSInfo IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"shot at home")
    return out.getvalue()


def screenshot_png(size=(1170, 2532), seed=0) -> bytes:
    """A phone-screenshot-sized PNG with some structure, like a chat screen; each seed
    gives different bytes."""
    image = Image.new("RGB", size, (245, 245, 245))
    for top in range(0, size[1], 180):
        image.paste((255, 255, 255) if (top // 180) % 2 else (149, 236, 105), (40, top + 20, size[0] - 200, top + 140))
    image.paste((seed * 37 % 256, 80, 80), (0, 0, 40 + seed % 100, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def heic_with_gps(size=(96, 72)) -> bytes:
    """An iPhone-style HEIC photo, encoded by pillow-heif itself, whose EXIF carries a
    GPS position and a camera make (so a test can see them gone after sanitising)."""
    from pillow_heif import from_pillow

    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 2.0), 3: "E", 4: (121.0, 28.0, 5.0)}  # GPSInfo IFD
    heif = from_pillow(image)
    heif.info["exif"] = exif.tobytes()
    out = io.BytesIO()
    heif.save(out, quality=90)
    return out.getvalue()
