"""Reading facts and personal data from OCR'd lines, without running OCR."""

import datetime as dt

import pytest

from reading.engine import TextBox
from reading.extract import id_number_valid, order_facts, personal_data

TODAY = dt.date(2026, 6, 1)


def line(text, x0, y0, x1=None, height=40, score=0.99):
    return TextBox(text, (x0, y0, x1 if x1 is not None else x0 + 30 * len(text), y0 + height), score)


def taobao_page(*, tmall=False, number="3958123456789012345"):
    return [
        line("订单详情", 450, 200),
        line("卖家已发货", 90, 330),
        *([line("天猫", 90, 900)] if tmall else []),
        line("李宁运动专营店>", 200, 900),
        line("商品总价", 90, 1350),
        line("¥139.00", 900, 1355),
        line("实付款", 90, 1630),
        line("￥129.00", 880, 1635),
        line("订单编号", 90, 1850),
        line(number, 385, 1855),
        line("复制", 980, 1850),
        line("创建时间", 90, 1950),
        line("2026-03-05 14:23:11", 385, 1952),
        line("付款时间", 90, 2040),
        line("2026-03-05 14:25:00", 385, 2042),
    ]


def values(facts):
    return {name: fact.value for name, fact in facts.items()}


def test_a_taobao_order_page_gives_every_fact():
    facts = order_facts(taobao_page(), today=TODAY)
    assert values(facts) == {
        "platform": "taobao",
        "order_number": "3958123456789012345",
        "amount": "129.00",
        "ordered_at": "2026-03-05T14:23:11",
        "shop_name": "李宁运动专营店",
        "status": "卖家已发货",
    }
    assert all(0 < fact.confidence <= 1 for fact in facts.values())


def test_the_tmall_mark_makes_it_tmall():
    assert order_facts(taobao_page(tmall=True), today=TODAY)["platform"].value == "tmall"


def test_a_pinduoduo_number_read_with_the_label_and_a_repeated_first_digit():
    # OCR put the number's first digit into the label box as well: the value box alone wins.
    boxes = [
        line("订单编号：2", 95, 1771, 443),
        line("250415-112225116060159", 417, 1773, 1132),
        line("下单时间：2", 95, 1874, 437),
        line("2025-04-1504:07:00", 417, 1877, 967),
        line("实付：", 93, 1513),
        line("￥10,129.57", 756, 1526),
    ]
    facts = values(order_facts(boxes, today=TODAY))
    assert facts == {
        "platform": "pinduoduo",
        "order_number": "250415-112225116060159",
        "amount": "10129.57",
        "ordered_at": "2025-04-15T04:07:00",
    }


def test_a_label_and_its_value_in_one_box():
    boxes = [line("订单编号：260305123456789012345", 90, 100), line("下单时间：2026-03-05 09:01", 90, 160)]
    facts = values(order_facts(boxes, today=TODAY))
    assert facts["order_number"] == "260305-123456789012345"
    assert facts["ordered_at"] == "2026-03-05T09:01:00"


def test_an_order_number_of_the_wrong_shape_is_not_taken():
    facts = order_facts(taobao_page(number="39581234567"), today=TODAY)
    assert "order_number" not in facts


def test_a_pinduoduo_number_dated_after_today_is_not_taken():
    boxes = [line("订单编号：", 90, 100), line("260702-123456789012345", 400, 100), line("实付：¥5.00", 90, 160)]
    assert "order_number" not in order_facts(boxes, today=TODAY)


@pytest.mark.parametrize(
    "boxes",
    [
        # A chat quoting an order number and a price.
        [
            line("您好，我的快递三天了还没到", 60, 300),
            line("订单号3958123456789012345", 500, 400),
            line("¥129.00", 60, 500),
        ],
        # A product photo.
        [line("限时特惠 包邮到家", 60, 800), line("¥39.9 券后价", 60, 900), line("优品家居旗舰店>", 60, 1000)],
        [],
    ],
    ids=["chat", "product-photo", "no-text"],
)
def test_a_page_that_is_not_an_order_page_gives_no_facts(boxes):
    assert order_facts(boxes, today=TODAY) == {}


def test_a_phone_and_the_name_before_it_are_found_in_a_merged_box():
    found = personal_data([line("赵敏136****2171", 95, 506, 566)])
    assert [p.kind for p in found] == ["phone", "name"]
    phone, name = found
    # 2 wide characters + 11 narrow ones: the phone starts 4/15 along the box.
    assert phone.box[0] < 95 + (566 - 95) * 4 / 15 < phone.box[2] and phone.box[2] == 566
    assert name.box[0] == 95 and name.box[2] < phone.box[2]


def test_an_unmasked_phone_in_a_chat_but_not_the_words_before_it():
    found = personal_data([line("我的电话是13912345678", 300, 600)])
    assert [p.kind for p in found] == ["phone"]


def test_the_order_number_is_never_personal_data():
    # 19 digits contain 11-digit runs starting 13..19, and this one passes the Luhn check.
    number = "3958123456789012347"
    boxes = taobao_page(number=number)
    facts = order_facts(boxes, today=TODAY)
    found = personal_data(boxes, exclude=[facts["order_number"].box])
    assert found == []
    assert personal_data([line(f"订单号{number}", 60, 400)]) == []


def test_id_numbers_emails_and_bank_cards():
    found = personal_data(
        [
            line("身份证 11010519491231002X", 60, 100),
            line("身份证 110105194912310021", 60, 200),  # bad check digit
            line("邮箱 zhang.wei@example.com", 60, 300),
            line("卡号 6222 0212 3456 7894", 60, 400),
            line("卡号 6222 0212 3456 7890", 60, 500),  # fails Luhn
        ]
    )
    assert [p.kind for p in found] == ["id_number", "email", "bank_card"]
    assert [p.box[1] for p in found] == [100, 300, 400]


def test_id_number_check_digit():
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310020")


def test_a_delivery_address_and_its_wrapped_rest():
    found = personal_data(
        [
            line("刘洋 13710088110", 95, 500),
            line("四川省成都市武侯区天府大道北段17", 95, 580),
            line("00号环球中心E2区", 95, 650),
            line("绿源农家小店>", 95, 900),
        ]
    )
    assert [(p.kind, p.box[1]) for p in found] == [("phone", 500), ("name", 500), ("address", 580), ("address", 650)]
    assert personal_data([line("收货人：王芳", 60, 100)])[0].kind == "name"


@pytest.mark.parametrize("read", ["】小米官方旗舰店", "小米官方旗舰店：", "天猫小米官方旗舰店 >"])
def test_the_shop_icon_and_chevron_misread_as_punctuation_are_not_part_of_the_name(read):
    boxes = [line("订单详情", 450, 200), line(read, 186, 715), line("实付款", 90, 1630), line("¥5.00", 880, 1635)]
    assert order_facts(boxes, today=TODAY)["shop_name"].value == "小米官方旗舰店"
