"""Which text on a screenshot may stay readable on a copy that leaves Tousu.

The rule is an allow-list: every line OCR found is blurred unless its whole text is one
of the things the recipient needs (issue 21 part 3). A rule that looks for personal data
misses what it was not written for (a name after "买家", an address with no province, a
landline); a rule that lets through only order numbers, amounts, dates, the order status,
the shop and the platform's own labels has no such hole: what it does not know, it blurs.

Pure functions over reading.engine.TextBox; reading.reader stores the boxes that pass
and reading.blur keeps exactly those clear.
"""

from __future__ import annotations

import datetime as dt
import re

from .engine import TextBox
from .extract import STATUSES, normalise

# The platforms' own interface words: labels, buttons, section titles. A line made only
# of these (and punctuation) says nothing about the consumer.
INTERFACE_WORDS = (
    "订单编号",
    "订单号码",
    "订单号",
    "复制",
    "下单时间",
    "创建时间",
    "成交时间",
    "付款时间",
    "支付时间",
    "发货时间",
    "收货时间",
    "完成时间",
    "实付款",
    "实付金额",
    "实付",
    "合计",
    "应付",
    "付款金额",
    "商品总价",
    "商品金额",
    "运费",
    "店铺优惠",
    "平台优惠",
    "优惠券",
    "红包",
    "支付方式",
    "微信支付",
    "支付宝",
    "订单详情",
    "订单信息",
    "查看物流",
    "物流信息",
    "申请售后",
    "联系商家",
    "联系客服",
    "进店",
    "再次购买",
    "确认收货",
    "延长收货",
    "删除订单",
    "更多",
    "退款",
    "售后",
    "评价",
    "免运费",
    "包邮",
    "交易快照",
    "发票",
    "拼单",
    "官方客服",
    "我的订单",
    "全部",
    "店铺",
    "共1件",
    "商品",
)
_WORD = "|".join(sorted(map(re.escape, INTERFACE_WORDS), key=len, reverse=True))
_LABELS_ONLY = re.compile(rf"^(?:(?:{_WORD})[\s:：>〉›»()（）,，.。/|-]*)+$")
_LABEL = rf"(?:(?:{_WORD})\s*[:：]?\s*)?"
# Pinduoduo YYMMDD-15 digits; Taobao and Tmall 18-19 digits.
_ORDER_NUMBER = r"(?:\d{6}-?\d{15}|\d{18,19})"
_AMOUNT = r"(?:[-−]?[¥￥]\s*\d{1,7}(?:,\d{3})*(?:\.\d{1,2})?|\d{1,7}(?:\.\d{2})\s*元?|\d{1,7}\s*元)"
_DATE = (
    r"(?:20\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"|\d{1,2}[-/月]\d{1,2}日?\s*\d{1,2}[:：]\d{2}|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)"
)
_ORDER_LINE = re.compile(rf"^{_LABEL}({_ORDER_NUMBER})(?:\s*复制)?$")
_AMOUNT_LINE = re.compile(rf"^{_LABEL}(?:共\d+件\s*)?{_AMOUNT}$")
_DATE_LINE = re.compile(rf"^{_LABEL}{_DATE}$")
_STATUS_WORDS = frozenset(STATUSES) | {"待付款", "待发货", "待收货", "待评价", "已签收", "交易成功", "交易关闭"}


def _looks_like_id_number(digits: str) -> bool:
    """18 characters whose 7th-14th are a birth date: a resident ID number, whatever
    its check digit says (OCR misreads it), so never let through as an order number."""
    if len(digits) != 18:
        return False
    try:
        born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2030


def allowed(text: str, *, shop_name: str | None = None) -> bool:
    """Whether a line of OCR text may stay readable: its whole text is an order number,
    an amount, a date or time, an order status, interface labels, or the shop's name,
    each optionally after one of the platform's labels."""
    line = re.sub(r"\s+", " ", normalise(text)).strip()
    if not line:
        return False
    if _LABELS_ONLY.match(line) or line in _STATUS_WORDS:
        return True
    if shop_name and line.rstrip(" >〉›»") == shop_name:
        return True
    order = _ORDER_LINE.match(line)
    if order:
        return not _looks_like_id_number(order.group(1).replace("-", ""))
    return bool(_AMOUNT_LINE.match(line) or _DATE_LINE.match(line))


def shareable_boxes(boxes: list[TextBox], *, shop_name: str | None = None) -> list[tuple[int, int, int, int]]:
    """The boxes of the lines that may stay readable (`allowed`); everything else on the
    copy is blurred."""
    return [tuple(box.box) for box in boxes if allowed(box.text, shop_name=shop_name)]
