import pytest

from channels.normalise import ValueKind, normalise, normalise_email, normalise_phone, normalise_url


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("021-5339-5288", "02153395288"),
        ("021 5339 5288", "02153395288"),
        ("(021) 53395288", "02153395288"),
        ("（０２１）５３３９－５２８８", "02153395288"),  # full-width brackets, digits and dash
        ("+86 21 5339 5288", "02153395288"),  # international form drops the trunk 0
        ("+86-21-53395288", "02153395288"),
        ("0086 21 5339 5288", "02153395288"),
        ("+86 (0)21 5339 5288", "02153395288"),
        ("021.5339.5288", "02153395288"),
        ("021—5339—5288", "02153395288"),  # em dashes from a copied article
        ("400-8822-528", "4008822528"),
        ("400 882 2528", "4008822528"),
        ("４００－８８２２－５２８", "4008822528"),
        ("+86 400 882 2528", "4008822528"),  # 400 numbers never take a trunk 0
        ("95188", "95188"),
        ("９５１８８", "95188"),
        ("+86 95188", "95188"),
        ("tel:95188", "95188"),
        ("TEL:+86-95188", "95188"),
        ("12315", "12315"),
        ("+86 139 1234 5678", "13912345678"),  # mobiles never take a trunk 0
        ("0086-139-1234-5678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 10 8765 4321", "01087654321"),  # Beijing landline, trunk 0 restored
        ("0571-88158198", "057188158198"),
        ("\u200b400-0123-456 ", "4000123456"),  # zero-width space pasted from a web page
    ],
)
def test_phone_spellings_normalise_to_one_form(written, expected):
    assert normalise_phone(written) == expected


@pytest.mark.parametrize("written", ["400-8822-528转1", "call me", "12", "", "1234567890123"])
def test_text_that_is_not_a_number_normalises_to_nothing(written):
    assert normalise_phone(written) == ""


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("pinduoduo@service.pinduoduo.com", "pinduoduo@service.pinduoduo.com"),
        ("PinDuoDuo@Service.PinDuoDuo.COM", "pinduoduo@service.pinduoduo.com"),
        ("mailto:pinduoduo@service.pinduoduo.com", "pinduoduo@service.pinduoduo.com"),
        ("ｐｉｎｄｕｏｄｕｏ＠ｓｅｒｖｉｃｅ．ｐｉｎｄｕｏｄｕｏ．ｃｏｍ", "pinduoduo@service.pinduoduo.com"),
        ("  pinduoduo@service.pinduoduo.com\n", "pinduoduo@service.pinduoduo.com"),
        ("not-an-address@", ""),
    ],
)
def test_email_spellings_normalise_to_lower_case_address(written, expected):
    assert normalise_email(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("www.12315.cn", "12315.cn"),
        ("https://www.12315.cn/", "12315.cn"),
        ("HTTPS://WWW.12315.CN/cuser/portal?x=1", "12315.cn"),
        ("http://tousu.sina.com.cn/complaint/view/17/", "tousu.sina.com.cn"),
        ("ｗｗｗ．ｃｃａ．ｃｎ", "cca.cn"),
        ("www.cca.cn:443", "cca.cn"),
        ("12315.cn.example.com", "12315.cn.example.com"),  # a look-alike stays its own host
    ],
)
def test_web_addresses_normalise_to_their_host(written, expected):
    assert normalise_url(written) == expected


@pytest.mark.parametrize(
    ("pasted", "kind", "value"),
    [
        ("+86 400-8822-528", ValueKind.PHONE, "4008822528"),
        ("Pinduoduo@Service.pinduoduo.com", ValueKind.EMAIL, "pinduoduo@service.pinduoduo.com"),
        ("https://tousu.sina.com.cn", ValueKind.WEB, "tousu.sina.com.cn"),
        ("hello", ValueKind.UNKNOWN, ""),
        ("", ValueKind.UNKNOWN, ""),
    ],
)
def test_pasted_text_is_classified_before_normalising(pasted, kind, value):
    assert normalise(pasted) == (kind, value)
