from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.utils import translation

from .models import remember_language


@receiver(user_signed_up)
def remember_signup_language(request, user, **kwargs):
    """The language someone signs up in is the one we write to them in."""
    remember_language(user, translation.get_language() or "zh-hans")
