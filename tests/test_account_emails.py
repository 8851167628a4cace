"""allauth's emails read as ours (issue 24 part 4): our name and SITE_URL, never the
request's host and port ("来自127.0.0.1:8710的 Hello!" looked like phishing), our
greeting in the reader's language, our HTML layout; sent through a real SMTP server."""

import email
from email import policy

import pytest
from django.urls import reverse

from tests.services import Mailbox, free_port, smtp_server

pytestmark = pytest.mark.django_db

SIGN_UP = {"email": "new@example.com", "password1": "Long-enough-2026!", "password2": "Long-enough-2026!"}


@pytest.fixture
def smtp(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://tousu.example.cn"
    mailbox = Mailbox()
    with smtp_server(mailbox, port=port):
        yield mailbox


def only_message(mailbox):
    [envelope] = mailbox.messages
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    return message["Subject"], message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def assert_ours(subject, text, html):
    for part in (subject, text, html):
        # The links go to the host the reader used; the greeting and name never name one.
        assert "Hello" not in part and "127.0.0.1" not in part
    assert "testserver" not in text.split("http://testserver/")[0]
    assert subject.startswith("[Tousu] ")
    assert "https://tousu.example.cn" in text
    assert "#b3261e" in html  # the branded layout of every email of ours


@pytest.mark.parametrize(
    ("language", "greeting", "brand"),
    [("zh-hans", "您好：", "投诉 · 消费者投诉"), ("en", "Hello,", "Tousu, consumer complaints")],
)
def test_the_sign_up_confirmation_is_ours_in_the_readers_language(client, smtp, language, greeting, brand):
    client.post(reverse("account_signup"), {**SIGN_UP, "display_name": "小王"}, HTTP_ACCEPT_LANGUAGE=language)
    subject, text, html = only_message(smtp)
    if language == "en":
        assert text.startswith("Hello,") and "Hello from" not in text
        assert "https://tousu.example.cn" in text and brand in text
        assert subject.startswith("[Tousu] ") and "#b3261e" in html
    else:
        assert_ours(subject, text, html)
        assert text.startswith(greeting) and brand in text and "帮助消费者向电商平台投诉" in text


def test_the_password_reset_email_is_ours(client, smtp, consumer):
    client.post(reverse("account_reset_password"), {"email": consumer.email}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    subject, text, html = only_message(smtp)
    assert_ours(subject, text, html)
    assert text.startswith("您好：") and "投诉 · 消费者投诉" in text
