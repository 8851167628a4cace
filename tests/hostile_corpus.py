"""Hostile uploads, built in memory: `python -m tests.hostile_corpus DIR` writes them out.

Each case says what must happen to it: refused with a reason code, or stored after a
safe re-encode. No binary file is kept in git; the corpus is made from this script.
"""

import io
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .imagegen import image_bytes, jpeg_with_gps


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    data: bytes
    expect: str  # "refused" or "stored"
    code: str = ""  # the refusal's code, for refused cases


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width=30000, height=30000) -> bytes:
    """A PNG whose header claims 900 megapixels; a few KB on disk."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", rows) + _png_chunk(b"IEND", b"")


def _animated(fmt: str) -> bytes:
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _huge_exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x010E] = "A" * 60_000  # ImageDescription filling most of the 64 KB APP1 segment
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (1, 2, 3)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def cases() -> list[Case]:
    jpeg = image_bytes("JPEG", size=(300, 200))
    script = b"<script>alert(document.cookie)</script>"
    return [
        Case("truncated JPEG", "half.jpg", jpeg[: len(jpeg) // 2], "refused", "damaged"),
        Case("decompression bomb", "bomb.png", png_bomb(), "refused", "too_many_pixels"),
        Case("HTML named .png", "page.png", b"<!doctype html><html>" + script + b"</html>", "refused", "not_image"),
        Case("PDF named .jpg", "doc.jpg", b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer<<>>\n%%EOF", "refused", "not_image"),
        Case("ZIP named .png", "archive.png", b"PK\x03\x04" + b"\x00" * 26 + b"a.txt", "refused", "not_image"),
        Case(
            "SVG named .png",
            "vector.png",
            b'<svg xmlns="http://www.w3.org/2000/svg">' + script + b"</svg>",
            "refused",
            "not_image",
        ),
        Case("zero bytes", "empty.png", b"", "refused", "empty"),
        Case("11 MB", "big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024), "refused", "too_large"),
        Case("animated GIF", "moving.gif", _animated("GIF"), "refused", "not_image"),
        Case("PNG with HTML appended", "polyglot.png", image_bytes("PNG") + script, "stored"),
        Case("CMYK JPEG", "print.jpg", image_bytes("JPEG", mode="CMYK", color=(0, 200, 200, 0)), "stored"),
        Case("16-bit PNG", "deep.png", image_bytes("PNG", mode="I;16", color=40000), "stored"),
        Case("animated WebP", "moving.webp", _animated("WEBP"), "stored"),
        Case("huge EXIF block", "exif.jpg", _huge_exif_jpeg(), "stored"),
        Case("GPS EXIF", "location.jpg", jpeg_with_gps(), "stored"),
        Case("path traversal name", "../../../etc/passwd.png", image_bytes("PNG"), "stored"),
        Case("NUL in name", "evil\x00.png", image_bytes("PNG"), "stored"),
        Case("very long name", "长" * 250 + ".png", image_bytes("PNG"), "stored"),
        Case("non-Latin name", "拼多多聊天截图 ٢٠٢٦ Ω.png", image_bytes("PNG"), "stored"),
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/hostile-corpus")
    target.mkdir(parents=True, exist_ok=True)
    for index, case in enumerate(cases()):
        safe = f"{index:02d}-{case.name.replace(' ', '_').replace('/', '_')}"
        (target / safe).write_bytes(case.data)
        print(f"{safe}: {case.expect} {case.code}")
