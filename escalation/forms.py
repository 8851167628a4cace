import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.consents import consent_text, recipient_name
from core.parties import Party

from . import conf
from .models import PlatformFiling, StepKind


class PlatformFilingForm(forms.Form):
    channel = forms.ChoiceField(label=_("How did you complain?"), choices=PlatformFiling.Channel.choices)
    filed_at = forms.DateTimeField(
        label=_("When (Beijing time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    ticket = forms.CharField(label=_("The platform's ticket number, if any"), max_length=60, required=False)

    def clean_filed_at(self):
        # A recent date only: an older one would start clocks already long overdue
        # (and every overdue clock is a reminder and a mark against the platform).
        value = self.cleaned_data["filed_at"]
        now = timezone.now()
        if value > now:
            raise forms.ValidationError(_("This time is in the future."))
        if value < now - dt.timedelta(days=conf.PLATFORM_FILING_MAX_DAYS_BACK):
            raise forms.ValidationError(
                _("This is more than %(days)s days ago; please contact us instead."),
                code="too_old",
                params={"days": conf.PLATFORM_FILING_MAX_DAYS_BACK},
            )
        return value


class EscalationStartForm(forms.Form):
    """Before the packet: the two cases in which a regulator will not accept the complaint."""

    body = forms.ChoiceField(
        label=_("Where do you want to file?"),
        choices=[(Party.REGULATOR, Party.REGULATOR.label), (Party.ASSOCIATION, Party.ASSOCIATION.label)],
        widget=forms.RadioSelect,
    )
    already_handled = forms.BooleanField(
        label=_("A court, an arbitrator or a consumer association already handles or handled this dispute"),
        required=False,
    )
    # PIPL art. 23: a separate consent for the body chosen, asked here and not at filing.
    consent = forms.BooleanField(
        error_messages={"required": _("We can only prepare your packet for this body with your consent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.data.get("body") if self.is_bound else None
        if chosen not in (Party.REGULATOR, Party.ASSOCIATION):
            chosen = Party.REGULATOR
        self.fields["consent"].label = consent_text(chosen, html=True)

    def consent_recipients(self) -> dict:
        """{body: [name, contact]}, for the script that keeps the wording on the body picked."""
        return {body: list(recipient_name(body)) for body in (Party.REGULATOR, Party.ASSOCIATION)}


class EscalationRecordForm(forms.Form):
    body = forms.ChoiceField(
        label=_("Filed with"),
        choices=[(Party.REGULATOR, Party.REGULATOR.label), (Party.ASSOCIATION, Party.ASSOCIATION.label)],
    )
    reference = forms.CharField(label=_("Reference number you got"), max_length=60, required=False)
    filed_on = forms.DateField(
        label=_("Date filed"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Please give the date you filed."),
            "invalid": _("Please give the date as year-month-day, e.g. 2026-03-10."),
        },
    )

    def clean_filed_on(self):
        value = self.cleaned_data["filed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return value


class RouteStepForm(forms.Form):
    """One short form per step on the ladder (escalation.ladder.STEPS): the date, and the
    case number for a filing or the reason for a refusal. "I filed on 12315" also asks
    whether it went through ODR or as a regular complaint."""

    route = forms.ChoiceField(label=_("How did you file on 12315?"), widget=forms.RadioSelect)
    # An <input type="date"> takes only ISO dates: the localised format (2026年3月10日)
    # would leave the field empty, losing the default of today.
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Case number"), max_length=60, required=False)
    reason = forms.CharField(label=_("The reason given"), max_length=300, required=False)

    def __init__(self, *args, routes: list[tuple[str, str]], step: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step
        self.fields["route"].choices = routes
        if len(routes) == 1:
            self.fields["route"].initial = routes[0][0]
            self.fields["route"].widget = forms.HiddenInput()
        if step != StepKind.FILED:
            del self.fields["reference"]
        if step == StepKind.NOT_ACCEPTED:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return value


class PlatformAnswerForm(forms.Form):
    """The consumer's account of what the platform answered them outside Tousu."""

    text = forms.CharField(
        label=_("What did the platform answer?"),
        help_text=_("In your own words, with the date if it was not today. Staff and, later, 12315 read it."),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=5,
        max_length=2000,
        error_messages={
            "required": _("Please write what the platform answered."),
            "min_length": _("Please write a little more: at least %(limit_value)d characters."),
            "max_length": _("Please keep it under %(limit_value)d characters (now %(show_value)d)."),
        },
    )
