import pytest


def api(client, q):
    response = client.post("/api/channels/check", {"q": q}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("spelling", ["95188", "９５１８８", "+86 95188", "tel:95188"])
def test_95188_is_answered_as_alipays_and_the_pinduoduo_claim_as_wrong(client, directory, spelling):
    answer = api(client, spelling)
    assert answer["normalised"] == "95188"
    assert answer["body"]["slug"] == "alipay" and answer["level"] == "corroborated"
    assert answer["verdict"] == "trusted"
    page = client.post("/channels/check/", {"q": spelling}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Web pages that present 95188 as Pinduoduo's are wrong." in page


@pytest.mark.parametrize("spelling", ["12306", "１２３０６", "+86 12306"])
def test_12306_is_answered_as_wrong_and_owned_by_china_railway(client, directory, spelling):
    answer = api(client, spelling)
    assert answer["level"] == "wrong" and answer["verdict"] == "do_not_trust"
    assert answer["body"]["slug"] == "china-railway"
    assert answer["claimed_for"]["slug"] == "taobao"
    assert answer["source"] == "一篇网络文章，未经平台证实；12306.cn 上的网页"


@pytest.mark.parametrize("spelling", ["400-0123-456", "4000123456", "+86 400 0123 456", "４００－０１２３－４５６"])
def test_the_placeholder_is_answered_as_wrong_and_owned_by_nobody(client, directory, spelling):
    answer = api(client, spelling)
    assert answer["level"] == "wrong" and answer["wrong_reason"] == "placeholder"
    assert answer["body"] is None and answer["claimed_for"]["slug"] == "pinduoduo"
    assert answer["source"] == "一篇网络文章，未经平台证实"


def test_an_unconfirmed_number_is_answered_with_caution(client, directory):
    answer = api(client, "021 3359 8500")
    assert answer["level"] == "unconfirmed" and answer["verdict"] == "caution"
    assert answer["body"]["name_zh"] == "拼多多"


def test_the_email_from_the_seeds_is_found_whatever_its_case(client, directory):
    answer = api(client, "MAILTO:PinDuoDuo@Service.PinDuoDuo.com")
    assert answer["normalised"] == "pinduoduo@service.pinduoduo.com"
    assert answer["level"] == "unconfirmed"


def test_a_subdomain_of_a_listed_site_belongs_to_the_same_body(client, directory):
    assert api(client, "https://m.12315.cn/complaint")["body"]["slug"] == "12315"


def test_a_look_alike_host_is_unknown(client, directory):
    answer = api(client, "http://12315.cn.example.com/")
    assert answer["verdict"] == "unknown" and answer["body"] is None


def test_an_unknown_number_gets_advice_to_use_the_app(client, directory):
    client.cookies["django_language"] = "en"
    answer = api(client, "010-6666 7777")
    assert answer == {
        **answer,
        "normalised": "01066667777",
        "known": False,
        "verdict": "unknown",
        "level": None,
        "body": None,
        "source": None,
    }
    assert "own app" in answer["advice"]


def test_unreadable_input_is_said_to_be_unreadable(client, directory):
    assert api(client, "hello there")["verdict"] == "unreadable"


def test_the_api_answers_in_chinese_by_default(client, directory):
    assert "自己 App" in api(client, "010-6666 7777")["advice"]


def test_the_api_needs_a_query(client, directory):
    assert client.post("/api/channels/check", {}, content_type="application/json").status_code == 400
    assert client.post("/api/channels/check", "not json", content_type="application/json").status_code == 400


def test_the_checker_page_answers_in_chinese(client, directory):
    client.cookies["django_language"] = "zh-hans"
    page = client.post("/channels/check/", {"q": "12306"}).content.decode()
    assert "12306 属于中国铁路，不属于淘宝。" in page
    assert "不要相信这个联系方式" in page


def test_the_checker_page_answers_in_english(client, directory):
    client.cookies["django_language"] = "en"
    page = client.post("/channels/check/", {"q": "12306"}).content.decode()
    assert "12306 belongs to China Railway, not to Taobao." in page
    assert "Do not trust this contact." in page
