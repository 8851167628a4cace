from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .levels import NEEDS_REASON, Level


class VerificationForm(forms.Form):
    """The admin actions' form: what a staff member records when they change a level."""

    source = forms.CharField(
        label=_("Source"), max_length=500, help_text=_("Where you checked: the app screen, URL or document.")
    )
    checked_on = forms.DateField(
        label=_("Checked on"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    target = forms.ChoiceField(
        label=_("What you checked"),
        choices=[("channel", _("the contact itself")), ("hours", _("its hours")), ("both", _("both"))],
        initial="channel",
    )
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, level: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = Level(level)
        if self.level in NEEDS_REASON:
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason (whose it is, or why sources conflict)")

    def targets(self, channels):
        """(channel, thing to verify) pairs; channels without hours are skipped for hours."""
        which = self.cleaned_data["target"]
        pairs = []
        for channel in channels:
            if which in ("channel", "both"):
                pairs.append((channel, channel))
            try:
                hours = channel.hours
            except ObjectDoesNotExist:
                hours = None
            if which in ("hours", "both") and hours is not None:
                pairs.append((channel, hours))
        return pairs

    def clean_checked_on(self):
        checked_on = self.cleaned_data["checked_on"]
        if checked_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return checked_on
