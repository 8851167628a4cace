from django import template
from django.utils import timezone

from channels import presentation
from channels.models import Body

register = template.Library()


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
