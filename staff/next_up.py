"""The next complaint of the queue a staff member is working, so one action leads to
the next complaint instead of back to the list.

The list the staff member came from travels with the complaint page as the admin's
`_changelist_filters` (its filters and its opaque search key, core.admin_search). The
next complaint is the first of that list, in the queue's own order (overdue first,
then the earliest deadline, the oldest id first among equals), that is not the one
just worked, not taken by someone else, and has something for staff to do: not
waiting for the consumer and not over, unless the list was filtered to such a status.
"""

import copy
from urllib.parse import urlencode

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

from complaints.states import TERMINAL, Status

PRESERVED = "_changelist_filters"
# Statuses where it is someone else's turn or nothing is left: skipped unless filtered on.
NOT_STAFF_TURN = frozenset({Status.NEEDS_INFO, *TERMINAL})


def list_params(request) -> QueryDict:
    """The list's query string the complaint page was opened from."""
    return QueryDict(request.GET.get(PRESERVED, ""), mutable=True)


def next_complaint(model_admin, request, current):
    """The complaint to work after `current`, or None when the list has no other."""
    params = list_params(request)
    params.pop(SEARCH_VAR, None)  # a term in a URL is never searched (core.admin_search)
    listed = copy.copy(request)
    listed.GET, listed.method = params, "GET"
    try:
        queryset = model_admin.get_changelist_instance(listed).get_queryset(listed)
    except IncorrectLookupParameters:
        return None
    queryset = queryset.exclude(pk=current.pk).filter(Q(assignee__isnull=True) | Q(assignee=request.user))
    if not any(name.startswith("status") for name in params):
        queryset = queryset.exclude(status__in=NOT_STAFF_TURN)
    return queryset.first()


def complaint_url(complaint, request) -> str:
    """The complaint's page, keeping the list it belongs to."""
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    preserved = request.GET.get(PRESERVED, "")
    return f"{url}?{urlencode({PRESERVED: preserved})}" if preserved else url


def list_url(request) -> str:
    """The list the complaint page was opened from."""
    params = list_params(request)
    url = reverse("admin:complaints_complaint_changelist")
    return f"{url}?{params.urlencode()}" if params else url
