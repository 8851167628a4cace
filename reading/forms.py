from django import forms
from django.utils.translation import gettext_lazy as _

# Where the owner is sent back to after choosing: a packet page (a body) or the complaint.
BACK_TO_PACKET = ("12315", "association")


class SharingChoiceForm(forms.Form):
    """Show or blur the consumer's personal data on the copies for one recipient
    (reading.sharing); the buttons post "1" or "0". A `back` naming a body sends the
    owner back to that packet (BACK_TO_PACKET), anything else to the complaint."""

    show = forms.TypedChoiceField(
        choices=[("1", _("Show")), ("0", _("Blur"))],
        coerce=lambda value: value == "1",
        error_messages={"required": _("Please choose whether to show or blur your personal data.")},
    )
