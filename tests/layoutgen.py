"""Screenshots in layouts the extraction was not written for (issue 21 part 4), for
tests/test_reading_layouts.py and bench/layout_bench.py.

Two splits, each with its own seed, wordings, fonts, widths, status and navigation bars
and layout orders (`VARIATIONS`): "tuning" was looked at while writing reading/extract.py;
"heldout" was written first and never looked at while tuning. Each split draws order
pages (on screen, or long screenshots of the whole page), chats holding an order card
(an order source: its facts are read), and pages that are not order pages (chats quoting
a number and a price, product pages with a shop and 进店, home feeds full of prices).

Each screenshot's labels hold the facts a reader should find (None for what is not shown
or not an order source) and `uploaded`, the day it was uploaded: a date shown without a
year ("03-02 12:30") is the most recent such date not after it.

Fonts: WenQuanYi (fonts-wqy-*), Noto CJK sans and serif, regular and bold
(fonts-noto-cjk) and AR PL UMing (fonts-arphic-uming), which .ci/run installs.
`missing_fonts()` names what is missing; drawing with a missing font raises.
"""

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from PIL import ImageDraw, ImageFont

from .screenshotgen import ACCENT, PLATFORMS, THEMES, Page, Screenshot

WQY = "/usr/share/fonts/truetype/wqy/"
NOTO = "/usr/share/fonts/opentype/noto/"
# family: (file, index in the collection: the Simplified Chinese face), Debian package
FONTS = {
    "wqy-microhei": ((WQY + "wqy-microhei.ttc", 0), "fonts-wqy-microhei"),
    "wqy-zenhei": ((WQY + "wqy-zenhei.ttc", 0), "fonts-wqy-zenhei"),
    "noto-sans-bold": ((NOTO + "NotoSansCJK-Bold.ttc", 2), "fonts-noto-cjk"),
    "noto-sans": ((NOTO + "NotoSansCJK-Regular.ttc", 2), "fonts-noto-cjk"),
    "noto-serif": ((NOTO + "NotoSerifCJK-Regular.ttc", 2), "fonts-noto-cjk"),
    "noto-serif-bold": ((NOTO + "NotoSerifCJK-Bold.ttc", 2), "fonts-noto-cjk"),
    "uming": (("/usr/share/fonts/truetype/arphic/uming.ttc", 0), "fonts-arphic-uming"),
}

VARIATIONS = {
    "tuning": {
        "widths": (750, 828, 1080, 1170),
        "aspect": 2.16,
        "fonts": ("wqy-microhei", "noto-sans-bold", "noto-serif"),
        "number_labels": ("订单编号", "订单号"),
        "time_labels": ("下单时间", "创建时间"),
        "paid_labels": ("实付款", "实付", "实付金额"),
        "shop_styles": ("chevron", "enter_button"),
        "date_formats": ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%m-%d %H:%M"),
        "number_layouts": ("inline", "inline_copy"),
        "bars": "ios",
        "shuffle_info": False,
        "decoys": False,
        "amount_in_footer": 0.0,
        "long_share": 0.25,
        "jpeg": (50, 60, 75, 90),
        "shops": (
            "优品家居旗舰店",
            "小米官方旗舰店",
            "李宁运动专营店",
            "果园鲜生水果店",
            "南极人服饰专卖店",
            "三只松鼠旗舰店",
            "绿源农家小店",
        ),
        "products": (
            "加厚保暖羽绒服男款冬季外套连帽中长款",
            "无线蓝牙耳机降噪运动跑步入耳式长续航",
            "新鲜赣南脐橙10斤装当季水果整箱包邮",
            "家用电热水壶大容量不锈钢自动断电",
        ),
        "chat": ("您好，我的快递三天了还没到", "亲，这边帮您查询一下物流哦", "收到的东西是坏的，怎么处理"),
    },
    "heldout": {
        "widths": (790, 945, 1125, 1242, 1290),
        "aspect": 2.22,
        "fonts": ("uming", "noto-serif-bold", "noto-sans", "wqy-zenhei"),
        "number_labels": ("订单号码", "订单号", "订单编号"),
        "time_labels": ("成交时间", "提交时间", "下单时间"),
        "paid_labels": ("合计", "应付", "付款金额", "实付款"),
        "shop_styles": ("label", "contact_button", "chevron", "plain"),
        "date_formats": ("%Y年%m月%d日 %H:%M", "%m-%d %H:%M", "%Y.%m.%d %H:%M:%S", "%Y-%m-%d %H:%M"),
        "number_layouts": ("inline_copy", "below_copy", "right_copy"),
        "bars": "android",
        "shuffle_info": True,
        "decoys": True,
        "amount_in_footer": 0.3,
        "long_share": 0.35,
        "jpeg": (50, 55, 65, 85),
        "shops": (
            "华为终端官方旗舰店",
            "百草味食品专营店",
            "蕉下官方",
            "MUJI无印良品",
            "小熊电器",
            "欧莱雅官方旗舰店",
            "云南高原鲜花基地",
        ),
        "products": (
            "纯棉四件套床上用品全棉被套床单1.8米",
            "智能手环心率血氧监测运动计步防水",
            "冻干草莓脆休闲零食办公室小吃",
            "玫瑰鲜花速递生日礼物同城配送",
        ),
        "chat": ("请问什么时候能发货呀", "您好，仓库今天会安排的", "我收到的颜色不对", "亲亲，麻烦提供一下照片"),
    },
}
PAY_METHODS = ("微信支付", "支付宝", "多多支付", "花呗")


