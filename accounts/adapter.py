"""allauth's phone support on our models: the account's number (accounts.PhoneNumber,
E.164 from accounts.phones), its SMS codes through the outbox (the sms transport), and
email verification asked only of accounts that signed up by email."""

from __future__ import annotations

import re
import types
from urllib.parse import parse_qs, urlencode, urlsplit

from allauth.account import app_settings as allauth_account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.fields import PhoneField
from allauth.account.stages import EmailVerificationStage as AllauthEmailVerificationStage
from allauth.core.internal import ratelimit as allauth_ratelimit
from django import forms
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from core.clients import client_ip
from notifications.services import queue_message

from . import contact
from .models import ContactPreference, PhoneNumber
from .phones import normalise_cn_mobile


class AccountAdapter(DefaultAccountAdapter):
    # --- Failed sign-ins. allauth counts them per account alone, so five wrong
    # passwords from anyone lock the account for everyone, staff included. Here the
    # quick lock ("login_failed") counts one account from one client address
    # (core.clients); a slower, higher limit on the account from every client
    # ("login_failed_account") still stops guessing spread over many addresses.

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}@{client_ip(request)}"

    def _account_attempts_key(self, request, **credentials) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_failed_rl_usage = allauth_ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account_attempts_key(request, **credentials),
        )
        if not self._account_failed_rl_usage:
            # The quick count was taken for this try; give it back, this try was never made.
            super()._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_failed_rl_usage", None)
        if usage:
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # A completed password reset proves the owner: both counts start again.
        super()._delete_login_attempts_cached_email(request, **credentials)
        allauth_ratelimit.clear(
            request,
            app="allauth.account",
            action="login_failed_account",
            key=self._account_attempts_key(request, **credentials),
        )

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The confirmation link carries where the sign-up was going (the form for the
        platform the consumer picked), so confirming in another browser, as a phone's
        mail app does, still leads there and not to an empty list."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        going_to = filing_form_requested(request)
        return f"{url}?{urlencode({'next': going_to})}" if going_to else url

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # allauth would name the site after the request's host ("127.0.0.1:8710"), which
        # reads like phishing: its emails carry our name and SITE_URL instead.
        site = types.SimpleNamespace(
            name=str(_("Tousu, consumer complaints")), domain=urlsplit(settings.SITE_URL).netloc
        )
        super().send_mail(template_prefix, email, {**context, "current_site": site, "site_url": settings.SITE_URL})

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's text, in our branded layout (templates/emails/_base.html) as HTML."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            message.attach_alternative(render_to_string("emails/_allauth.html", {"text": message.body}), "text/html")
        return message

    def phone_form_field(self, **kwargs):
        # What people type (138 1234 5678, +86, full-width digits) is normalised by
        # clean_phone; allauth's own field would refuse anything but E.164.
        kwargs.setdefault("validators", [])
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("help_text", _("Mainland China mobile number"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "placeholder": ""}),
        )
        return PhoneField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalise_cn_mobile(phone)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        PhoneNumber.objects.update_or_create(
            user=user,
            defaults={"phone": phone, "verified": verified, "verified_at": timezone.now() if verified else None},
        )

    def get_phone(self, user) -> tuple[str, bool] | None:
        number = PhoneNumber.objects.filter(user=user).first()
        return (number.phone, number.verified) if number else None

    def set_phone_verified(self, user, phone: str) -> None:
        current = self.get_phone(user)
        if current and current[0] != phone:
            # The SMS consent named the old number: the new one is asked again.
            contact.stop_sms(user, how=ContactPreference.How.PROFILE)
        with transaction.atomic():
            # A number proved by another account holder now is theirs: the old holder's
            # claim is dropped rather than two accounts signing in with one number.
            PhoneNumber.objects.filter(phone=phone, verified=True).exclude(user=user).update(verified=False)
            self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str):
        number = PhoneNumber.objects.filter(phone=phone).select_related("user").order_by("-verified", "-pk").first()
        return number.user if number else None

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        """The code goes as the `login_code` SMS through the outbox, at once whatever the
        hour (no quiet hours for it); its value is forgotten once sent and never logged."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        queue_message(transport="sms", template="login_code", to=phone, language=language, context={"code": code})

    def get_login_stages(self) -> list[str]:
        return [
            "accounts.adapter.EmailVerificationStage"
            if stage == "allauth.account.stages.EmailVerificationStage"
            else stage
            for stage in super().get_login_stages()
        ]


def filing_form_requested(request) -> str:
    """The filing form the sign-up was sent from (`next`, e.g. /complaints/new/?platform=
    pinduoduo), or "". Nothing else is carried: the link must not lead off the site or
    hold anything personal."""
    if request is None:
        return ""
    going_to = request.POST.get("next") or request.GET.get("next") or ""
    form = reverse("complaints:new")
    same_site = url_has_allowed_host_and_scheme(going_to, allowed_hosts={request.get_host()})
    if not same_site or urlsplit(going_to).path != form:
        return ""
    platform = parse_qs(urlsplit(going_to).query).get("platform", [""])[0]
    return f"{form}?{urlencode({'platform': platform})}" if re.fullmatch(r"[-\w]{1,50}", platform) else form


def needs_email_confirmed(user) -> bool:
    """ACCOUNT_EMAIL_VERIFICATION=mandatory: an account that signed up by email (no
    proved phone) confirms its address before it signs in."""
    return (
        settings.EMAIL_VERIFICATION == "mandatory"
        and not PhoneNumber.objects.filter(user=user, verified=True).exists()
        and bool(user.email)
    )


class EmailVerificationStage(AllauthEmailVerificationStage):
    def handle(self):
        if self.login.user.pk and needs_email_confirmed(self.login.user):
            self.login.email_verification = allauth_account_settings.EmailVerificationMethod.MANDATORY
        return super().handle()
