from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.utils import translation

from notifications.signals import sms_reply_received

from .contact import stop_sms_for_number
from .models import remember_language

# What a person replies to stop texts (TD is the carriers' convention).
STOP_WORDS = {"TD", "T", "N", "退订"}


@receiver(user_signed_up)
def remember_signup_language(request, user, **kwargs):
    """The language someone signs up in is the one we write to them in."""
    remember_language(user, translation.get_language() or "zh-hans")


@receiver(sms_reply_received)
def stop_sms_on_td(phone, text, **kwargs):
    """A TD reply stops SMS for the account that proved the number."""
    if text.strip().upper() in STOP_WORDS:
        stop_sms_for_number(phone)
