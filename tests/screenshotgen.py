"""Synthetic phone screenshots with known contents, for reading tests and bench/ocr_bench.py.

Order-detail pages of Pinduoduo, Taobao and Tmall (light and dark themes, several phone
widths and font sizes, PNG or JPEG), with or without the delivery address and phone, and
pages that are not order pages (a chat, a product photo). Each screenshot comes with its
labels: the facts a reader should find, and the boxes of the phone numbers and the order
number drawn on it.

    .venv/bin/python tests/screenshotgen.py OUT_DIR [--count 72] [--seed 12]

writes OUT_DIR/NNN.png|jpg and OUT_DIR/labels.jsonl (one JSON object per screenshot).

Chinese text needs a CJK font: Debian's fonts-wqy-zenhei / fonts-wqy-microhei (.ci/run
installs them when missing).
"""

import argparse
import datetime as dt
import io
import json
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
PHONES = ((1170, 2532), (1080, 2400), (828, 1792), (750, 1334))
PLATFORMS = ("pinduoduo", "taobao", "tmall")
ACCENT = {"pinduoduo": (224, 46, 36), "taobao": (255, 80, 0), "tmall": (255, 0, 54)}
THEMES = {
    "light": {"bg": (242, 242, 242), "card": (255, 255, 255), "text": (25, 25, 25), "muted": (130, 130, 130)},
    "dark": {"bg": (0, 0, 0), "card": (28, 28, 30), "text": (235, 235, 235), "muted": (150, 150, 150)},
}
SHOPS = (
    "优品家居旗舰店",
    "小米官方旗舰店",
    "李宁运动专营店",
    "果园鲜生水果店",
    "南极人服饰专卖店",
    "良品铺子官方旗舰店",
    "三只松鼠旗舰店",
    "美的生活电器专营店",
    "晨光文具官方店",
    "安踏儿童旗舰店",
    "绿源农家小店",
    "蓝月亮官方旗舰店",
)
PRODUCTS = (
    "加厚保暖羽绒服男款冬季外套连帽中长款",
    "无线蓝牙耳机降噪运动跑步入耳式长续航",
    "新鲜赣南脐橙10斤装当季水果整箱包邮",
    "家用电热水壶大容量不锈钢自动断电",
    "儿童运动鞋男童春秋款透气防滑跑步鞋",
    "办公室午睡枕折叠记忆棉趴睡枕",
)
STATUSES = {
    "pinduoduo": ("待发货", "待收货", "已签收", "交易成功", "退款成功"),
    "taobao": ("卖家已发货", "交易成功", "等待卖家发货", "交易关闭", "退款中"),
    "tmall": ("卖家已发货", "交易成功", "等待卖家发货", "交易关闭"),
}
NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明", "周杰", "吴秀英")
ADDRESSES = (
    "广东省深圳市南山区粤海街道科技园路88号2栋301室",
    "浙江省杭州市西湖区文三路478号华星时代广场A座1205",
    "上海市浦东新区张江镇祖冲之路1559弄12号601室",
    "北京市朝阳区建国路93号万达广场8号楼1903",
    "四川省成都市武侯区天府大道北段1700号环球中心E2区",
    "江苏省南京市鼓楼区中山北路200号3单元502",
)
CHAT_LINES = (
    "您好，我的快递三天了还没到",
    "亲，这边帮您查询一下物流哦",
    "收到的东西是坏的，怎么处理",
    "麻烦您拍一下照片发给我们",
    "好的，我明天上午有空",
    "亲亲可以申请退货退款的",
)


@dataclass
class Screenshot:
    name: str
    image: Image.Image
    labels: dict = field(default_factory=dict)