def missing_fonts(variation=None) -> list[str]:
    """The Debian packages missing for a split's fonts (for both splits when None)."""
    names = VARIATIONS[variation]["fonts"] if variation else FONTS
    return sorted({FONTS[name][1] for name in names if not Path(FONTS[name][0][0]).exists()})


class LayoutPage(Page):
    def __init__(self, width, height, theme, scale, rng, family):
        super().__init__(width, height, theme, scale, rng)
        (self.font_file, self.font_index), package = FONTS[family]
        if not Path(self.font_file).exists():
            raise FileNotFoundError(f"font {family} missing: install Debian's {package}")

    def font(self, size):
        return ImageFont.truetype(self.font_file, max(8, round(size * self.unit)), index=self.font_index)

    def width_of(self, text, size):
        return self.draw.textlength(text, font=self.font(size))

    def pill(self, x, text, size, color):
        """A bordered button with `text`, its left edge at x; returns its right edge."""
        box = self.text(x + round(8 * self.unit), text, size, color)
        self.draw.rounded_rectangle(
            (x, box[1] - round(4 * self.unit), box[2] + round(8 * self.unit), box[3] + round(4 * self.unit)),
            radius=round(8 * self.unit),
            outline=color,
            width=2,
        )
        return box[2] + round(8 * self.unit)


def status_bar(page, bars):
    """The phone's status bar: iOS (clock, signal, 5G, battery) or Android (clock and
    notification icons left, network, Wi-Fi and battery percentage right)."""
    rng, unit, color = page.rng, page.unit, page.theme["text"]
    top = round(14 * unit)
    clock = (
        f"{rng.randint(8, 22)}:{rng.randint(0, 59):02d}"
        if bars == "ios"
        else f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    )
    page.text(page.pad * 2, clock, 15 if bars == "ios" else 13, y=top)
    right = page.width - page.pad * 2
    if bars == "ios":
        page.draw.rounded_rectangle(
            (right - round(26 * unit), top + 3, right, top + round(13 * unit)), 3, outline=color, width=2
        )
        page.text(right - round(60 * unit), "5G", 12, y=top)
        for i in range(4):
            x = right - round(90 * unit) + i * round(5 * unit)
            page.draw.rectangle(
                (x, top + round((10 - 2 * i) * unit), x + round(3 * unit), top + round(13 * unit)), fill=color
            )
    else:
        for i in range(rng.randint(1, 3)):
            x = page.pad * 2 + round((48 + 18 * i) * unit)
            page.draw.rectangle((x, top + 3, x + round(12 * unit), top + round(12 * unit)), outline=color, width=2)
        page.text(right - round(34 * unit), f"{rng.randint(15, 99)}%", 12, y=top)
        page.text(right - round(80 * unit), rng.choice(("4G", "5G", "HD")), 11, y=top)
        page.draw.pieslice(
            (right - round(110 * unit), top, right - round(92 * unit), top + round(18 * unit)), 225, 315, fill=color
        )
    return round(44 * unit)


