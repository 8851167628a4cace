"""The facts of an order: platform, order number, amount paid, order time, shop, status
(pure functions over the lines OCR found; issue 21 part 4).

They are read by what they look like and where they are, not by one app's wording:

- the order number by its shape (Pinduoduo: YYMMDD-, then 15 digits; Taobao and Tmall:
  18 or 19 digits), beside or under an order label (订单编号, 订单号码, …) or a 复制
  button, never a parcel or payment number (物流单号, 支付宝交易号);
- the amount by ¥, ￥ or 元 nearest a payment word (实付, 实付款, 合计, 应付, 付款金额),
  on its row or just under it; the ¥ and the decimals may be separate, smaller boxes;
- the order time in any common Chinese format (dates.py): the one labelled as the
  order's time (下单, 创建, 成交, 提交 …时间), else the earliest on the page, since an
  order is paid, shipped and received after it is placed;
- the shop: after a shop label (店铺名称), else the line its row marks with a chevron
  or a shop button (进店, 联系商家), or that stands above the product title; never a button.

A screenshot is an order source, and gives facts, only when it shows two of: the order
number by its label or 复制, the amount by its payment word, the order time by its label,
an order page title. An order page is one; so is a chat holding an order card. A chat
that quotes a number and a price, a product page, a home feed show at most one: nothing.
"""

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import ValidationError

from platforms.orders import OrderNumberKind, normalise_order_number

from .dates import datetimes_in
from .engine import TextBox
from .lines import Fact, Line, below, lines_of, right_of, same_row

FIELDS = ("platform", "order_number", "amount", "ordered_at", "shop_name", "status")
MIN_CUES = 2

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

_TITLE = re.compile(r"^(订单详情|订单信息)$")
_NUMBER_LABEL = re.compile(r"^(订单|单号|编号)[\u4e00-\u9fff]{0,3}[:：]?\s*$")
_DECOY_LABEL = re.compile(r"物流|快递|运单|包裹|交易号|流水|支付宝|微信|退款|售后|发票")
_PDD_NUMBER = re.compile(r"(?<![\d-])(\d{6})\s*-?\s*(\d{15})(?![\d-])")
_TAOBAO_NUMBER = re.compile(r"(?<![\d-])(\d{18,19})(?![\d-])")
_COPY = re.compile(r"^复制")
_PAYMENT_WORD = re.compile(
    r"^(实付款|实付金额|实付|付款金额|合计|应付款|应付金额|应付|需付款)(?![\u4e00-\u9fff])[:：]?"
)
# Money: a currency sign or 元 or two decimals; the sign often reads as Y or ¥ in a box of its own.
_MONEY = re.compile(r"([¥Y])?\s*(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\s*\.\s*(\d{1,2}))?\s*(元)?")
_ORDER_TIME_LABEL = re.compile(r"^(下单|创建|成交|提交|拍下|订单|购买)(时间|日期)")
_SHOP_LABEL = re.compile(r"^(店铺名称|店铺|商家名称|商家|卖家名称|卖家)[:：]\s*|^(店铺名称|商家名称)\s*")
_SHOP_BUTTON = re.compile(r"^(进店|进入店铺|联系商家|联系卖家|店铺)\s*[>〉›»]?$")
_CHEVRON = re.compile(r"\s*[>〉›»]+$")
_SHOP_SUFFIX = re.compile(r"(旗舰店|专营店|专卖店|官方店|小店|企业店|店铺|商行|超市|店)$")
# Buttons and interface words: never a shop name.
_NOT_A_SHOP = re.compile(
    r"进店|联系|复制|查看|申请|售后|确认|再次|购买|评价|删除|客服|订单|物流|全部|详情|收货|时间|方式|总价|优惠|运费|"
    r"实付|合计|应付|付款|金额|商品|宝贝|信息|购物车|收藏|推荐|猜你"
)


