"""Chinese text takes full-width punctuation (GB/T 15834): ，：；（） beside Han characters.

ASCII punctuation stays right inside Latin runs, placeholders, URLs and times
("%(name)s", "https://…", "09:00"), so only marks that touch Chinese text count.
"""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(ROOT.glob("locale/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
)

# Placeholders and URLs are code, not prose: their ASCII marks are not punctuation.
NOT_PROSE = re.compile(r"%\([a-z_0-9]+\)[sdfr]|%[sdfr]|\{[a-z_0-9]*\}|https?://\S+|\b(?:tel|mailto):|<[^>]+>")
# Han characters and the full-width punctuation that sits beside them.
CHINESE = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
BESIDE_CHINESE = re.compile(rf"{CHINESE} *[,:;?!]|[,:;?!] *{CHINESE}|[,:;] *$")
ROUND_BRACKETS = re.compile(r"(.?) *\(([^()]*)\) *(.?)")


def half_width_marks_in_chinese(text):
    """Return the ASCII , : ; ( ) that touch Chinese text in one translated string.

    1. Drop placeholders, URLs and markup, which keep their ASCII marks; what is left
       either side of a placeholder still reads as one sentence.
    2. A comma, colon or semicolon counts when the nearest character either side is
       Chinese, or when it ends a string that has Chinese in it.
    3. A pair of round brackets counts when what it holds, or what sits right outside it, is Chinese.
    """
    prose = NOT_PROSE.sub("", text)
    if not re.search(CHINESE, prose):
        return []
    found = [match.group(0) for match in BESIDE_CHINESE.finditer(prose)]
    for before, inside, after in ROUND_BRACKETS.findall(prose):
        if re.search(CHINESE, before + inside + after):
            found.append(f"({inside})")
    return found


def translations(path):
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale="zh_Hans")
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            yield message.id, string


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("您的投诉,有人听、有人跟", ["诉,"]),
        ("第 1 步(共 2 步):", [":", "(共 2 步)"]),
        ("实付金额(元)", ["(元)"]),
        ("服务时间 09:00-18:00", []),
        ("%(name)s,您好", [",您"]),
        ("您的投诉 %(reference)s,%(body)s的期限", ["诉 ,"]),
        ("证据打包为 ZIP:", [":"]),
        ("Evidence as ZIP:", []),
        ("详见 https://example.com/a,b", []),
        ("链接以 tel: 或 mailto: 开头", []),
        ("Tousu (beta) version", []),
        ("实付金额（元）：", []),
        ("您想向哪里投诉?", ["诉?"]),
        ("确定撤回吗?撤回后无法恢复", ["吗?"]),
        ("What now?", []),
    ],
)
def test_half_width_marks_are_found_only_beside_chinese(text, marks):
    assert half_width_marks_in_chinese(text) == marks


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_translations_use_full_width_punctuation(path):
    offending = {msgid: marks for msgid, string in translations(path) if (marks := half_width_marks_in_chinese(string))}
    assert offending == {}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_chinese_translations_address_the_reader_as_nin(path):
    """您 throughout: a site that handles a person's complaint does not say 你."""
    familiar = sorted(msgid for msgid, string in translations(path) if "你" in string)
    assert familiar == []
