"""Reply templates in the action forms: every form with a text for the consumer offers
the templates of the complaint's category (and those for every category) in a select.

With script (static/staff/replies.js), choosing one puts its text into the box at once.
Without, the select's "Use this template" button posts the form to the same action URL;
the page comes back with the text filled in and nothing done (staff.admin.action_view).
Staff edit the text before sending either way.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ReplyTemplate

FIELD = "template"
USE = "use_template"


class TemplateSelect(forms.Select):
    """Each option carries its template's text, for the script to fill the box with."""

    bodies: dict = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        body = self.bodies.get(str(getattr(value, "value", value)))
        if body is not None:
            option["attrs"]["data-body"] = body
        return option


def templates_for(complaint):
    return ReplyTemplate.objects.filter(Q(category=complaint.category) | Q(category=""))


def offer_templates(form, complaint) -> None:
    """Add the template select to `form` when it has a text for the consumer and there
    are templates for the complaint's category."""
    if "text" not in form.fields:
        return
    templates = list(templates_for(complaint))
    if not templates:
        return
    widget = TemplateSelect(attrs={"data-fills": form["text"].auto_id, "class": "staff-template"})
    widget.bodies = {str(template.pk): template.body for template in templates}
    form.fields[FIELD] = forms.ChoiceField(
        label=_("Start from a reply template"),
        choices=[("", "—"), *((str(template.pk), template.title) for template in templates)],
        required=False,
        widget=widget,
    )
    form.order_fields([FIELD, *(name for name in form.fields if name != FIELD)])


def chosen_text(complaint, data, prefix: str) -> str | None:
    """The text of the template a no-script "Use this template" post chose, or None."""
    chosen = data.get(f"{prefix}-{FIELD}", "")
    if not chosen.isdigit():
        return None
    template = templates_for(complaint).filter(pk=int(chosen)).first()
    return template.body if template else None
