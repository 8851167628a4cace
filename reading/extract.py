"""What a screenshot says, from the lines of text OCR found on it (pure functions).

`order_facts` reads the facts of an order-detail page of Pinduoduo, Taobao or Tmall;
on any other page (a chat, a product photo) it finds none, even if an order number or a
price shows. `personal_data` finds the boxes to blur on any screenshot.

Both work on `TextBox`es (text, box, OCR score), so they are tested by feeding boxes,
without running OCR. Each fact carries a confidence in [0, 1]: the OCR score of the
text it came from, lowered when the fact was found by a weaker clue.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from platforms.orders import OrderNumberKind, normalise_order_number

from .engine import TextBox

FIELDS = ("platform", "order_number", "amount", "ordered_at", "shop_name", "status")

# Labels of an order-detail page, one group per thing it shows. A page is an order page
# when it shows at least two groups: a chat quoting an order number shows one.
_ORDER_NUMBER_LABEL = re.compile(r"^(订单编号|订单号)[:：]?")
_ORDERED_AT_LABEL = re.compile(r"^(下单时间|创建时间)[:：]?")
_AMOUNT_LABEL = re.compile(r"^(实付款|实付金额|实付)[:：]?")
_PAGE_LABELS = (
    _ORDER_NUMBER_LABEL,
    _ORDERED_AT_LABEL,
    _AMOUNT_LABEL,
    re.compile(r"^订单详情"),
    re.compile(r"^商品总价"),
    re.compile(r"^(支付方式|付款方式|付款时间)"),
)
MIN_PAGE_LABELS = 2

STATUSES = (
    "等待买家付款",
    "等待卖家发货",
    "等待买家收货",
    "卖家已发货",
    "交易成功",
    "交易关闭",
    "退款成功",
    "退款中",
    "待付款",
    "待发货",
    "待收货",
    "待评价",
    "已签收",
    "已发货",
    "已完成",
    "已取消",
    "拼单成功",
)
_SHOP_SUFFIX = re.compile(r"(旗舰店|专营店|专卖店|官方店|小店|企业店|店铺|商行|超市|店)$")
_NOT_A_SHOP = re.compile(r"订单|查看|物流|全部|售后|客服|详情|复制|收货|时间|方式|总价|优惠|运费|实付")
_CHEVRON = re.compile(r"\s*[>〉›»]+$")
_MONEY = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?!\d)")
_DATE_TIME = re.compile(r"(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
_PDD_SHAPE = re.compile(r"\d{6}-?\d{15}")


@dataclass(frozen=True)
class Fact:
    value: str
    confidence: float
    box: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class PersonalBox:
    kind: str  # phone, id_number, email, bank_card, name, address
    box: tuple[int, int, int, int]


def normalise(text: str) -> str:
    """Full-width digits, letters, colons and ￥ as their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class _Line:
    text: str
    box: tuple[int, int, int, int]
    score: float


def _lines(boxes: list[TextBox]) -> list[_Line]:
    found = [_Line(normalise(b.text).strip(), tuple(b.box), b.score) for b in boxes if b.text.strip()]
    return sorted(found, key=lambda line: (line.box[1], line.box[0]))


def _same_row(a: _Line, b: _Line) -> bool:
    centre = (b.box[1] + b.box[3]) / 2
    return a.box[1] <= centre <= a.box[3]


def _right_of(lines: list[_Line], line: _Line) -> list[_Line]:
    return sorted(
        (o for o in lines if o is not line and _same_row(line, o) and o.box[0] >= line.box[0]), key=lambda o: o.box[0]
    )


def _labelled_values(lines: list[_Line], label: re.Pattern):
    """For each line starting with `label`: the candidate texts of its value, best
    first (the next box on the row alone, then what follows the label in the same box,
    then both joined: OCR sometimes repeats the value's first character in the label box),
    each with its box and score."""
    for line in lines:
        match = label.match(line.text)
        if not match:
            continue
        rest = line.text[match.end() :].strip()
        following = _right_of(lines, line)
        if following:
            nxt = following[0]
            yield nxt.text, nxt.box, min(line.score, nxt.score)
            if rest:
                yield rest + nxt.text, (line.box[0], line.box[1], nxt.box[2], nxt.box[3]), min(line.score, nxt.score)
        if rest:
            yield rest, line.box, line.score


