import re

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

from channels import presentation, sources
from channels.models import Body

register = template.Library()

# Han characters with the CJK and full-width punctuation between them: one run of
# Chinese inside an English sentence, e.g. the app label in "Tap “官方客服”".
HAN_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]*"
)


@register.filter(needs_autoescape=True)
def mark_chinese(value, autoescape=True):
    """{{ step|mark_chinese }}: on a page not in Chinese, each run of Chinese inside the
    text is tagged lang="zh-Hans" so a screen reader reads the in-app labels ("官方客服")
    in a Chinese voice (WCAG 3.1.2). On a Chinese page the text is left as it is."""
    if isinstance(value, SafeData):
        return value  # already markup: splitting it could cut a tag
    text = str(value)
    escape = conditional_escape if autoescape else str
    if (get_language() or "").lower().startswith("zh") or not HAN_RUN.search(text):
        return escape(text)
    pieces, position = [], 0
    for run in HAN_RUN.finditer(text):
        pieces.append(escape(text[position : run.start()]))
        pieces.append(format_html('<span lang="zh-Hans">{}</span>', run.group()))
        position = run.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # every piece escaped above


@register.inclusion_tag("channels/_platform_channels_list.html")
def platform_channels(platform, limit=6):
    """{% platform_channels platform %}: the platform's channels a consumer may use,
    surest first, unconfirmed ones marked; disputed and wrong ones never. Short, for
    the complaint form and page on a phone: the best one in a line, the rest folded."""
    body = Body.objects.filter(platform=platform).first() if platform is not None else None
    channels = []
    if body is not None:
        listed, _distrusted = presentation.split(body.channels.select_related("hours"))
        # Merchant lines are not for consumers filing a complaint.
        channels = [channel for channel in listed if channel.audience != channel.Audience.MERCHANTS][:limit]
        presentation.annotate_hours(channels, timezone.localtime())
        presentation.annotate_plainly(channels)
    # The surest way first, said plainly; the others one tap away; the full list
    # (and what not to trust) on the body's own page.
    return {"platform": platform, "body": body, "best": channels[0] if channels else None, "others": channels[1:]}


@register.simple_tag
def list_separator():
    """{% list_separator %}: "; " or, on a Chinese page, "；" (channels.sources)."""
    return sources.list_separator()