def nav_bar(page, bars):
    """iOS home indicator, or Android's three buttons; returns its height."""
    unit, color = page.unit, page.theme["muted"]
    if bars == "ios":
        y = page.height - round(12 * unit)
        page.draw.rounded_rectangle((page.width * 0.35, y - round(5 * unit), page.width * 0.65, y), 4, fill=color)
        return round(20 * unit)
    height = round(44 * unit)
    top = page.height - height
    page.draw.rectangle((0, top, page.width, page.height), fill=page.theme["bg"])
    mid, r = top + height // 2, round(8 * unit)
    for i, cx in enumerate((page.width * 0.25, page.width * 0.5, page.width * 0.75)):
        if i == 0:
            page.draw.polygon([(cx + r, mid - r), (cx + r, mid + r), (cx - r, mid)], outline=color, width=2)
        elif i == 1:
            page.draw.ellipse((cx - r, mid - r, cx + r, mid + r), outline=color, width=2)
        else:
            page.draw.rectangle((cx - r, mid - r, cx + r, mid + r), outline=color, width=2)
    return height


def split_amount(page, right, text_amount, size, color):
    """ "¥129.00" right-aligned at `right`: ¥ and the decimals smaller than the yuan, as
    the apps draw a price; returns the box of the whole."""
    yuan, cents = text_amount.split(".")
    parts = [("¥", size * 0.65), (yuan, size), ("." + cents, size * 0.7)]
    widths = [page.width_of(text, s) for text, s in parts]
    x = right - sum(widths)
    base = page.y + round(size * page.unit)
    boxes = []
    for (text, s), w in zip(parts, widths, strict=True):
        boxes.append(page.text(x, text, s, color, y=base - round(s * page.unit)))
        x += w
    return [boxes[0][0], min(b[1] for b in boxes), boxes[-1][2], max(b[3] for b in boxes)]


def order_values(rng, spec, platform):
    uploaded = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 600))
    ordered = dt.datetime.combine(uploaded, dt.time(0)) - dt.timedelta(minutes=rng.randint(60, 300 * 24 * 60))
    ordered = ordered.replace(second=0) + dt.timedelta(seconds=rng.randint(0, 59))
    if platform == "pinduoduo":
        number = f"{ordered:%y%m%d}-{rng.randint(10**14, 10**15 - 1)}"
    else:
        number = str(rng.randint(10**17, 10**18 - 1) * 10 + rng.randint(0, 9))
        if rng.random() < 0.7:
            number = str(rng.randint(2 * 10**18, 4 * 10**18 - 1))
    amount = (
        Decimal(rng.randint(590, 99900)) / 100 if rng.random() < 0.85 else Decimal(rng.randint(100000, 1_500_000)) / 100
    )
    date_format = rng.choice(spec["date_formats"])
    shown = ordered.replace(second=0) if "%S" not in date_format else ordered
    return {
        "platform": platform,
        "order_number": number,
        "amount": f"{amount:.2f}",
        "ordered_at": shown.isoformat(),
        "shop_name": rng.choice(spec["shops"]),
        "uploaded": uploaded.isoformat(),
        "_date_text": ordered.strftime(date_format),
        "_ordered": ordered,
    }


