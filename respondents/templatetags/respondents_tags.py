from django import template

from ..presentation import respondent_status

register = template.Library()


@register.inclusion_tag("respondents/_consumer_panel.html")
def respondent_panel(complaint):
    """At the top of the consumer's complaint page: whether the complaint reached the
    platform on Tousu, and its latest answer."""
    return {"complaint": complaint, "respondent": respondent_status(complaint)}