def order_facts(boxes: list[TextBox], *, today: dt.date) -> dict[str, Fact]:
    """The facts of an order source; {} for any other screenshot. `today` is the day the
    screenshot was uploaded: no Pinduoduo number or year-less date lies after it."""
    lines = lines_of(boxes)
    number, number_cue = _order_number(lines, today)
    amount = _amount(lines)
    ordered_at, time_cue = _ordered_at(lines, today)
    cues = number_cue + (amount is not None) + time_cue + any(_TITLE.match(line.text) for line in lines)
    if cues < MIN_CUES:
        return {}
    found = {
        "order_number": number,
        "platform": _platform(lines, number),
        "amount": amount,
        "ordered_at": ordered_at,
        "shop_name": _shop_name(lines),
        "status": _status(lines),
    }
    return {name: fact for name, fact in found.items() if fact}


def is_order_source(boxes: list[TextBox], *, today: dt.date) -> bool:
    return bool(order_facts(boxes, today=today))


def _row(lines: list[Line], line: Line) -> list[Line]:
    """The lines on `line`'s row, left to right."""
    return sorted((o for o in lines if same_row(line, o) or same_row(o, line)), key=lambda o: o.box[0])


def _left_label(lines: list[Line], line: Line, start: int) -> str:
    """The text before position `start` of `line` and the boxes left of it on its row."""
    before = [o.text for o in _row(lines, line) if o.box[2] <= line.box[0] + line.height // 2 and o is not line]
    return " ".join(before + [line.text[:start]]).strip()


def _order_number(lines: list[Line], today: dt.date) -> tuple[Fact | None, bool]:
    """The best order-number candidate and whether a label or 复制 vouches for it."""
    best = None
    for line in lines:
        text = line.text.replace(" ", "")
        for pattern, kind in ((_PDD_NUMBER, OrderNumberKind.PINDUODUO), (_TAOBAO_NUMBER, OrderNumberKind.TAOBAO)):
            for match in pattern.finditer(text):
                try:
                    value = normalise_order_number(kind, match.group(0), today=today)
                except ValidationError:
                    continue
                label = _left_label(lines, line, match.start())
                above = [
                    o.text for o in lines if o.box[3] <= line.box[1] + 2 and o.box[3] >= line.box[1] - 1.5 * line.height
                ]
                context = label or (above[-1] if above else "")
                if _DECOY_LABEL.search(label) or (not label and _DECOY_LABEL.search(context)):
                    continue
                labelled = bool(_NUMBER_LABEL.match(re.sub(r"\s+", "", context)))
                copy = any(_COPY.match(o.text) for o in right_of(lines, line)) or _COPY.match(
                    text[match.end() :] or "-"
                )
                copy = copy or any(
                    _COPY.match(o.text) for o in below(lines, line, within=0.9) if o.box[0] > line.box[0]
                )
                weight = 2 * labelled + bool(copy)
                if best is None or weight > best[0]:
                    best = (weight, Fact(value, round(line.score * (0.95 if weight else 0.6), 3), line.box))
            if pattern is _PDD_NUMBER and best and "-" in best[1].value:
                break
    return (best[1], best[0] > 0) if best else (None, False)


def _platform(lines, number: Fact | None) -> Fact | None:
    texts = [line.text for line in lines]
    if number and "-" in number.value:
        return Fact("pinduoduo", 0.95)
    if any(text.startswith("天猫") or "Tmall" in text or "TMALL" in text for text in texts):
        return Fact("tmall", 0.9)
    if any("拼多多" in text for text in texts):
        return Fact("pinduoduo", 0.8)
    if any("淘宝" in text for text in texts) or number:
        # An 18-19 digit order number without Tmall's mark: Taobao, the likelier of the two.
        return Fact("taobao", 0.7)
    return None


def _money_in(text: str) -> Decimal | None:
    for match in _MONEY.finditer(text):
        sign, whole, cents, yuan = match.groups()
        if not (sign or yuan or (cents and len(cents) == 2)):
            continue
        return Decimal(whole.replace(",", "") + "." + (cents or "0").ljust(2, "0"))
    return None


def _amount(lines: list[Line]) -> Fact | None:
    """The money nearest a payment word: right of it on its row, else just under it."""
    for line in lines:
        match = _PAYMENT_WORD.match(line.text)
        if not match:
            continue
        rest = [line.text[match.end() :]] + [o.text for o in right_of(lines, line)]
        value = _money_in("".join(rest).replace("¥", "¥").replace("￥", "¥"))
        if value is None:
            under = below(lines, line, within=1.6)
            if under:
                value = _money_in("".join(o.text for o in _row(lines, under[0])))
        if value is not None:
            return Fact(f"{value:.2f}", round(line.score * 0.95, 3), line.box)
    return None


def _ordered_at(lines: list[Line], today: dt.date) -> tuple[Fact | None, bool]:
    """The order time, and whether its label says so."""
    labelled, every = [], []
    for line in lines:
        row_text = "".join(o.text for o in _row(lines, line))
        for moment, _span in datetimes_in(line.text, today=today):
            every.append((moment, line))
            label = re.sub(r"\s+", "", row_text)
            if _ORDER_TIME_LABEL.match(label) or any(
                _ORDER_TIME_LABEL.match(o.text)
                for o in lines
                if o.box[3] <= line.box[1] + 2 and o.box[3] >= line.box[1] - 1.5 * line.height
            ):
                labelled.append((moment, line))
    chosen = labelled[0] if labelled else min(every, key=lambda item: item[0]) if every else None
    if not chosen:
        return None, False
    moment, line = chosen
    return Fact(moment.isoformat(), round(line.score * (0.95 if labelled else 0.7), 3), line.box), bool(labelled)


def _shop_name(lines: list[Line]) -> Fact | None:
    for line in lines:
        match = _SHOP_LABEL.match(line.text)
        if match:
            value = _clean_shop(line.text[match.end() :]) or _clean_shop(
                " ".join(o.text for o in right_of(lines, line)[:1])
            )
            if value:
                return Fact(value, round(line.score * 0.95, 3), line.box)
    best = None
    for line in lines:
        name = _clean_shop(line.text)
        if not name or _SHOP_BUTTON.match(line.text):
            continue
        neighbours = [o for o in _row(lines, line) if o is not line and o.box[0] >= line.box[2] - line.height]
        chevron = bool(_CHEVRON.search(line.text)) or any(o.text in {">", "〉", "›", "»"} for o in neighbours[:1])
        button = any(_SHOP_BUTTON.match(o.text) for o in neighbours)
        product = any(len(re.findall(r"[\u4e00-\u9fff]", o.text)) >= 8 for o in below(lines, line, within=3))
        suffix = bool(_SHOP_SUFFIX.search(name))
        weight = 2 * (chevron or button) + suffix + product
        if (weight >= 2 or suffix) and (best is None or weight > best[0]):
            best = (weight, Fact(name, round(line.score * min(0.95, 0.3 * weight), 3), line.box))
    return best[1] if best else None


def _clean_shop(text: str) -> str | None:
    """A shop name from its line: no chevron, shop icon misread as a bracket or colon,
    or platform mark; None for what cannot be a shop name."""
    name = re.sub(r"[\s>〉›»:.,]+$", "", text)
    name = re.sub(r"^[^\w\u4e00-\u9fff]+", "", name)
    name = re.sub(r"^(天猫|淘宝|店铺)\s*", "", name).strip()
    if len(name) < 2 or len(name) > 20 or _NOT_A_SHOP.search(name) or re.search(r"\d{3}|¥", name):
        return None
    if not re.search(r"[\u4e00-\u9fff]", name) or any(status in name for status in STATUSES):
        return None
    return name


def _status(lines) -> Fact | None:
    for line in lines:
        for status in STATUSES:
            if line.text == status or (line.text.startswith(status) and len(line.text) <= len(status) + 2):
                return Fact(status, round(line.score, 3), line.box)
    return None
