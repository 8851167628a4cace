"""Page layout for the paperwork PDFs, with ReportLab.

Every character, Chinese and Latin alike, is set in one embedded TrueType font: a
subset of WenQuanYi Micro Hei (文泉驿微米黑, Apache-2.0 or GPLv3 with the font
exception) committed as fonts/WenQuanYiMicroHei-Paperwork.ttf, made once by
scripts/make_paperwork_font.py. ReportLab embeds only the glyphs each PDF uses, with a
ToUnicode map, so the text stays searchable and every viewer (a phone's included)
draws the same pages: nothing is left for the viewer to substitute, which the built-in
CID font STSong-Light we used before did (`pdffonts` lists every font as embedded).
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

# ReportLab wraps every stream in ASCII85 by default, in pure Python unless its C
# accelerator is installed (it is not on PyPI for 5.x): three screenshots spent half a
# second there. Binary streams are also a fifth smaller.
rl_config.useA85 = 0

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "WenQuanYiMicroHei-Paperwork.ttf"
SONG = "WenQuanYiMicroHei"  # the name the styles use for the text face
# Checksums were set in Courier, one of the 14 standard fonts a viewer supplies itself
# (never embedded): they are set in the same embedded face now.
MONO = SONG
pdfmetrics.registerFont(TTFont(SONG, str(FONT_FILE)))

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
# Embedded evidence: two images side by side, a phone screenshot about half a page high.
# Images are scaled down to this many pixels on the long edge (about 300 dpi at that
# size), which keeps a PDF with many screenshots small enough to email.
IMAGE_BOX = (FRAME_WIDTH / 2 - 4 * mm, 115 * mm)
IMAGE_MAX_PIXELS = 1400

_BASE = ParagraphStyle("base", fontName=SONG, fontSize=10.5, leading=16, wordWrap="CJK")
STYLES = {
    "title": ParagraphStyle("title", parent=_BASE, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=4 * mm),
    "subtitle": ParagraphStyle("subtitle", parent=_BASE, alignment=TA_CENTER, textColor=colors.HexColor("#555555")),
    "heading": ParagraphStyle(
        "heading", parent=_BASE, fontSize=13, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm, keepWithNext=1
    ),
    "body": ParagraphStyle("body", parent=_BASE, spaceAfter=2 * mm),
    "cell": ParagraphStyle("cell", parent=_BASE, fontSize=9, leading=13),
    "note": ParagraphStyle(
        "note", parent=_BASE, fontSize=8.5, leading=12.5, spaceBefore=1.5 * mm, textColor=colors.HexColor("#555555")
    ),
    "hash": ParagraphStyle("hash", parent=_BASE, fontName=MONO, fontSize=7.5, leading=11, wordWrap=None),
}
BLANK = "＿＿＿＿＿＿＿＿＿＿＿＿"
DATE_BLANK = "＿＿＿＿年＿＿月＿＿日"


# Every table of the paperwork: thin grey rules, a shaded header row, text from the top.
# A table sets its plain-string cells ("" of an empty cell too) in Helvetica unless told.
TABLE_FONT = ("FONTNAME", (0, 0), (-1, -1), SONG)
TABLE_STYLE = [
    TABLE_FONT,
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
]


def printable(value: str) -> str:
    """The middle dot (U+00B7) that the site's texts use as a separator reads as a
    decimal point in a Chinese letter: as a separator it becomes a Chinese semicolon,
    elsewhere the katakana middle dot, as the PDFs have always printed it."""
    return value.replace(" · ", "；").replace("·", "・")


def text(value: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; line breaks kept)."""
    return Paragraph(escape(printable(value)).replace("\n", "<br/>"), STYLES[style])


def heading(value: str) -> Paragraph:
    return text(value, "heading")


def field_table(rows: list[tuple[str, str]]) -> Table:
    """Label / value lines of the letter's parties; an empty value gets a line to fill in by hand."""
    data = [[text(label, "cell"), text(value or BLANK + "（请填写）", "cell")] for label, value in rows]
    table = Table(data, colWidths=[38 * mm, FRAME_WIDTH - 38 * mm])
    table.setStyle(
        TableStyle(
            [
                TABLE_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def grid(header: list[str], rows: list[list], widths: list[float]) -> Table:
    """A ruled table; cells may be strings or flowables."""

    def cell(value):
        return text(value, "cell") if isinstance(value, str) else value

    table = Table(
        [[cell(h) for h in header], *[[cell(v) for v in row] for row in rows]], colWidths=widths, repeatRows=1
    )
    table.setStyle(TableStyle(TABLE_STYLE))
    return table


def evidence_table(rows: list[tuple[str, str, str, list[tuple[str, str]]]]) -> Table:
    """The evidence list: number, name and what it proves on one row, and below them the
    labelled SHA-256 checksums on a full-width row, so each fits on one line."""
    data, style = [[text(h, "cell") for h in ("序号", "证据名称", "证明内容")]], []
    for number, name, proves, digests in rows:
        data.append([text(number, "cell"), text(name, "cell"), text(proves, "cell")])
        lines = "<br/>".join(f'<font name="{SONG}">{escape(label)}</font> {escape(d)}' for label, d in digests)
        data.append(["", Paragraph(lines, STYLES["hash"]), ""])
        row = len(data) - 1
        style += [("SPAN", (1, row), (2, row)), ("SPAN", (0, row - 1), (0, row))]
    table = Table(data, colWidths=[12 * mm, 70 * mm, FRAME_WIDTH - 82 * mm], repeatRows=1)
    table.setStyle(TableStyle([*TABLE_STYLE, *style]))
    return table


def pdf_image(data: bytes) -> Image:
    """An image scaled to fit IMAGE_BOX, re-encoded as JPEG at print resolution.
    `data` is a sanitised evidence file (complaints.images): JPEG, PNG or WebP."""
    with PILImage.open(io.BytesIO(data)) as source:
        source.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
        picture = source.convert("RGB")
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    out.seek(0)
    scale = min(IMAGE_BOX[0] / picture.width, IMAGE_BOX[1] / picture.height)
    return Image(out, width=picture.width * scale, height=picture.height * scale)


def image_grid(items: list[tuple[str, bytes]]) -> list:
    """Captioned images, two to a row, each row kept on one page."""
    flowables = []
    for start in range(0, len(items), 2):
        pair = items[start : start + 2]
        row = [[text(caption, "cell"), pdf_image(data)] for caption, data in pair]
        if len(row) == 1:
            row.append("")
        table = Table([row], colWidths=[FRAME_WIDTH / 2] * 2)
        table.setStyle(TableStyle([TABLE_FONT, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        flowables.append(KeepTogether([table, Spacer(1, 4 * mm)]))
    return flowables


def signature(lines: list[str]) -> list:
    return [Spacer(1, 8 * mm), *[text(line) for line in lines]]


def build(story: list, *, title: str, footer: str) -> bytes:
    """Lay `story` out on A4 pages with `footer` and the page number on each; the PDF's bytes."""

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(SONG, 8)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(MARGIN, 10 * mm, printable(footer))
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="Tousu",
        creator="Tousu",
        # A canvas starts in Helvetica and names it on every page even when nothing is
        # set in it, which would leave one font for the viewer to supply: start in ours.
        initialFontName=SONG,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
