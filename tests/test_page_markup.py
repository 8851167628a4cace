"""What assistive technology reads from the markup: where you are, and a way past the menu."""

import re
import uuid

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["complaints:new", "complaints:mine", "channels:index", "accounts:profile"])
def test_the_nav_link_of_the_page_shown_and_only_it_is_marked_current(client, consumer, name):
    client.force_login(consumer)
    html = client.get(reverse(name)).content.decode()
    assert html.count('aria-current="page"') == 1
    assert f'href="{reverse(name)}" aria-current="page"' in html


@pytest.mark.django_db
def test_every_page_starts_with_a_skip_link_to_the_main_content(client):
    html = client.get(reverse("home")).content.decode()
    assert html.index('href="#main"') < html.index("<nav")
    assert '<main class="container py-4 flex-grow-1" id="main" tabindex="-1">' in html


@pytest.fixture
def empty_complaint_form(client, consumer, pinduoduo):
    client.force_login(consumer)
    data = {"action": "review", "platform": pinduoduo.pk, "submission_token": str(uuid.uuid4())}
    return client.post(reverse("complaints:new"), data).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("order_number", "请填写订单号"),
        ("order_date", "请填写下单日期"),
        ("amount", "请填写实付金额"),
        ("description", "请说明发生了什么"),
        ("contact_name", "请填写您的姓名"),
        ("contact_phone", "请填写手机号"),
        ("contact_email", "请填写邮箱地址"),
    ],
)
def test_a_missing_field_is_named_in_its_message_and_linked_from_the_summary(empty_complaint_form, field, message):
    assert f'<a class="alert-link" href="#id_{field}">{message}</a>' in empty_complaint_form
    assert "这个字段是必填项" not in empty_complaint_form


@pytest.mark.django_db
def test_contact_fields_state_their_purpose_and_the_phone_brings_up_the_number_pad(empty_complaint_form):
    html = empty_complaint_form
    assert re.search(r'<input type="text" name="contact_name"[^>]* autocomplete="name"', html)
    assert re.search(r'<input type="tel" name="contact_phone"[^>]* inputmode="tel"[^>]* autocomplete="tel"', html)
    assert re.search(r'<input type="email" name="contact_email"[^>]* autocomplete="email"', html)


@pytest.mark.django_db
def test_the_order_example_and_the_file_help_are_tied_to_their_fields(client, consumer, pinduoduo):
    client.force_login(consumer)
    html = client.get(reverse("complaints:new")).content.decode()
    assert re.search(r'name="order_number"[^>]* aria-describedby="id_order_number_helptext"', html)
    assert re.search(r'id="id_order_number_helptext"[^>]*>示例： <code id="order-example">\d{6}-\d{15}</code>', html)
    assert 'aria-describedby="id_evidence_files_helptext"' in html
    assert '<p class="small">标有 * 的为必填项。</p>' in html


@pytest.mark.django_db
def test_a_refused_file_ties_its_error_to_the_file_input(client, consumer, pinduoduo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(consumer)
    junk = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    html = client.post(reverse("complaints:new"), {"action": "review", "evidence_files": [junk]}).content.decode()
    assert 'aria-describedby="id_evidence_files_helptext file-errors" aria-invalid="true"' in html
    assert "<li><strong>notes.png</strong>：" in html  # full-width colon in Chinese


@pytest.mark.django_db
def test_what_the_consumer_wrote_keeps_its_language_on_a_page_in_another(client, consumer, make_complaint):
    complaint = make_complaint(consumer, desired_outcome="other", desired_outcome_detail="退还运费")
    client.force_login(consumer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("complaints:detail", args=[complaint.reference])).content.decode()
    assert '<html lang="en">' in html
    assert f'lang="zh-hans">{complaint.description}</dd>' in html
    assert 'Other: <span lang="zh-hans">退还运费</span>' in html


@pytest.mark.django_db
def test_the_profile_phone_is_a_tel_field_with_its_purpose(client, consumer):
    client.force_login(consumer)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert re.search(r'<input type="tel" name="phone"[^>]* inputmode="tel"[^>]* autocomplete="tel"', html)
    assert re.search(r'<input type="text" name="display_name"[^>]* autocomplete="nickname"', html)


@pytest.mark.django_db
def test_a_file_refused_on_the_complaint_page_is_tied_to_its_input(client, consumer, make_complaint):
    from django.core.files.uploadedfile import SimpleUploadedFile

    complaint = make_complaint(consumer)
    client.force_login(consumer)
    junk = SimpleUploadedFile("notes.png", b"not an image at all", content_type="image/png")
    url = reverse("complaints:add_evidence", args=[complaint.reference])
    html = client.post(url, {"evidence_files": [junk]}).content.decode()
    assert 'id="id_more_evidence"' in html
    assert 'multiple aria-describedby="file-errors" aria-invalid="true">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["account_login", "account_signup"])
def test_login_and_sign_up_explain_the_asterisk(client, name):
    html = client.get(reverse(name)).content.decode()
    assert '<p class="small">标有 * 的为必填项。</p>' in html