def is_order_page(lines: list[_Line]) -> bool:
    shown = {i for i, label in enumerate(_PAGE_LABELS) for line in lines if label.match(line.text)}
    return len(shown) >= MIN_PAGE_LABELS


def order_facts(boxes: list[TextBox], *, today: dt.date) -> dict[str, Fact]:
    """The facts of an order-detail page; {} for any other page."""
    lines = _lines(boxes)
    if not is_order_page(lines):
        return {}
    facts = {}
    number = _order_number(lines, today)
    if number:
        facts["order_number"] = number
    platform = _platform(lines, number)
    if platform:
        facts["platform"] = platform
    for name, finder in (
        ("amount", _amount),
        ("ordered_at", _ordered_at),
        ("shop_name", _shop_name),
        ("status", _status),
    ):
        fact = finder(lines)
        if fact:
            facts[name] = fact
    return facts


def _order_number(lines, today) -> Fact | None:
    for text, box, score in _labelled_values(lines, _ORDER_NUMBER_LABEL):
        candidate = re.sub(r"[^0-9-]", "", text.split("复制")[0])
        kind = OrderNumberKind.PINDUODUO if _PDD_SHAPE.fullmatch(candidate) else OrderNumberKind.TAOBAO
        try:
            value = normalise_order_number(kind, candidate, today=today)
        except ValidationError:
            continue
        return Fact(value, round(score, 3), box)
    return None


def _platform(lines, number: Fact | None) -> Fact | None:
    texts = [line.text for line in lines]
    if number and "-" in number.value:
        return Fact("pinduoduo", 0.95)
    if any(text.startswith("天猫") or "Tmall" in text or "TMALL" in text for text in texts):
        return Fact("tmall", 0.9)
    if any("拼多多" in text for text in texts):
        return Fact("pinduoduo", 0.8)
    if any("淘宝" in text for text in texts) or number:
        # A 15-19 digit order number without Tmall's mark: Taobao, the likelier of the two.
        return Fact("taobao", 0.7)
    return None


def _amount(lines) -> Fact | None:
    for text, box, score in _labelled_values(lines, _AMOUNT_LABEL):
        match = _MONEY.search(text)
        if match:
            value = Decimal(match.group(1).replace(",", "") + "." + match.group(2))
            return Fact(f"{value:.2f}", round(score, 3), box)
    return None


def _ordered_at(lines) -> Fact | None:
    for text, box, score in _labelled_values(lines, _ORDERED_AT_LABEL):
        match = _DATE_TIME.search(text)
        if not match:
            continue
        parts = [int(part or 0) for part in match.groups()]
        try:
            value = dt.datetime(*parts)
        except ValueError:
            continue
        return Fact(value.isoformat(), round(score, 3), box)
    return None


def _shop_name(lines) -> Fact | None:
    best = None
    for line in lines:
        text = line.text
        chevron = bool(_CHEVRON.search(text)) or any(o.text in {">", "〉", "›"} for o in _right_of(lines, line)[:1])
        # The shop icon and the chevron are sometimes read as a bracket or a colon.
        name = re.sub(r"[\s>〉›»:.,]+$", "", text)
        name = re.sub(r"^[^\w\u4e00-\u9fff]+", "", name)
        name = re.sub(r"^(天猫|淘宝|店铺)\s*", "", name).strip()
        if len(name) < 2 or _NOT_A_SHOP.search(name) or not re.search(r"[\u4e00-\u9fff]", name):
            continue
        suffix = bool(_SHOP_SUFFIX.search(name))
        weight = 0.95 if (suffix and chevron) else 0.8 if suffix else 0.6 if chevron else 0
        if weight and (best is None or weight > best[0]):
            best = (weight, Fact(name, round(line.score * weight, 3), line.box))
    return best[1] if best else None


def _status(lines) -> Fact | None:
    for line in lines:
        for status in STATUSES:
            if line.text == status or (line.text.startswith(status) and len(line.text) <= len(status) + 2):
                return Fact(status, round(line.score, 3), line.box)
    return None


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
