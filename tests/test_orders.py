import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from platforms.orders import OrderNumberKind, normalise_order_number

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("260305-123456789012345", "260305-123456789012345"),
        ("260305123456789012345", "260305-123456789012345"),
        (" 260305 - 1234 5678 9012 345 ", "260305-123456789012345"),
        ("２６０３０５－１２３４５６７８９０１２３４５", "260305-123456789012345"),  # full-width digits and dash
        ("260305—123456789012345", "260305-123456789012345"),  # em dash from a Chinese IME
    ],
)
def test_pinduoduo_order_numbers_are_normalised(raw, expected):
    assert normalise_order_number(OrderNumberKind.PINDUODUO, raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("260305-12345678901234", "invalid_shape"),  # 14 digits after the date
        ("260305-1234567890123456", "invalid_shape"),  # 16 digits
        ("2603-05123456789012345", "invalid_shape"),  # dash in the wrong place
        ("26030A-123456789012345", "invalid_shape"),
        ("261305-123456789012345", "invalid_date"),  # month 13
        ("260230-123456789012345", "invalid_date"),  # 30 February
        ("140305-123456789012345", "implausible_date"),  # before Pinduoduo existed
        ("261122-123456789012345", "implausible_date"),  # tomorrow
        ("", "required"),
    ],
)
def test_malformed_pinduoduo_order_numbers_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as caught:
        normalise_order_number(OrderNumberKind.PINDUODUO, raw, today=TODAY)
    assert caught.value.code == code


def test_pinduoduo_shape_error_shows_the_expected_shape():
    with pytest.raises(ValidationError) as caught:
        normalise_order_number(OrderNumberKind.PINDUODUO, "12345", today=TODAY)
    assert "260305-123456789012345" in caught.value.messages[0]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("3958123456789012345", "3958123456789012345"),
        ("395812345678901", "395812345678901"),  # 15 digits
        ("3958 1234 5678 9012 345", "3958123456789012345"),
        ("３９５８１２３４５６７８９０１２３４５", "3958123456789012345"),
    ],
)
def test_taobao_order_numbers_are_normalised(raw, expected):
    assert normalise_order_number(OrderNumberKind.TAOBAO, raw, today=TODAY) == expected


@pytest.mark.parametrize("raw", ["39581234567890", "39581234567890123456", "3958-abc", "淘宝订单"])
def test_taobao_order_numbers_outside_15_to_19_digits_are_refused(raw):
    with pytest.raises(ValidationError) as caught:
        normalise_order_number(OrderNumberKind.TAOBAO, raw, today=TODAY)
    assert "15" in caught.value.messages[0] and "19" in caught.value.messages[0]


def test_generic_platforms_accept_letters_digits_and_dashes():
    assert normalise_order_number(OrderNumberKind.GENERIC, "jd-2026 0001", today=TODAY) == "JD-20260001"
    with pytest.raises(ValidationError):
        normalise_order_number(OrderNumberKind.GENERIC, "<script>", today=TODAY)
