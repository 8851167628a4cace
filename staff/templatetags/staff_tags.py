from django import template
from django.utils.formats import date_format, number_format

from complaints import access

from .. import charts, operations, stats, vocabulary

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_dashboard(context):
    """{% staff_dashboard as dashboard %}: the staff home's figures and charts, for
    staff who may see complaints."""
    user = context["request"].user
    if not access.staff_may_view_complaints(user):
        return None
    data = stats.staff_dashboard()
    return {
        **data,
        "weeks_chart": charts.column_chart(
            [(date_format(start, "m/d"), n) for start, n in data["weeks"]], width=600, height=200
        ),
        "overdue_chart": charts.bar_chart(
            [(row.platform.name, row.overdue) for row in data["platforms"]], width=600, label_room=120
        ),
    }


@register.simple_tag(takes_context=True)
def staff_operations(context):
    """{% staff_operations as ops %}: whether beat's periodic work runs on time and how many
    emails failed, for the staff home (no personal data in either)."""
    if not access.staff_may_view_complaints(context["request"].user):
        return None
    return {"periodic": operations.periodic_status(), "failed_emails": operations.failed_email_count()}


@register.simple_tag
def timely_chart(rows):
    return charts.bar_chart(
        [(row.platform.name, (row.timely_share or 0) * 100, percent(row.timely_share)) for row in rows],
        maximum=100,
        width=600,
        label_room=120,
    )


@register.filter
def percent(share):
    if share is None:
        return "—"
    # Rounded, not truncated (number_format cuts decimals: 2/3 would show as 66%).
    return f"{number_format(round(share * 100), 0)}%"


@register.filter
def days(value):
    if value is None:
        return "—"
    return number_format(value, 1 if value % 1 else 0)


@register.filter
def staff_status(value):
    """A status value in staff words (staff.vocabulary)."""
    return vocabulary.status_label(value)


@register.filter
def beijing(moment):
    """A time as 2026-12-07 14:06, Beijing time."""
    return vocabulary.beijing(moment)
