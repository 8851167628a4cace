"""What a screenshot says, from the lines of text OCR found on it (pure functions).

`order_facts` (reading/order_facts.py) reads the facts of an order source: an
order-detail page of Pinduoduo, Taobao or Tmall, or a chat holding an order card; on any
other screenshot (a chat, a product page, a home feed) it finds none, even if an order
number or a price shows. `personal_data` finds the boxes to blur on any screenshot.

Both work on `TextBox`es (text, box, OCR score), so they are tested by feeding boxes,
without running OCR. Each fact carries a confidence in [0, 1]: the OCR score of the
text it came from, lowered when the fact was found by a weaker clue.
"""

import re
import unicodedata
from dataclasses import dataclass

from .engine import TextBox
from .lines import Fact, normalise
from .lines import Line as _Line
from .lines import lines_of as _lines
from .lines import same_row as _same_row
from .order_facts import FIELDS, STATUSES, order_facts

__all__ = ["FIELDS", "STATUSES", "Fact", "PersonalBox", "normalise", "order_facts", "personal_data"]


@dataclass(frozen=True)
class PersonalBox:
    kind: str  # phone, id_number, email, bank_card, name, address
    box: tuple[int, int, int, int]


# --- Personal data -------------------------------------------------------------

_PHONE = re.compile(r"(?<![\d*])(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?![\d*])")
_MASKED_PHONE = re.compile(r"(?<![\d*])1[3-9]\d[*xX]{4}\d{4}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){15,18}(?![\d-])")
_NAME_LABEL = re.compile(r"(收货人|收件人|联系人)[:：]?\s*([\u4e00-\u9fff·]{2,5})")
_NAME_BEFORE = re.compile(r"(?:^|\s)([\u4e00-\u9fff·]{2,4})\s*$")
_NOT_A_NAME = re.compile(r"电话|手机|号码|联系|收货|地址|客服|我的")
# Numbers that are references, not personal data: never blur an order number.
_REFERENCE_CONTEXT = re.compile(r"单号|订单|编号|交易号|流水号")
_PROVINCE_START = re.compile(
    r"^(收货地址[:：]?\s*)?([\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,8}自治区|北京市|天津市|上海市|重庆市|香港|澳门)"
)
_ADDRESS_PART = re.compile(r"[市区县镇乡村]|街道|路|街|巷|弄|号|栋|幢|楼|室|单元")


def _char_units(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _sub_box(line: _Line, start: int, end: int) -> tuple[int, int, int, int]:
    """The part of a line's box holding characters [start, end), measuring wide (CJK)
    characters as two units, plus half a unit each side since OCR boxes are loose."""
    units = [_char_units(c) for c in line.text]
    total = sum(units) or 1
    x0, y0, x1, y1 = line.box
    per_unit = (x1 - x0) / total
    left = x0 + sum(units[:start]) * per_unit - per_unit / 2
    right = x0 + sum(units[:end]) * per_unit + per_unit / 2
    return (max(x0, int(left)), y0, min(x1, int(round(right))), y1)


def _luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def id_number_valid(number: str) -> bool:
    """GB 11643: the 18th character is the ISO 7064 MOD 11-2 check of the first 17."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    return "10X98765432"[total % 11] == number[17].upper()


def personal_data(boxes: list[TextBox], *, exclude: list[tuple] = ()) -> list[PersonalBox]:
    """The boxes of personal data on any screenshot. Numbers inside an `exclude` box
    (the order number that was read) or next to a reference label are never taken."""
    lines = _lines(boxes)
    found: list[PersonalBox] = []
    address_lines: list[_Line] = []
    for line in lines:
        for kind, start, end in _matches_in(line, lines):
            box = _sub_box(line, start, end)
            if kind == "name" or not any(_overlaps(box, other) for other in exclude):
                found.append(PersonalBox(kind, box))
        if _is_address(line, address_lines):
            address_lines.append(line)
            found.append(PersonalBox("address", line.box))
    return found


def _matches_in(line: _Line, lines: list[_Line]):
    """(kind, start, end) of each piece of personal data in one line's text."""
    text = line.text
    row_text = " ".join(o.text for o in lines if _same_row(line, o) and o.box[0] <= line.box[0])
    reference_row = bool(_REFERENCE_CONTEXT.search(row_text))
    phones = []
    for pattern in (_PHONE, _MASKED_PHONE):
        for match in pattern.finditer(text):
            phones.append(match.span())
            yield "phone", match.start(), match.end()
            before = _NAME_BEFORE.search(text[: match.start()])
            if before and not _NOT_A_NAME.search(before.group(1)):
                yield "name", before.start(1), before.end(1)
    for match in _ID_NUMBER.finditer(text):
        if id_number_valid(match.group()) and not reference_row:
            yield "id_number", match.start(), match.end()
    for match in _EMAIL.finditer(text):
        yield "email", match.start(), match.end()
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        inside_phone = any(s <= match.start() < e for s, e in phones)
        if _luhn(digits) and not reference_row and not inside_phone:
            yield "bank_card", match.start(), match.end()
    for match in _NAME_LABEL.finditer(text):
        yield "name", match.start(2), match.end(2)


def _is_address(line: _Line, previous: list[_Line]) -> bool:
    if _PROVINCE_START.search(line.text) and len(_ADDRESS_PART.findall(line.text)) >= 2:
        return True
    if not previous:
        return False
    # The wrapped rest of the address line just above: same left edge, next line down.
    last = previous[-1]
    height = last.box[3] - last.box[1]
    aligned = abs(line.box[0] - last.box[0]) <= height
    next_line = 0 <= line.box[1] - last.box[3] <= height * 1.5
    return aligned and next_line and bool(re.search(r"\d|" + _ADDRESS_PART.pattern, line.text))


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
