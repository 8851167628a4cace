"""Make the font the paperwork PDFs embed: a subset of WenQuanYi Micro Hei (文泉驿微米黑).

Run once, by hand, where the Debian package fonts-wqy-microhei is installed:

    .venv/bin/python scripts/make_paperwork_font.py

and commit escalation/paperwork/fonts/WenQuanYiMicroHei-Paperwork.ttf with its licence
(LICENSE-WenQuanYiMicroHei.txt beside it). The PDFs are made from the committed file, so
no machine that builds them needs the font installed.

Why a subset: the collection holds two faces and 49,531 glyphs (5 MB). The paperwork
needs one face and the characters a Chinese consumer types: every character of GBK
(GB 2312's 6,763 and the rest of the unified ideographs GBK encodes, which covers the
names and places of the mainland), ASCII, Latin-1, the general punctuation, the CJK
symbols and the full-width forms. ReportLab subsets it again for each PDF, so a PDF
carries only the glyphs it uses.

WenQuanYi Micro Hei is licensed under the Apache License 2.0 or GPLv3 with the font
exception; a subset is a derivative work, distributed under the same terms.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TARGET = (
    Path(__file__).resolve().parent.parent / "escalation" / "paperwork" / "fonts" / "WenQuanYiMicroHei-Paperwork.ttf"
)
FAMILY = "WenQuanYi Micro Hei"  # face 0 of the collection; face 1 is the monospaced one

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 (¥, ×, ·)
    (0x2000, 0x206F),  # general punctuation (—, “”, …)
    (0x2100, 0x218F),  # letter-like symbols and number forms (№, Ⅰ)
    (0x2190, 0x21FF),  # arrows (→ in the app's steps)
    (0x2460, 0x24FF),  # enclosed numbers (①)
    (0x25A0, 0x25FF),  # geometric shapes (□ for check boxes)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # full-width forms
]


def gbk_characters() -> set[int]:
    """Every character GBK encodes (two-byte lead 0x81-0xFE, trail 0x40-0xFE without 0x7F)."""
    found = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                found.add(ord(bytes([lead, trail]).decode("gbk")))
            except UnicodeDecodeError:
                continue
    return found


def wanted() -> set[int]:
    codepoints = gbk_characters()
    for start, end in RANGES:
        codepoints.update(range(start, end + 1))
    return codepoints


def main() -> int:
    collection = TTCollection(str(SOURCE))
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == FAMILY)
    cmap = font.getBestCmap()
    unicodes = sorted(c for c in wanted() if c in cmap)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    options.hinting = False  # print and screen at phone sizes: hinting adds a third to the size
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET}: {len(unicodes)} characters, {TARGET.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
