from django import template

from ..presentation import respondent_status

register = template.Library()


@register.inclusion_tag("respondents/_consumer_panel.html")
def respondent_panel(complaint):
    """At the top of the consumer's complaint page: whether the complaint reached the
    platform on Tousu, and its latest answer."""
    from actions.respondents import shop_consent_text

    status = respondent_status(complaint)
    for shop in status.shops_to_offer:
        shop.consent_text = shop_consent_text(shop)
    return {"complaint": complaint, "respondent": status}


@register.inclusion_tag("respondents/_public_table.html")
def respondents_table():
    """The respondents' table on /stats/ (respondents.stats.public_table)."""
    from ..stats import public_table

    return {"table": public_table()}


@register.inclusion_tag("respondents/_staff_panel.html")
def respondent_staff_panel(complaint):
    """On the staff complaint page: the delivery, every answer (the respondent's own or
    recorded by staff from outside Tousu) and whether the consumer disputed one."""
    status = respondent_status(complaint)
    question = getattr(complaint, "solved_question", None)
    return {"complaint": complaint, "respondent": status, "disputed": bool(question and question.solved is False)}
