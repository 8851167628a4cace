"""The staff queue's list: filters, search and a paginator that never counts the table.

Each filter narrows on an indexed column and keeps the queue's order (next deadline,
then id), so PostgreSQL walks an index instead of sorting a million rows; the indexes
are on complaints.Complaint (migration complaints 0004, named after these filters).
"""

import contextlib
import re
from typing import TYPE_CHECKING, cast

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalise_cn_mobile

from . import conf
from .deadlines import due_soon_cutoff
from .vocabulary import status_label

# Overdue first (the earliest deadlines are the ones already passed), then by next
# deadline; complaints without one last. Served by complaint_next_deadline_idx.
QUEUE_ORDER = (F("next_deadline_at").asc(nulls_last=True), "id")

# With a filter on one of these columns, the column also leads the ORDER BY, and the
# filter is written as a range (column BETWEEN v AND v; see EqualityAsRange). The rows
# and their order are the same, but only the filter's own index (complaint_queue_*_idx)
# serves that order. Otherwise PostgreSQL may walk complaint_next_deadline_idx and skip
# every other platform's rows to reach one whose complaints have no deadline at all
# (measured on 1,000,000 rows: 1.7 s cold against milliseconds).
FILTER_COLUMNS = {
    "platform_id": ("platform__id__exact", "platform__id", "platform"),
    "status": ("status__exact", "status"),
    "category": ("category__exact", "category"),
    "assignee_id": ("assigned",),
}


def queue_order(params) -> tuple:
    """The queue's order for the list filtered by `params` (the request's GET)."""
    for column, names in FILTER_COLUMNS.items():
        if any(params.get(name) for name in names):
            return (column, *QUEUE_ORDER)
    return QUEUE_ORDER


class CappedPaginator(Paginator):
    """Counts at most QUEUE_COUNT_CAP + 1 rows (SELECT COUNT(*) FROM (… LIMIT n)):
    a page of a million-row queue costs the same as a page of a thousand."""

    @property
    def cap(self) -> int:
        return conf.QUEUE_COUNT_CAP

    @cached_property
    def count(self):
        # No ORDER BY in the count: any cap+1 matching rows will do.
        return cast(QuerySet, self.object_list).order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


if TYPE_CHECKING:
    # Mixed into the admin's field list filters only.
    _FilterBase = admin.FieldListFilter
else:
    _FilterBase = object


class EqualityAsRange(_FilterBase):
    """A list filter that writes `column = v` as `column BETWEEN v AND v`.

    PostgreSQL drops an ORDER BY column that the WHERE clause fixes to a constant, so
    `WHERE platform_id = 3 ORDER BY platform_id, next_deadline_at, id` is planned as
    if ordered by next_deadline_at alone, and the planner, which assumes every
    platform is spread evenly along that index, may pick the wrong index (see
    FILTER_COLUMNS). A range is not a constant to the planner, so the order stays and
    only the composite index serves it."""

    def queryset(self, request, queryset):
        lookups: dict[str, object] = {}
        for name, value in self.used_parameters.items():
            value = value[-1] if isinstance(value, list) else value
            if name.endswith("__exact"):
                lookups[name.removesuffix("__exact") + "__range"] = (value, value)
            else:
                lookups[name] = value
        try:
            return queryset.filter(**lookups)
        except (ValueError, ValidationError) as error:
            raise admin.options.IncorrectLookupParameters(error)


class RelatedEqualityFilter(EqualityAsRange, admin.RelatedFieldListFilter):
    pass


class ChoicesEqualityFilter(EqualityAsRange, admin.ChoicesFieldListFilter):
    pass


class StatusFilter(ChoicesEqualityFilter):
    """The status filter, each status in staff words (staff.vocabulary)."""

    def choices(self, changelist):
        items = super().choices(changelist)
        yield next(items)  # "All"
        for item, (value, _label) in zip(items, self.field.flatchoices, strict=False):
            yield {**item, "display": status_label(value)}


class ErasedFilter(admin.SimpleListFilter):
    """Complaints whose personal data was erased (actions.erasure) leave the working
    queue: nothing is left to work on and every action is refused (staff.buttons).
    They stay findable here, for the record."""

    title = _("personal data")
    parameter_name = "erased"

    def lookups(self, request, model_admin):
        return [("yes", _("Erased"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(personal_data_erased_at__isnull=False)
        return queryset.filter(personal_data_erased_at__isnull=True)


class DeadlineFilter(admin.SimpleListFilter):
    title = _("next deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("due_soon", _("Due within one working day"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "overdue":
            return queryset.filter(next_deadline_at__lt=now)
        if self.value() == "due_soon":
            return queryset.filter(next_deadline_at__gte=now, next_deadline_at__lte=due_soon_cutoff(now))
        return queryset


class ProvisionalFilter(admin.SimpleListFilter):
    title = _("provisional deadline")
    parameter_name = "provisional"

    def lookups(self, request, model_admin):
        return [("yes", _("Provisional deadline"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(next_deadline_provisional=True)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("none", _("Unassigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee__id__range=(request.user.pk, request.user.pk))  # see EqualityAsRange
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset


# References are TS-YYYYMMDD-NNNN (complaints.models); staff type a start of one
# ("TS-2026", "ts-202611") or its last digits ("0042", "1121-0042").
REFERENCE_START = re.compile(r"TS-[0-9-]*")
REFERENCE_END = re.compile(r"[0-9]{3,4}|[0-9]{1,8}-[0-9]{4}")


def search_filter(term: str) -> Q | None:
    """What staff type into the search box: a reference (whole, its start, or its last
    digits), an order number, a consumer's email (any case), mobile number (any
    spelling, normalised to E.164) or contact name (whole, or its start: a surname).

    The term comes from the session (core.admin_search), never from the URL. The
    reference's start is served by the unique index's pattern index on PostgreSQL; its
    end and the name are read from the rows the other filters leave."""
    term = " ".join(term.split())
    if not term:
        return None
    upper = term.upper()
    query = Q(reference=upper) | Q(order_number=term)
    if REFERENCE_START.fullmatch(upper):
        query |= Q(reference__startswith=upper)
    elif REFERENCE_END.fullmatch(term):
        query |= Q(reference__endswith=term)
    if not any(ch.isdigit() or ch == "@" for ch in term):
        query |= Q(contact_name__startswith=term)
    if "@" in term:
        query |= Q(contact_email__iexact=term)
    digits = sum(ch.isdigit() for ch in term)
    if digits >= 11:
        with contextlib.suppress(ValidationError):
            query |= Q(contact_phone=normalise_cn_mobile(term))
    return query


def declared_lookups(list_filter) -> frozenset[str]:
    """The query-string parameters the declared list filters read, and nothing else:
    field filters (``field__exact``, ``field__id__exact`` and their ``__isnull``) and
    the simple filters' parameter names."""
    allowed: set[str] = set()
    for entry in list_filter:
        if isinstance(entry, tuple):
            field = entry[0]
            allowed |= {field, f"{field}__exact", f"{field}__isnull", f"{field}__id__exact", f"{field}__id__isnull"}
        elif isinstance(entry, str):
            allowed |= {entry, f"{entry}__exact", f"{entry}__isnull", f"{entry}__id__exact", f"{entry}__id__isnull"}
        else:
            allowed.add(entry.parameter_name)
    return frozenset(allowed)
