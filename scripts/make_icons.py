"""Draw Tousu's icons: the character 诉 in white on the brand red.

The favicon must not depend on the visitor's fonts (an SVG <text> is drawn in
whatever font the system has, or as a box), so the glyph is taken once from a font
file as an outline and written into the SVG as a path. The bitmap icons (favicon.ico
for old browsers and crawlers, apple-touch-icon.png for a phone's home screen) are
drawn from the same outline. The outputs are committed; run this only to change them:

    pip install fonttools==4.60.1   # (pinned in requirements-dev.txt)
    apt-get install fonts-wqy-microhei
    .venv/bin/python scripts/make_icons.py

The glyph comes from WenQuanYi Micro Hei (Apache License 2.0).
"""

import io
from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTCollection
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CHARACTER = "诉"
RED = "#b3261e"
BOX = 32  # the SVG's viewBox
GLYPH = 22  # the character's larger side within it


def glyph_path() -> str:
    """The character's outline as SVG path data in the 32×32 box, centred, y pointing down."""
    font = TTCollection(str(FONT)).fonts[0]
    glyph_set = font.getGlyphSet()
    name = font.getBestCmap()[ord(CHARACTER)]
    glyph = font["glyf"][name]
    glyph.recalcBounds(font["glyf"])
    width, height = glyph.xMax - glyph.xMin, glyph.yMax - glyph.yMin
    scale = GLYPH / max(width, height)
    dx = (BOX - width * scale) / 2 - glyph.xMin * scale
    dy = (BOX + height * scale) / 2 + glyph.yMin * scale  # flip: font y goes up
    pen = SVGPathPen(glyph_set, ntos=lambda v: f"{v:.2f}".rstrip("0").rstrip("."))
    glyph_set[name].draw(TransformPen(pen, (scale, 0, 0, -scale, dx, dy)))
    return pen.getCommands()


def svg(path: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BOX} {BOX}">'
        f'<rect width="{BOX}" height="{BOX}" rx="6" fill="{RED}"/>'
        f'<path fill="#fff" d="{path}"/></svg>\n'
    )


def bitmap(size: int, *, rounded: bool) -> Image.Image:
    """The icon at `size` pixels, drawn 4× larger from the same font outline and scaled down."""
    big = size * 4
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    radius = big * 6 // BOX if rounded else 0
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=RED)
    font = ImageFont.truetype(str(FONT), size=round(big * GLYPH / BOX * 1.1), index=0)
    left, top, right, bottom = font.getbbox(CHARACTER)
    scale = (big * GLYPH / BOX) / max(right - left, bottom - top)
    font = ImageFont.truetype(str(FONT), size=round(font.size * scale), index=0)
    left, top, right, bottom = font.getbbox(CHARACTER)
    draw.text(((big - (right - left)) / 2 - left, (big - (bottom - top)) / 2 - top), CHARACTER, font=font, fill="white")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    (ROOT / "static" / "favicon.svg").write_text(svg(glyph_path()))
    # A home-screen icon: square and opaque (iOS rounds the corners itself).
    touch = io.BytesIO()
    bitmap(180, rounded=False).convert("RGB").save(touch, format="PNG", optimize=True)
    (ROOT / "public" / "apple-touch-icon.png").write_bytes(touch.getvalue())
    icon = bitmap(48, rounded=True)
    icon.save(ROOT / "public" / "favicon.ico", format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    for name in ("static/favicon.svg", "public/apple-touch-icon.png", "public/favicon.ico"):
        print(f"{name}: {(ROOT / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