def _order_page(rng, spec, *, width, height, theme, scale, family, long):
    platform = rng.choice(PLATFORMS)
    values = order_values(rng, spec, platform)
    accent = ACCENT[platform]
    page = LayoutPage(width, height * 3, theme, scale, rng, family)
    muted = page.theme["muted"]
    boxes = {}
    header = round(100 * page.unit)
    page.y = header
    page.draw.rectangle((0, page.y, width, page.y + round(80 * page.unit)), fill=accent)
    page.y += round(18 * page.unit)
    page.text(page.pad * 2, rng.choice(("交易成功", "待收货", "卖家已发货", "已签收")), 22, (255, 255, 255))
    page.y = header + round(90 * page.unit)

    # Shop and product.
    x = page.pad * 2
    style = rng.choice(spec["shop_styles"])
    top = page.card(round(150 * page.unit) + 4 * page.line_height(15))
    page.y = top + round(14 * page.unit)
    if platform == "tmall":
        badge = page.text(x, "天猫", 12, (255, 255, 255))
        page.draw.rectangle((badge[0] - 4, badge[1] - 4, badge[2] + 4, badge[3] + 4), fill=accent)
        page.text(x, "天猫", 12, (255, 255, 255))
        x = badge[2] + round(10 * page.unit)
    if style != "label":
        boxes["shop_name"] = page.text(x, values["shop_name"], 15)
        if style == "chevron":
            page.text(boxes["shop_name"][2] + round(6 * page.unit), rng.choice((">", "›")), 15, muted)
        elif style in ("enter_button", "contact_button"):
            word = "进店 >" if style == "enter_button" else rng.choice(("联系商家", "进店"))
            page.pill(
                page.width - page.pad * 2 - round(page.width_of(word, 12)) - round(20 * page.unit), word, 12, muted
            )
    else:
        page.text(x, rng.choice(("商品信息", "宝贝详情")), 15)
    page.y += page.line_height(15)
    photo = round(72 * page.unit)
    page.draw.rectangle(
        (page.pad * 2, page.y, page.pad * 2 + photo, page.y + photo), fill=tuple(rng.randint(90, 200) for _ in range(3))
    )
    product = rng.choice(spec["products"])
    per_line = max(6, int((page.width - page.pad * 9 - photo) / (14 * page.unit)))
    page.text(page.pad * 3 + photo, product[:per_line], 14)
    page.text(
        page.pad * 3 + photo, f"¥{Decimal(values['amount']) + 3:.2f} x1", 13, muted, y=page.y + page.line_height(14)
    )
    page.y += photo + round(14 * page.unit)

    # Price rows; the paid row with a split amount, or in the footer bar.
    paid_label = rng.choice(spec["paid_labels"])
    in_footer = rng.random() < spec["amount_in_footer"]
    rows = [("商品总价", f"¥{Decimal(values['amount']) + 3:.2f}"), ("运费", "¥0.00"), ("优惠", "-¥3.00")]
    for label, value in rows:
        page.text(page.pad * 2, label, 14, muted)
        page.right_text(value, 14)
        page.y += page.line_height(14)
    if not in_footer:
        colon = rng.choice(("", "：", ":"))
        page.text(page.pad * 2, paid_label + colon, 15)
        boxes["amount"] = split_amount(page, page.width - page.pad * 2, values["amount"], 18, accent)
        page.y += page.line_height(16)
    page.y += round(24 * page.unit)

    # Order information, in the split's order, with decoy numbers in the held-out split.
    colon = rng.choice(("：", "", ":"))
    info = [("number", rng.choice(spec["number_labels"])), ("time", rng.choice(spec["time_labels"]))]
    info.append(
        (
            "other",
            "付款时间",
            (values["_ordered"] + dt.timedelta(minutes=rng.randint(1, 9))).strftime("%Y-%m-%d %H:%M:%S"),
        )
    )
    info.append(("other", "支付方式", rng.choice(PAY_METHODS)))
    if style == "label":
        info.append(("shop", rng.choice(("店铺名称", "店铺"))))
    if spec["decoys"]:
        info.append(("other", "物流单号", f"{rng.choice(('SF', 'YT', 'JD'))}{rng.randint(10**12, 10**13 - 1)}"))
        info.append(("other", "支付宝交易号", f"{values['_ordered']:%Y%m%d}2200{rng.randint(10**15, 10**16 - 1)}"))
        info.append(
            (
                "other",
                "发货时间",
                (values["_ordered"] + dt.timedelta(hours=rng.randint(5, 40))).strftime("%Y-%m-%d %H:%M"),
            )
        )
    if spec["shuffle_info"]:
        rng.shuffle(info)
    size = 14
    value_x = page.pad * 2 + round(page.width_of("支付宝交易号：", size)) + round(10 * page.unit)
    top = page.card(round(30 * page.unit) + (len(info) + 1) * page.line_height(size))
    page.y = top + round(14 * page.unit)
    for row in info:
        kind, label = row[0], row[1]
        if kind == "number":
            layout = rng.choice(spec["number_layouts"])
            number = values["order_number"]
            page.text(page.pad * 2, label + colon, size, muted)
            if layout == "below_copy":
                page.y += page.line_height(size)
                boxes["order_number"] = page.text(page.pad * 2, number, size)
            elif layout == "right_copy":
                boxes["order_number"] = page.right_text(number, size)
                page.y += page.line_height(size)
                page.right_text("复制", 12, muted)
            else:
                boxes["order_number"] = page.text(value_x, number, size)
            if layout in ("inline_copy", "below_copy"):
                room = page.width - page.pad * 2 - boxes["order_number"][2]
                if room > page.width_of("复制", 12) + round(30 * page.unit):
                    page.pill(boxes["order_number"][2] + round(12 * page.unit), "复制", 12, muted)
        elif kind == "time":
            page.text(page.pad * 2, label + colon, size, muted)
            boxes["ordered_at"] = page.text(value_x, values["_date_text"], size)
        elif kind == "shop":
            page.text(page.pad * 2, label + colon, size, muted)
            boxes["shop_name"] = page.text(value_x, values["shop_name"], size)
        else:
            page.text(page.pad * 2, label + colon, size, muted)
            page.text(value_x, row[2], size)
        page.y += page.line_height(size)
    bottom = page.y + round(30 * page.unit)

    # The footer: buttons, and the amount when the split puts it there.
    footer = round(70 * page.unit)
    nav = round(44 * page.unit) if spec["bars"] == "android" else round(20 * page.unit)
    screen_height = bottom + footer + nav if long else height
    offset = 0 if long else max(0, bottom + footer + nav - height)
    screen = page.image.crop((0, offset, width, offset + screen_height))
    page.image, page.draw, page.height = screen, ImageDraw.Draw(screen), screen_height
    page.draw.rectangle((0, 0, width, header), fill=page.theme["bg"])
    status_bar(page, spec["bars"])
    page.y = round(56 * page.unit)
    title = rng.choice(("订单详情", "订单信息")) if spec["bars"] == "ios" else "订单详情"
    page.text((width - page.width_of(title, 18)) / 2, title, 18)
    page.text(page.pad, "<", 20)
    fy = screen_height - footer - nav
    page.draw.rectangle((0, fy, width, fy + footer), fill=page.theme["card"])
    page.y = fy + round(16 * page.unit)
    if in_footer:
        page.text(page.pad * 2, paid_label + "：", 14)
        amount_box = split_amount(
            page,
            page.pad * 2 + round(page.width_of(paid_label + "：", 14)) + round(90 * page.unit),
            values["amount"],
            18,
            accent,
        )
        boxes["amount"] = [amount_box[0], amount_box[1] + offset, amount_box[2], amount_box[3] + offset]
        buttons = ("申请售后",)
    else:
        buttons = ("确认收货", "查看物流", "申请售后")
    for i, label in enumerate(buttons):
        right = width - page.pad * 2 - i * round(100 * page.unit)
        page.pill(right - round(86 * page.unit), label, 13, accent)
    nav_bar(page, spec["bars"])

    def on_screen(box):
        return (
            box[1] - offset >= header
            and box[3] - offset <= screen_height - footer - nav
            or box is boxes.get("amount")
            and in_footer
        )

    labels = {
        name: values[name] for name in ("platform", "order_number", "amount", "ordered_at", "shop_name", "uploaded")
    }
    for name in ("order_number", "amount", "ordered_at", "shop_name"):
        if not on_screen(boxes[name]):
            labels[name] = None
    labels.update(kind="long" if long else "order", shop_style=style)
    return page.image, labels


