"""The paperwork PDFs carry their own font: poppler's pdffonts lists every font of both
PDFs as embedded, so no viewer substitutes a face of its own (the built-in CID font
STSong-Light we used before was a reference, not a font)."""

import subprocess

import pytest
from django.urls import reverse

from escalation.paperwork import layout
from tests.escalation import test_paperwork as paperwork_tests

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.frozen_at("2026-11-20 09:00"),
    pytest.mark.usefixtures("ocr_refused_in_requests"),
]
overdue, consented = paperwork_tests.overdue, paperwork_tests.consented


def fonts_of(data: bytes, tmp_path) -> list[dict[str, str]]:
    """pdffonts' table: one dict per font (name, type, emb)."""
    path = tmp_path / "paper.pdf"
    path.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    rows = []
    for line in lines[2:]:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, generation
        rows.append({"name": parts[0], "emb": parts[-5], "uni": parts[-3]})
    return rows


@pytest.mark.parametrize("kind", ["12315", "court"])
def test_every_font_of_each_pdf_is_embedded_with_a_unicode_map(consented, client, tmp_path, kind):
    client.force_login(consented.owner)
    data = client.get(reverse("escalation:paperwork_pdf", args=[consented.reference, kind])).content
    fonts = fonts_of(data, tmp_path)
    assert fonts, "pdffonts found no font"
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert all(font["uni"] == "yes" for font in fonts), fonts  # text stays searchable
    assert {font["name"].split("+", 1)[-1] for font in fonts} == {layout.SONG}


def test_the_committed_font_is_the_wenquanyi_subset_with_its_licence():
    from fontTools.ttLib import TTFont

    font = TTFont(str(layout.FONT_FILE))
    assert font["name"].getDebugName(1) == "WenQuanYi Micro Hei"
    cmap = font.getBestCmap()
    # Every character of GB 2312 level 1 and the letter's punctuation.
    for character in "投诉书民事起诉状被告上海寻梦信息技术有限公司（请核对）：；“”、。￥¥×—":
        assert ord(character) in cmap, character
    licence = (layout.FONT_FILE.parent / "LICENSE-WenQuanYiMicroHei.txt").read_text()
    assert "Apache License" in licence and "Font exception" in licence
