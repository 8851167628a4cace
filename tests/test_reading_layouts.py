"""Reading order layouts the old label vocabulary did not know (issue 21 part 4), from
OCR'd lines fed directly: other labels, numbers found by shape and 复制, split ¥ and
decimals, every date format, years inferred from the upload day, the shop by position
and never a button, and nothing from chats, product pages and home feeds."""

import datetime as dt

import pytest
from django.utils import timezone

from reading.engine import TextBox
from reading.order_facts import order_facts

UPLOADED = dt.date(2026, 6, 1)


def line(text, x0, y0, x1=None, height=40, score=0.99):
    return TextBox(text, (x0, y0, x1 if x1 is not None else x0 + 30 * len(text), y0 + height), score)


def values(boxes, today=UPLOADED):
    return {name: fact.value for name, fact in order_facts(boxes, today=today).items()}


def test_the_labels_real_pages_use_that_the_old_vocabulary_did_not_know():
    boxes = [
        line("店铺名称：蕉下官方", 90, 500),
        line("合计", 90, 700),
        line("¥129.00", 880, 705),
        line("订单号码：", 90, 900),
        line("3958123456789012345", 385, 905),
        line("成交时间：", 90, 1000),
        line("2026-03-05 14:23:11", 385, 1002),
    ]
    assert values(boxes) == {
        "platform": "taobao",
        "order_number": "3958123456789012345",
        "amount": "129.00",
        "ordered_at": "2026-03-05T14:23:11",
        "shop_name": "蕉下官方",
    }


def test_the_shop_button_is_never_the_shop_name():
    boxes = [
        line("订单详情", 450, 100),
        line("果园鲜生", 90, 300),
        line("进店 >", 900, 300),
        line("新鲜赣南脐橙10斤装当季水果整箱包邮", 250, 380),
        line("实付：", 90, 600),
        line("¥35.80", 880, 600),
    ]
    assert values(boxes)["shop_name"] == "果园鲜生"
    assert "shop_name" not in values([b for b in boxes if b.text != "果园鲜生"])


def test_an_order_number_under_its_label_and_beside_a_copy_button():
    boxes = [
        line("订单详情", 450, 100),
        line("订单编号", 90, 800),
        line("250415-112225116060159", 90, 850, 700),
        line("复制", 740, 850),
        line("物流单号：", 90, 950),
        line("SF1234567890123", 400, 950),
        line("支付宝交易号", 90, 1000),
        line("2025041522001123456789012345", 400, 1000),
    ]
    assert values(boxes, today=dt.date(2025, 5, 1))["order_number"] == "250415-112225116060159"


def test_a_taobao_number_vouched_for_by_copy_alone_and_not_a_parcel_number():
    boxes = [line("订单信息", 90, 100), line("2958123456789012345", 90, 300), line("复制", 700, 300)]
    assert values(boxes)["order_number"] == "2958123456789012345"
    decoy = [line("订单信息", 90, 100), line("快递单号 2958123456789012345", 90, 300), line("复制", 900, 300)]
    assert "order_number" not in values(decoy)


@pytest.mark.parametrize(
    "parts",
    [["¥", "756", ".28"], ["Y756", ".28"], ["756.28"], ["￥756.28"], ["756.28元"]],
    ids=["split", "sign-misread", "no-sign", "full-width", "yuan"],
)
def test_the_amount_with_a_small_sign_and_split_decimals(parts):
    boxes = [
        line("订单详情", 450, 100),
        line("商品总价", 90, 500),
        line("¥759.28", 880, 500),
        line("付款金额", 90, 600),
    ]
    boxes += [line(text, 800 + 70 * i, 600) for i, text in enumerate(parts)]
    assert values(boxes)["amount"] == "756.28"


def test_the_amount_under_its_payment_word():
    boxes = [line("订单详情", 450, 100), line("应付", 90, 600), line("¥1,299.00", 90, 650)]
    assert values(boxes)["amount"] == "1299.00"


@pytest.mark.parametrize(
    "shown, read",
    [
        ("2026-03-02 12:30", "2026-03-02T12:30:00"),
        ("2026/03/02 12:30:09", "2026-03-02T12:30:09"),
        ("2026年3月2日 12:30", "2026-03-02T12:30:00"),
        ("2026.03.02 08:05", "2026-03-02T08:05:00"),
        ("03-02 12:30", "2026-03-02T12:30:00"),
        ("3月2日 12:30", "2026-03-02T12:30:00"),
    ],
)
def test_dates_in_every_common_chinese_format(shown, read):
    boxes = [line("订单详情", 450, 100), line("提交时间", 90, 500), line(shown, 385, 500)]
    assert values(boxes)["ordered_at"] == read


def test_without_a_label_the_earliest_date_is_the_order_time():
    boxes = [
        line("订单详情", 450, 100),
        line("实付款 ¥5.00", 90, 300),
        line("发货时间：2026-03-04 10:00", 90, 500),
        line("拍下：2026-03-02 09:00", 90, 560),
    ]
    assert values(boxes)["ordered_at"] == "2026-03-02T09:00:00"


@pytest.mark.frozen_at("2027-01-05 10:00")
def test_a_date_without_a_year_is_the_latest_not_after_the_upload_day():
    today = timezone.localdate()  # inside the frozen moment, as an upload now would be dated

    def read(shown):
        boxes = [line("订单详情", 450, 100), line("下单时间", 90, 500), line(shown, 385, 500)]
        return values(boxes, today=today)["ordered_at"]

    assert read("12-30 12:30") == "2026-12-30T12:30:00"
    assert read("01-05 09:00") == "2027-01-05T09:00:00"
    assert read("01-06 09:00") == "2026-01-06T09:00:00"
    assert read("02-29 09:00") == "2024-02-29T09:00:00"


def test_a_chat_holding_an_order_card_is_an_order_source():
    boxes = [
        line("小米官方旗舰店", 90, 150),
        line("您好，我的快递三天了还没到", 400, 300),
        line("小米官方旗舰店 >", 150, 500),
        line("无线蓝牙耳机降噪运动跑步", 150, 560),
        line("订单号：", 150, 620),
        line("2622483153348080513", 150, 680),
        line("实付款：", 150, 740),
        line("¥976.86", 400, 740),
        line("创建时间：2025/02/23 08:33", 150, 800),
    ]
    assert values(boxes) == {
        "platform": "taobao",
        "order_number": "2622483153348080513",
        "amount": "976.86",
        "ordered_at": "2025-02-23T08:33:00",
        "shop_name": "小米官方旗舰店",
    }


@pytest.mark.parametrize(
    "boxes",
    [
        [
            line("我的订单号2958123456789012345", 300, 300),
            line("付了129.00元还没发货", 300, 400),
            line("昨天20:30下的单", 300, 500),
            line("订单号：3958123456789012345", 300, 600),
        ],
        [
            line("¥", 90, 900),
            line("39.90", 120, 890),
            line("已拼10万+件", 800, 900),
            line("李宁运动专营店", 90, 1000),
            line("进店", 900, 1000),
            line("加入购物车", 500, 1500),
            line("立即购买", 800, 1500),
        ],
        [line("猜你喜欢", 90, 200), line("¥19.9", 90, 700), line("券后价", 300, 700), line("¥129.0", 600, 700)],
    ],
    ids=["chat", "product-page", "home-feed"],
)
def test_chats_product_pages_and_home_feeds_give_nothing(boxes):
    assert order_facts(boxes, today=UPLOADED) == {}
