from django import forms
from django.utils.translation import gettext_lazy as _


class SharingChoiceForm(forms.Form):
    """Show or blur the consumer's personal data on the copies for one recipient
    (reading.sharing); the buttons post "1" or "0". A `back` naming a body sends the
    owner back to that packet (core.parties.PACKET_BODIES), anything else to the complaint."""

    show = forms.TypedChoiceField(
        choices=[("1", _("Show")), ("0", _("Blur"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Please choose whether to show or blur your personal data.")},
    )
