import datetime as dt
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.phones import format_cn_mobile, normalise_cn_mobile
from core.parties import Party
from platforms.models import Platform
from platforms.orders import example_for, normalise_order_number

from .categories import Category, DesiredOutcome
from .consents import consent_text, recipient_name

_FULLWIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "，": ",", "　": " "})
MAX_AMOUNT = Decimal("10000000")


class AmountField(forms.DecimalField):
    """CNY amount as people write it: 12.50, ¥1,299, ￥１２９９ or 99元."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, **kwargs)
        self.error_messages["invalid"] = _("Enter the amount in yuan, e.g. 129.90.")

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s,¥￥元]|RMB|CNY", "", value.translate(_FULLWIDTH), flags=re.IGNORECASE)
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise ValidationError(_("The amount must be more than 0."), code="min_value")
        if value is not None and value > MAX_AMOUNT:
            raise ValidationError(_("The amount must be at most ¥10,000,000."), code="max_value")


class ComplaintForm(forms.Form):
    # Each required field says what is missing ("请填写订单号"), not Django's generic
    # "This field is required.": the error summary lists these messages on their own.
    platform = forms.ModelChoiceField(
        label=_("Platform"),
        queryset=Platform.objects.filter(active=True),
        empty_label=None,
        error_messages={"required": _("Choose the platform you bought on")},
    )
    category = forms.ChoiceField(
        label=_("What went wrong"),
        choices=Category.choices,
        error_messages={
            "required": _("Choose what went wrong"),
            "invalid_choice": _("Choose one of the problems listed"),
        },
    )
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=60,
        error_messages={
            "required": _("Enter the order number"),
            "max_length": _("An order number is at most %(limit_value)d characters; you entered %(show_value)d."),
        },
    )
    order_date = forms.DateField(
        label=_("Order date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the order date"),
            "invalid": _("Enter the order date as year-month-day, e.g. 2026-03-05."),
        },
    )
    amount = AmountField(
        label=_("Amount paid (CNY)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": _("Enter the amount you paid")},
    )
    shop_name = forms.CharField(
        label=_("Shop or merchant (optional)"),
        max_length=120,
        required=False,
        error_messages={
            "max_length": _("The shop's name is at most %(limit_value)d characters; you entered %(show_value)d.")
        },
    )
    description = forms.CharField(
        label=_("What happened"),
        min_length=20,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Dates, what you did, what the shop or platform said. 20 to 5,000 characters."),
        error_messages={
            "required": _("Say what happened"),
            "min_length": _(
                "Say a little more about what happened: at least %(limit_value)d characters (now %(show_value)d)."
            ),
            "max_length": _(
                "Describe what happened in at most %(limit_value)d characters (now %(show_value)d); "
                "screenshots can carry the rest."
            ),
        },
    )
    desired_outcome = forms.ChoiceField(
        label=_("What you want"),
        choices=DesiredOutcome.choices,
        error_messages={
            "required": _("Choose what you want"),
            "invalid_choice": _("Choose one of the outcomes listed"),
        },
    )
    desired_outcome_detail = forms.CharField(
        label=_("Details of what you want"),
        max_length=500,
        required=False,
        help_text=_("For example the amount you ask back. Required when you chose “Other”."),
        error_messages={
            "max_length": _("Say what you want in at most %(limit_value)d characters (now %(show_value)d).")
        },
    )
    # autocomplete names each field's purpose (WCAG 1.3.5), so a phone offers the owner's
    # details; type=tel brings up the number pad.
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Enter your name"),
            "max_length": _("Your name is at most %(limit_value)d characters; you entered %(show_value)d."),
        },
    )
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        error_messages={
            "required": _("Enter your mobile phone number"),
            "max_length": _("Enter an 11-digit mainland mobile number, e.g. 138 1234 5678."),
        },
    )
    contact_email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address like name@example.com"),
            "max_length": _("An email address is at most %(limit_value)d characters."),
        },
    )
    # PIPL art. 23: a separate consent naming the platform; the regulator's or the
    # association's is asked only when the consumer escalates (escalation.packet_views).
    platform_consent = forms.BooleanField(
        error_messages={"required": _("We can only send your complaint to the platform with your consent.")},
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["order_date"].widget.attrs["max"] = self.today.isoformat()
        self.fields["platform_consent"].label = consent_text(Party.PLATFORM, platform=self.chosen_platform(), html=True)
        # As help text the example is tied to the field (aria-describedby) beside its errors;
        # the page's script swaps the code for the platform picked.
        platform = self.chosen_platform()
        self.fields["order_number"].help_text = format_html(
            '{} <code id="order-example">{}</code>',
            _("Example:"),
            example_for(platform.order_number_kind) if platform else "",
        )

    def chosen_platform(self):
        """The platform the consent names: the one picked, else the first offered."""
        queryset = self.fields["platform"].queryset
        picked = self.data.get("platform") if self.is_bound else self.initial.get("platform")
        picked = getattr(picked, "pk", picked)
        try:
            found = queryset.filter(pk=int(picked)).first() if picked else None
        except (TypeError, ValueError):
            found = None
        return found or queryset.first()

    def consent_recipients(self) -> dict:
        """{platform id: [name, contact]}, for the script that keeps the consent's
        wording on the platform picked."""
        return {p.pk: list(recipient_name(Party.PLATFORM, p)) for p in self.fields["platform"].queryset}

    def platform_consent_text(self) -> str:
        """What the consumer agrees to on submitting, shown on the review step."""
        return consent_text(Party.PLATFORM, platform=self.cleaned_data["platform"])

    def clean_order_date(self):
        value = self.cleaned_data["order_date"]
        if value > self.today:
            raise ValidationError(_("The order date cannot be in the future."), code="future")
        if value < dt.date(2000, 1, 1):
            raise ValidationError(_("Enter the date you placed the order."), code="too_old")
        return value

    def clean_contact_phone(self):
        return normalise_cn_mobile(self.cleaned_data["contact_phone"])

    def clean(self):
        cleaned = super().clean()
        platform = cleaned.get("platform")
        if platform and "order_number" in cleaned:
            try:
                cleaned["order_number"] = normalise_order_number(
                    platform.order_number_kind, cleaned["order_number"], today=self.today
                )
            except ValidationError as error:
                self.add_error("order_number", error)
        if cleaned.get("desired_outcome") == DesiredOutcome.OTHER and not cleaned.get("desired_outcome_detail"):
            self.add_error("desired_outcome_detail", _("Say what you want when you choose “Other”."))
        return cleaned

    def complaint_data(self) -> dict:
        """The cleaned values that become the Complaint's fields."""
        return {name: self.cleaned_data[name] for name in COMPLAINT_FIELDS}

    def review_rows(self):
        """(label, shown value) pairs for the review step, exactly what will be stored."""
        cleaned = self.cleaned_data
        shown = {
            "platform": cleaned["platform"].name,
            "category": Category(cleaned["category"]).label,
            "desired_outcome": DesiredOutcome(cleaned["desired_outcome"]).label,
            "contact_phone": format_cn_mobile(cleaned["contact_phone"]),
            "amount": f"¥{cleaned['amount']:,.2f}",
        }
        return [(self.fields[name].label, shown.get(name, cleaned[name])) for name in COMPLAINT_FIELDS]


COMPLAINT_FIELDS = [
    "platform",
    "category",
    "order_number",
    "order_date",
    "amount",
    "shop_name",
    "description",
    "desired_outcome",
    "desired_outcome_detail",
    "contact_name",
    "contact_phone",
    "contact_email",
]


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        min_length=2,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write your message"),
            "min_length": _("Write at least %(limit_value)d characters."),
            "max_length": _("A message is at most %(limit_value)d characters (now %(show_value)d)."),
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why are you withdrawing? (optional)"), max_length=500, required=False)