def _chat_with_card(rng, spec, *, width, height, theme, scale, family):
    """A chat with the shop where the consumer sent an order card: an order source."""
    platform = rng.choice(PLATFORMS)
    values = order_values(rng, spec, platform)
    page = LayoutPage(width, height, theme, scale, rng, family)
    status_bar(page, spec["bars"])
    page.y = round(56 * page.unit)
    page.text(page.pad * 2, values["shop_name"], 17)
    page.y += round(60 * page.unit)
    for text in spec["chat"][:2]:
        _bubble(page, text, mine=rng.random() < 0.5)
    # The card: shop, product, number, amount, date.
    x = page.pad * 4
    top = page.y
    page.draw.rounded_rectangle(
        (page.pad * 2, top, page.width - page.pad * 2, top + round(200 * page.unit)), 12, fill=page.theme["card"]
    )
    page.y = top + round(14 * page.unit)
    boxes = {"shop_name": page.text(x, values["shop_name"], 14)}
    page.text(boxes["shop_name"][2] + round(6 * page.unit), ">", 14, page.theme["muted"])
    page.y += page.line_height(14)
    page.text(x, rng.choice(spec["products"])[:12], 13)
    page.y += page.line_height(13)
    page.text(x, rng.choice(spec["number_labels"]) + "：", 13, page.theme["muted"])
    page.y += page.line_height(13)
    page.text(x, values["order_number"], 13)
    page.y += page.line_height(13)
    page.text(x, rng.choice(spec["paid_labels"]) + "：", 13, page.theme["muted"])
    split_amount(
        page, x + round(page.width_of("付款金额：", 13)) + round(80 * page.unit), values["amount"], 15, ACCENT[platform]
    )
    page.y += page.line_height(14)
    page.text(x, rng.choice(spec["time_labels"]) + "：" + values["_date_text"], 13, page.theme["muted"])
    page.y = top + round(220 * page.unit)
    for text in spec["chat"][2:]:
        _bubble(page, text, mine=rng.random() < 0.5)
    nav_bar(page, spec["bars"])
    labels = {
        name: values[name] for name in ("platform", "order_number", "amount", "ordered_at", "shop_name", "uploaded")
    }
    labels.update(kind="chat_card", shop_style="chevron")
    return page.image, labels