class Page:
    """A phone screen with a y cursor; remembers the boxes of what it draws."""

    def __init__(self, width, height, theme, scale, rng):
        self.width, self.height, self.theme, self.rng = width, height, THEMES[theme], rng
        self.image = Image.new("RGB", (width, height), self.theme["bg"])
        self.draw = ImageDraw.Draw(self.image)
        self.unit = width / 390 * scale  # CSS pixel of a 390-wide phone, times the user's font size
        self.font_file = rng.choice(FONT_FILES)
        self.pad = round(16 * width / 390)
        self.y = 0

    def font(self, size):
        return ImageFont.truetype(self.font_file, round(size * self.unit))

    def text(self, x, text, size, color=None, *, y=None):
        """Draw `text` with its top-left at x (and the cursor line); return its box."""
        font = self.font(size)
        top = self.y if y is None else y
        self.draw.text((x, top), text, font=font, fill=color or self.theme["text"])
        left, upper, right, lower = self.draw.textbbox((x, top), text, font=font)
        return [left, upper, right, lower]

    def sub_box(self, x, prefix, text, size, *, y=None):
        """The box of `text` drawn right after `prefix` starting at x."""
        font = self.font(size)
        start = x + self.draw.textlength(prefix, font=font)
        top = self.y if y is None else y
        return list(self.draw.textbbox((start, top), text, font=font))

    def line_height(self, size):
        return round(size * self.unit * 1.9)

    def card(self, height):
        top = self.y
        self.draw.rounded_rectangle(
            (self.pad // 2, top, self.width - self.pad // 2, top + height),
            radius=round(10 * self.unit),
            fill=self.theme["card"],
        )
        return top

    def right_text(self, text, size, color=None):
        font = self.font(size)
        width = self.draw.textlength(text, font=font)
        return self.text(self.width - self.pad * 2 - width, text, size, color)


def _status_bar(page):
    page.y = round(14 * page.unit)
    page.text(page.pad * 2, f"{page.rng.randint(8, 22)}:{page.rng.randint(0, 59):02d}", 15)
    page.draw.rectangle(
        (page.width - page.pad * 4, page.y + 4, page.width - page.pad * 2, page.y + round(12 * page.unit)),
        outline=page.theme["text"],
        width=2,
    )
    page.y += round(44 * page.unit)


def _order_page(rng, platform, *, width, height, theme, scale, show_address, masked_phone):
    """Lay the page out on a tall canvas, then crop the screen a consumer would capture:
    the top of the page if everything fits, else scrolled so the order information shows
    (what is scrolled away, or hidden under the header, is labelled null)."""
    page = Page(width, height * 2, theme, scale, rng)
    accent = ACCENT[platform]
    ordered = dt.datetime(2025, 1, 1, 8) + dt.timedelta(minutes=rng.randint(0, 600 * 24 * 60))
    if platform == "pinduoduo":
        order_number = f"{ordered:%y%m%d}-{rng.randint(10**14, 10**15 - 1)}"
    else:
        order_number = str(rng.randint(10**18, 2 * 10**18 - 1) + 2 * 10**18)
    amount = (
        Decimal(rng.randint(590, 99900)) / 100 if rng.random() < 0.8 else Decimal(rng.randint(1000, 2_000_000)) / 100
    )
    discount = Decimal(rng.choice((0, 300, 500, 1000, 2000))) / 100
    shop = rng.choice(SHOPS)
    status = rng.choice(STATUSES[platform])
    values = {"platform": platform, "order_number": order_number, "amount": f"{amount:.2f}"}
    values.update(ordered_at=ordered.isoformat(), shop_name=shop, status=status)
    boxes = {}  # field -> box on the tall canvas, to tell what stays visible
    phones = []

    header = round(100 * page.unit)
    page.y = header
    # The status banner.
    banner_h = round(86 * page.unit)
    page.draw.rectangle((0, page.y, page.width, page.y + banner_h), fill=accent)
    page.y += round(16 * page.unit)
    boxes["status"] = page.text(page.pad * 2, status, 22, (255, 255, 255))
    page.y += page.line_height(18)
    page.text(
        page.pad * 2,
        rng.choice(("感谢您的支持，欢迎再次光临", "还剩6天23小时自动确认收货", "包裹正在派送中")),
        13,
        (255, 235, 235),
    )
    page.y = header + banner_h + round(10 * page.unit)

    if show_address:
        name, address = rng.choice(NAMES), rng.choice(ADDRESSES)
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"
        shown = f"{phone[:3]}****{phone[-4:]}" if masked_phone else phone
        per_line = max(8, int((page.width - page.pad * 5) / (14 * page.unit)))
        address_lines = [address[start : start + per_line] for start in range(0, len(address), per_line)]
        top = page.card(round(28 * page.unit) + page.line_height(16) + len(address_lines) * page.line_height(14))
        page.y = top + round(14 * page.unit)
        x = page.pad * 2
        page.text(x, f"{name}  {shown}", 16)
        phones.append(page.sub_box(x, f"{name}  ", shown, 16))
        page.y += page.line_height(16)
        for line in address_lines:
            page.text(x, line, 14, page.theme["muted"])
            page.y += page.line_height(14)
        page.y += round(24 * page.unit)

    # Shop, product and the price rows.
    paid_label = "实付：" if platform == "pinduoduo" else "实付款"
    rows = [("商品总价", f"¥{amount + discount:.2f}"), ("运费", "¥0.00")]
    if discount:
        rows.append(("店铺优惠", f"-¥{discount:.2f}"))
    rows.append((paid_label, f"¥{amount:.2f}"))
    photo = round(80 * page.unit)
    top = page.card(round(60 * page.unit) + page.line_height(15) + photo + len(rows) * page.line_height(14))
    page.y = top + round(14 * page.unit)
    x = page.pad * 2
    if platform == "tmall":
        badge = page.text(x, "天猫", 12, (255, 255, 255))
        page.draw.rectangle((badge[0] - 4, badge[1] - 4, badge[2] + 4, badge[3] + 4), fill=accent)
        page.text(x, "天猫", 12, (255, 255, 255))
        x = badge[2] + round(10 * page.unit)
    else:
        size = round(16 * page.unit)
        page.draw.rectangle((x, page.y, x + size, page.y + size), outline=accent, width=3)
        x += size + round(8 * page.unit)
    boxes["shop_name"] = page.text(x, shop, 15)
    page.text(boxes["shop_name"][2] + round(6 * page.unit), ">", 15, page.theme["muted"])
    page.y += page.line_height(15)
    page.draw.rectangle(
        (page.pad * 2, page.y, page.pad * 2 + photo, page.y + photo), fill=tuple(rng.randint(90, 200) for _ in range(3))
    )
    product = rng.choice(PRODUCTS)
    text_x = page.pad * 3 + photo
    per_line = max(6, int((page.width - text_x - page.pad * 7) / (14 * page.unit)))
    for i, start in enumerate(range(0, min(len(product), per_line * 2), per_line)):
        page.text(text_x, product[start : start + per_line], 14, y=page.y + i * page.line_height(14))
    page.text(text_x, "颜色分类：默认；数量：1", 12, page.theme["muted"], y=page.y + 2 * page.line_height(14))
    page.y += photo + round(16 * page.unit)
    for label, value in rows:
        page.text(page.pad * 2, label, 14, page.theme["muted"] if label != paid_label else None)
        box = page.right_text(value, 16 if label == paid_label else 14, accent if label == paid_label else None)
        if label == paid_label:
            boxes["amount"] = box
        page.y += page.line_height(14)
    page.y += round(24 * page.unit)

    # Order information.
    colon = "：" if platform == "pinduoduo" else ""
    time_label = "下单时间" if platform == "pinduoduo" else "创建时间"
    paid_at = ordered + dt.timedelta(seconds=rng.randint(20, 600))
    info = [
        ("订单编号" + colon, order_number),
        (time_label + colon, f"{ordered:%Y-%m-%d %H:%M:%S}"),
        ("付款时间" + colon, f"{paid_at:%Y-%m-%d %H:%M:%S}"),
        ("支付方式" + colon, rng.choice(("微信支付", "支付宝", "多多支付")) if platform == "pinduoduo" else "支付宝"),
    ]
    top = page.card(round(20 * page.unit) + len(info) * page.line_height(14))
    page.y = top + round(14 * page.unit)
    value_x = page.pad * 2 + round(page.draw.textlength("订单编号：", font=page.font(14))) + round(14 * page.unit)
    for label, value in info:
        page.text(page.pad * 2, label, 14, page.theme["muted"])
        box = page.text(value_x, value, 14)
        if value == order_number:
            boxes["order_number"] = box
            copy_width = page.draw.textlength("复制", font=page.font(13))
            if (
                box[2] + round(20 * page.unit) < page.width - page.pad * 2 - copy_width
            ):  # the app drops it when short of room
                page.right_text("复制", 13, page.theme["muted"])
        if label.startswith(time_label):
            boxes["ordered_at"] = box
        page.y += page.line_height(14)
    content_bottom = page.y + round(20 * page.unit)

    # The screen: scrolled just enough that the order information clears the buttons.
    footer = round(70 * page.unit)
    offset = max(0, content_bottom + footer - height)
    screen = page.image.crop((0, offset, width, offset + height))
    page.image, page.draw, page.height = screen, ImageDraw.Draw(screen), height
    page.draw.rectangle((0, 0, width, header), fill=page.theme["bg"])
    _status_bar(page)
    title = "订单详情"
    page.text((page.width - page.draw.textlength(title, font=page.font(18))) / 2, title, 18)
    page.text(page.pad, "<", 20)
    page.y = page.height - footer + round(14 * page.unit)
    page.draw.rectangle((0, page.height - footer, page.width, page.height), fill=page.theme["card"])
    for i, label in enumerate(("确认收货", "查看物流", "申请售后")):
        right = page.width - page.pad * 2 - i * round(100 * page.unit)
        left = right - round(86 * page.unit)
        page.draw.rounded_rectangle(
            (left, page.y, right, page.y + round(34 * page.unit)), radius=16, outline=accent, width=2
        )
        page.text(left + round(15 * page.unit), label, 13, y=page.y + round(8 * page.unit))

    def on_screen(box):
        return box[1] - offset >= header and box[3] - offset <= height - footer

    labels = {name: (value if name == "platform" or on_screen(boxes[name]) else None) for name, value in values.items()}
    shift = lambda box: [box[0], box[1] - offset, box[2], box[3] - offset]  # noqa: E731
    labels["phones"] = [shift(box) for box in phones if on_screen(box)]
    labels["order_number_box"] = shift(boxes["order_number"])
    return page.image, labels


def _chat_page(rng, *, width, height, theme, scale):
    page = Page(width, height, theme, scale, rng)
    labels = {"platform": None, "order_number": None, "amount": None, "ordered_at": None, "shop_name": None}
    labels.update(status=None, phones=[], order_number_box=None)
    _status_bar(page)
    page.text(page.pad * 2, rng.choice(SHOPS), 17)
    page.y += round(50 * page.unit)
    lines = list(CHAT_LINES)
    rng.shuffle(lines)
    phone = f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"
    lines.insert(2, f"我的电话是{phone}")
    lines.insert(4, f"订单号{rng.randint(10**18, 2 * 10**18 - 1) + 2 * 10**18}")
    for i, line in enumerate(lines):
        mine = i % 2 == 0
        font = page.font(15)
        width_text = page.draw.textlength(line, font=font)
        x = page.width - page.pad * 2 - width_text if mine else page.pad * 2
        bubble = (x - 14, page.y - 10, x + width_text + 14, page.y + round(15 * page.unit) + 14)
        page.draw.rounded_rectangle(bubble, radius=12, fill=(149, 236, 105) if mine else page.theme["card"])
        page.text(x, line, 15, (20, 20, 20) if mine else None)
        if line.startswith("我的电话是"):
            labels["phones"].append(page.sub_box(x, "我的电话是", phone, 15))
        page.y += round(64 * page.unit)
    return page.image, labels


def _product_photo(rng, *, width, height, theme, scale):
    page = Page(width, height, theme, scale, rng)
    labels = {"platform": None, "order_number": None, "amount": None, "ordered_at": None, "shop_name": None}
    labels.update(status=None, phones=[], order_number_box=None)
    for _ in range(40):
        x, y = rng.randint(0, width), rng.randint(0, height)
        r = rng.randint(20, width // 3)
        page.draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    page.y = height // 3
    page.text(page.pad * 2, "限时特惠 包邮到家", 30, (255, 255, 255))
    page.y += page.line_height(30)
    page.text(page.pad * 2, f"¥{rng.randint(9, 199)}.9 券后价", 34, (255, 220, 0))
    page.y += page.line_height(34)
    page.text(page.pad * 2, rng.choice(PRODUCTS)[:12], 20, (255, 255, 255))
    return page.image, labels


def generate(count=72, seed=12):
    """Yield `count` Screenshots; about one in eight is not an order page."""
    rng = random.Random(seed)
    for index in range(count):
        width, height = PHONES[index % len(PHONES)] if index % 3 else PHONES[0]
        theme = "dark" if index % 2 else "light"
        scale = rng.choice((0.9, 1.0, 1.15, 1.3))
        kind = index % 8
        if kind == 7:
            maker = _chat_page if index % 16 == 7 else _product_photo
            image, labels = maker(rng, width=width, height=height, theme=theme, scale=scale)
        else:
            platform = PLATFORMS[index % 3]
            image, labels = _order_page(
                rng,
                platform,
                width=width,
                height=height,
                theme=theme,
                scale=scale,
                show_address=rng.random() < 0.6,
                masked_phone=rng.random() < 0.2,
            )
        fmt = "JPEG" if index % 4 in (1, 2) else "PNG"
        labels.update(size=[width, height], theme=theme, scale=scale, format=fmt)
        yield Screenshot(f"{index:03d}.{'jpg' if fmt == 'JPEG' else 'png'}", image, labels)


def order_screenshot(platform, *, seed=1, size=(1170, 2532), theme="light", scale=1.0, show_address=True, fmt="PNG"):
    """One order page, for tests that read a particular kind of screenshot."""
    image, labels = _order_page(
        random.Random(seed),
        platform,
        width=size[0],
        height=size[1],
        theme=theme,
        scale=scale,
        show_address=show_address,
        masked_phone=False,
    )
    labels.update(size=list(size), theme=theme, scale=scale, format=fmt)
    return Screenshot(f"{platform}-{seed}.{'jpg' if fmt == 'JPEG' else 'png'}", image, labels)


def chat_screenshot(*, seed=1, size=(1170, 2532), theme="light", scale=1.0):
    image, labels = _chat_page(random.Random(seed), width=size[0], height=size[1], theme=theme, scale=scale)
    labels.update(size=list(size), theme=theme, scale=scale, format="PNG")
    return Screenshot(f"chat-{seed}.png", image, labels)


# --- Screenshots full of personal data, for the blur proof (bench/blur_proof.py) -----
#
# Each layout puts names, addresses, ID numbers, landlines, WeChat and QQ IDs on an order
# page in its own label wordings; the labels list every personal string drawn, so a
# reader of the blurred copy can be checked for each of them. The "heldout" variation
# has wordings, values and layouts of its own, never used while writing the allow-list.

PERSONAL_WORDINGS = {
    "tuning": {
        "name": ("收货人姓名", "买家", "姓名", "收件人"),
        "address": ("收货地址", "地址", "配送至"),
        "id_number": ("身份证号", "证件编号", "身份证"),
        "landline": ("固定电话", "座机", "联系电话"),
        "wechat": ("微信", "微信号"),
        "qq": ("QQ", "QQ号"),
    },
    "heldout": {
        "name": ("联系人", "客户姓名", "买家昵称", "签收人", None),
        "address": ("送至", "详细地址", "收货信息", None),
        "id_number": ("证件号码", "身份证编号", "实名认证"),
        "landline": ("电话", "办公电话", "宅电"),
        "wechat": ("VX", "微信账号", "wx"),
        "qq": ("扣扣", "QQ账号", "企鹅号"),
    },
}
PERSONAL_NAMES = {
    "tuning": ("张三丰", "王芳", "李建国", "欧阳娜娜", "刘洋", "陈静怡"),
    "heldout": ("赵子龙", "孙丽华", "马文博", "司马懿", "钱多多", "何晓东"),
}
PERSONAL_ADDRESSES = {
    "tuning": ("南山区科技园路88号2栋301室", "文三路478号华星时代广场A座1205", "浦东新区祖冲之路1559弄12号"),
    "heldout": ("天河区体育西路103号维多利广场B塔", "朝阳门外大街甲6号万通中心C座", "高新区天府三街19号新希望大厦"),
}
PERSONAL_HANDLES = {
    "tuning": ("zhangsf_1988", "wxid_ab12cd34", "lina-2020"),
    "heldout": ("sunlihua88", "mwb_0571", "qianduoduo-vip"),
}


def _id_number(rng, *, misread):
    """A resident ID number: region, birth date, sequence, check digit (or a wrong one,
    as OCR misreads it)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
    body = f"{rng.choice((110101, 310115, 440305, 330106, 510107))}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    if misread:
        check = rng.choice([c for c in "0123456789" if c != check])
    return body + check


def personal_screenshot(seed, *, variation="tuning"):
    """An order page holding every kind of personal data, with its labels: "personal"
    (each string drawn), and the order number, amount and date that must stay readable."""
    rng = random.Random(f"{variation}-{seed}")
    width = rng.choice((750, 828, 1080, 1170) if variation == "tuning" else (720, 960, 1125, 1290))
    theme = rng.choice(("light", "dark"))
    page = Page(width, round(width * 2.16), theme, rng.choice((0.9, 1.0, 1.15)), rng)
    platform = rng.choice(PLATFORMS)
    ordered = dt.datetime(2025, 1, 1, 8) + dt.timedelta(minutes=rng.randint(0, 600 * 24 * 60))
    if platform == "pinduoduo":
        order_number = f"{ordered:%y%m%d}-{rng.randint(10**14, 10**15 - 1)}"
    else:
        order_number = str(rng.randint(10**18, 2 * 10**18 - 1) + 2 * 10**18)
    amount = f"{Decimal(rng.randint(590, 99900)) / 100:.2f}"
    date_text = f"{ordered:%Y-%m-%d %H:%M:%S}" if variation == "tuning" else f"{ordered:%Y/%m/%d %H:%M}"
    words = PERSONAL_WORDINGS[variation]
    id_number = _id_number(rng, misread=rng.random() < 0.4)
    id_shown = rng.choice((id_number, f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"))
    area = rng.choice(("021", "0755", "010", "0571"))
    landline = f"{area}-{rng.randint(10**7, 10**8 - 1)}"
    values = {
        "name": rng.choice(PERSONAL_NAMES[variation]),
        "address": rng.choice(PERSONAL_ADDRESSES[variation]),
        "id_number": id_shown,
        "landline": rng.choice((landline, f"({area}){landline.split('-')[1]}")),
        "wechat": rng.choice(PERSONAL_HANDLES[variation]),
        "qq": str(rng.randint(10**7, 10**10)),
    }
    two_columns = rng.random() < (0.5 if variation == "tuning" else 0.7)

    def row(label, value, size=15):
        """One row: "label：value" inline, or the label left and the value right."""
        x = page.pad * 2
        if label is None:
            page.text(x, value, size)
        elif two_columns:
            page.text(x, label, size, page.theme["muted"])
            page.right_text(value, size)
        else:
            page.text(x, f"{label}{rng.choice(('：', ':', ' '))}{value}", size)
        page.y += page.line_height(size)

    _status_bar(page)
    page.text(page.pad * 2, "订单详情", 18)
    page.y += page.line_height(18)
    page.text(page.pad * 2, rng.choice(STATUSES[platform]), 20, ACCENT[platform])
    page.y += page.line_height(20)
    page.card(page.line_height(15) * 11)
    page.y += round(10 * page.unit)
    kinds = list(values)
    rng.shuffle(kinds)
    for kind in kinds[:3]:
        row(
            rng.choice(words[kind]) if kind != "id_number" or variation == "tuning" else rng.choice(words[kind]),
            values[kind],
        )
    page.text(page.pad * 2, rng.choice(SHOPS), 16)
    page.y += page.line_height(16)
    page.text(page.pad * 2, rng.choice(PRODUCTS)[:14], 14)
    page.y += page.line_height(14)
    row(rng.choice(("实付款", "实付", "合计", "付款金额")), f"¥{amount}", 16)
    page.y += round(10 * page.unit)
    row(rng.choice(("订单编号", "订单号")), order_number)
    row(rng.choice(("下单时间", "创建时间", "成交时间")), date_text)
    for kind in kinds[3:]:
        row(rng.choice([w for w in words[kind] if w is not None] or [None]), values[kind])
    labels = {
        "variation": variation,
        "platform": platform,
        "order_number": order_number,
        "amount": amount,
        "ordered_at": date_text,
        "personal": values,
        "size": [page.width, page.height],
        "theme": theme,
        "format": rng.choice(("PNG", "JPEG")),
    }
    return Screenshot(f"{variation}-{seed:03d}.{'jpg' if labels['format'] == 'JPEG' else 'png'}", page.image, labels)


def encode(shot: Screenshot, rng_quality=None) -> bytes:
    out = io.BytesIO()
    if shot.labels["format"] == "JPEG":
        shot.image.save(out, format="JPEG", quality=rng_quality or 80)
    else:
        shot.image.save(out, format="PNG")
    return out.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=72)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    quality = random.Random(args.seed)
    with open(args.out / "labels.jsonl", "w", encoding="utf-8") as labels:
        for shot in generate(args.count, args.seed):
            (args.out / shot.name).write_bytes(encode(shot, quality.choice((70, 80, 90))))
            labels.write(json.dumps({"file": shot.name, **shot.labels}, ensure_ascii=False) + "\n")
    print(f"wrote {args.count} screenshots to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
