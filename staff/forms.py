from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from complaints import access
from respondents.forms import AnswerForm


def staff_members():
    """Who a complaint can be assigned to: staff who may read complaints (complaints.access),
    not every account that can sign in to the admin."""
    return (
        get_user_model()
        # Permissions live in ModelBackend; allauth's backend only adds ways to sign in.
        .objects.with_perm(access.VIEW_COMPLAINT, backend="django.contrib.auth.backends.ModelBackend")
        .filter(is_staff=True)  # signing in to the admin needs it; it grants nothing
        .order_by("username")
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Note for the consumer (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    text = forms.CharField(label=_("Message to the consumer"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=staff_members(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assignee"]).queryset = staff_members()


class SelectWithRefusals(forms.Select):
    """A select whose refused options are shown, disabled, with the reason."""

    refusals: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = self.refusals.get(getattr(value, "value", value))
        if reason:
            option["attrs"]["disabled"] = True
            option["attrs"]["title"] = reason
            option["label"] = _("%(channel)s (not possible: %(reason)s)") % {"channel": label, "reason": reason}
        return option


class ForwardForm(forms.Form):
    """`refusal(channel)` says why a channel may not be used ("" when it may):
    staff.services.forwarding_refusal for the complaint(s) being forwarded."""

    channel: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Channel"), queryset=None, widget=SelectWithRefusals
    )
    text = forms.CharField(
        label=_("Note for the consumer (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, channels, refusal, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        cast(forms.ModelChoiceField, self.fields["channel"]).queryset = channels
        self.fields["channel"].widget.refusals = {channel.pk: refusal(channel) for channel in channels}

    def clean_channel(self):
        channel = self.cleaned_data["channel"]
        reason = self.refusal(channel)
        if reason:
            raise forms.ValidationError(reason, code="channel_refused")
        return channel


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ResponseForm(forms.Form):
    text = forms.CharField(label=_("The platform's response"), widget=forms.Textarea(attrs={"rows": 4}))
    # The form metaclass moves declared fields off the class, so this does not hide
    # BaseForm.files at run time; the stubs cannot know that.
    files = MultipleFileField(label=_("Attachments (images)"), required=False)  # type: ignore[assignment]


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 3}))


class ConfirmFilingForm(forms.Form):
    checked = forms.BooleanField(
        label=_(
            "I checked the consumer's proof (the platform's ticket or a screenshot) that they complained to the "
            "platform at the time they gave."
        )
    )


class OffTousuAnswerForm(AnswerForm):
    """The platform's answer by phone or letter, recorded by staff: the same structured
    answer a respondent gives on Tousu, marked as recorded from outside."""


class EmptyForm(forms.Form):
    pass


class RouteStepForm(forms.Form):
    """Staff record a step on the ladder for the consumer (a letter from 12315 the
    consumer mailed in): only the steps escalation.ladder has open are offered."""

    step = forms.ChoiceField(label=_("Step"))
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Case number"), max_length=60, required=False)
    reason = forms.CharField(label=_("Reason given (when not accepted)"), max_length=300, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["step"]).choices = choices

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("step", "").endswith(":not_accepted") and not data.get("reason"):
            self.add_error("reason", _("Give the reason 12315 gave."))
        return data