def _bubble(page, text, *, mine):
    width_text = page.width_of(text, 15)
    x = page.width - page.pad * 2 - width_text if mine else page.pad * 2
    page.draw.rounded_rectangle(
        (x - 14, page.y - 10, x + width_text + 14, page.y + round(15 * page.unit) + 14),
        12,
        fill=(149, 236, 105) if mine else page.theme["card"],
    )
    page.text(x, text, 15, (20, 20, 20) if mine else None)
    page.y += round(60 * page.unit)


def _not_an_order_page(rng, spec, kind, *, width, height, theme, scale, family):
    page = LayoutPage(width, height, theme, scale, rng, family)
    status_bar(page, spec["bars"])
    page.y = round(60 * page.unit)
    number = str(rng.randint(2 * 10**18, 4 * 10**18 - 1))
    price = f"{rng.randint(5, 999)}.{rng.randint(0, 99):02d}"
    if kind == "chat":
        page.text(page.pad * 2, rng.choice(spec["shops"]), 17)
        page.y += round(60 * page.unit)
        said = list(spec["chat"]) + [
            f"我的订单号{number}",
            f"付了{price}元还没发货",
            f"昨天{rng.randint(8, 22)}:30下的单",
        ]
        rng.shuffle(said)
        for text in said:
            _bubble(page, text, mine=rng.random() < 0.5)
    elif kind == "product":
        page.draw.rectangle((0, page.y, width, page.y + width), fill=tuple(rng.randint(60, 220) for _ in range(3)))
        page.y += width + round(16 * page.unit)
        page.text(page.pad * 2, "¥", 16, ACCENT["pinduoduo"])
        page.text(page.pad * 2 + round(14 * page.unit), price, 26, ACCENT["pinduoduo"], y=page.y - round(8 * page.unit))
        page.right_text(rng.choice(("已售1.2万件", "已拼10万+件", "月销3000+")), 13, page.theme["muted"])
        page.y += page.line_height(24)
        page.text(page.pad * 2, rng.choice(spec["products"]), 15)
        page.y += page.line_height(20)
        page.text(page.pad * 2, rng.choice(spec["shops"]), 15)
        page.pill(page.width - page.pad * 2 - round(70 * page.unit), "进店", 13, page.theme["muted"])
        page.y = height - round(110 * page.unit)
        page.text(page.pad * 2, "客服  收藏", 13, page.theme["muted"])
        page.pill(width // 2, "加入购物车", 14, ACCENT["taobao"])
        page.pill(width * 3 // 4, "立即购买", 14, ACCENT["taobao"])
    else:  # a home feed
        page.text(page.pad * 2, rng.choice(("猜你喜欢", "推荐", "百亿补贴")), 18)
        page.y += page.line_height(18)
        column = (width - page.pad * 3) // 2
        for i in range(6):
            x = page.pad + (i % 2) * (column + page.pad)
            y = page.y + (i // 2) * round(column + 90 * page.unit)
            page.draw.rectangle((x, y, x + column, y + column), fill=tuple(rng.randint(60, 220) for _ in range(3)))
            page.text(x, rng.choice(spec["products"])[:9], 13, y=y + column + round(8 * page.unit))
            page.text(
                x,
                f"¥{rng.randint(5, 299)}.{rng.randint(0, 9)}",
                15,
                ACCENT["tmall"],
                y=y + column + round(30 * page.unit),
            )
            page.text(
                x + round(80 * page.unit),
                rng.choice(("已拼5万件", "券后价", "包邮")),
                11,
                page.theme["muted"],
                y=y + column + round(33 * page.unit),
            )
    nav_bar(page, spec["bars"])
    labels = dict.fromkeys(("platform", "order_number", "amount", "ordered_at", "shop_name"))
    labels.update(
        uploaded=(dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 600))).isoformat(), kind=kind, shop_style=None
    )
    return page.image, labels


# One in ten of each: chats, product pages, home feeds, chats holding an order card.
KINDS = ("order",) * 5 + ("long", "chat_card", "chat", "product", "feed")


def screenshot(variation, index):
    """Screenshot `index` of a split: its own random stream, so any one can be made alone."""
    spec = VARIATIONS[variation]
    rng = random.Random(f"layouts-{variation}-{index}")
    width = rng.choice(spec["widths"])
    height = round(width * spec["aspect"])
    theme = rng.choice(tuple(THEMES))
    scale = rng.choice((0.9, 1.0, 1.15, 1.3))
    family = rng.choice(spec["fonts"])
    kind = KINDS[index % len(KINDS)]
    if kind == "order" and rng.random() < spec["long_share"]:
        kind = "long"
    common = {"width": width, "height": height, "theme": theme, "scale": scale, "family": family}
    if kind in ("order", "long"):
        image, labels = _order_page(rng, spec, long=kind == "long", **common)
    elif kind == "chat_card":
        image, labels = _chat_with_card(rng, spec, **common)
    else:
        image, labels = _not_an_order_page(rng, spec, kind, **common)
    fmt = rng.choice(("PNG", "JPEG", "JPEG"))
    labels.update(variation=variation, size=list(image.size), theme=theme, scale=scale, font=family, format=fmt)
    labels["quality"] = rng.choice(spec["jpeg"]) if fmt == "JPEG" else None
    return Screenshot(f"{variation}-{index:03d}.{'jpg' if fmt == 'JPEG' else 'png'}", image, labels)


def encode(shot: Screenshot) -> bytes:
    import io

    out = io.BytesIO()
    if shot.labels["format"] == "JPEG":
        shot.image.save(out, format="JPEG", quality=shot.labels["quality"])
    else:
        shot.image.save(out, format="PNG")
    return out.getvalue()


def is_order_source(labels) -> bool:
    return labels["kind"] in ("order", "long", "chat_card")
