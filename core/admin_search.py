"""Admin list searches that keep the searched term out of URLs.

Staff search complaints and emails by a consumer's email address or phone number.
Django's admin sends the term as `?q=` in the URL, so it lands in gunicorn's access
log, the browser history and any Referer. Here the search box POSTs the term
(with CSRF) to a small view that keeps it in the staff member's session under a
random key and redirects to the list with `?qs=<key>`: the list, its pages and its
filter links carry only that opaque key. A `?q=` typed into the address bar is
ignored.
"""

import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.urls import path, reverse

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    # The mixin is only ever mixed into a ModelAdmin: type it as one.
    _AdminBase = ModelAdmin[Any]
else:
    _AdminBase = object

SEARCH_KEY_VAR = "qs"
SESSION_KEY = "admin_searches"
# Searches remembered per session; older keys stop working (the list shows unsearched).
KEEP_SEARCHES = 20
NOT_FILTERS = {"csrfmiddlewaretoken", SEARCH_VAR, SEARCH_KEY_VAR, PAGE_VAR}


def remember_search(session, term: str) -> str:
    """Keep `term` in `session`; return the opaque key that names it."""
    key = secrets.token_urlsafe(12)
    searches = {**session.get(SESSION_KEY, {}), key: term}
    session[SESSION_KEY] = dict(list(searches.items())[-KEEP_SEARCHES:])
    return key


def recall_search(session, key: str) -> str:
    return session.get(SESSION_KEY, {}).get(key, "") if key else ""


class SessionSearchChangeList(ChangeList):
    """The admin list, searching for the term its `qs` key names in the session."""

    def get_filters_params(self, params=None):
        lookup_params = super().get_filters_params(params)
        lookup_params.pop(SEARCH_KEY_VAR, None)
        return lookup_params

    def get_queryset(self, request, exclude_parameters=None):
        self.query = recall_search(request.session, request.GET.get(SEARCH_KEY_VAR, ""))
        return super().get_queryset(request, exclude_parameters)


class SearchByPostMixin(_AdminBase):
    """For a ModelAdmin: its list search goes by POST and the session (see above).
    Its change_list template includes "admin/search_by_post.html" in the search block."""

    def get_changelist(self, request, **kwargs):
        return SessionSearchChangeList

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "search/",
                self.admin_site.admin_view(self.search_view),
                name=f"{opts.app_label}_{opts.model_name}_search",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if SEARCH_VAR in request.GET:
            request.GET = request.GET.copy()
            del request.GET[SEARCH_VAR]
        opts = self.model._meta
        extra_context = {
            **(extra_context or {}),
            "search_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_search"),
            "search_key_var": SEARCH_KEY_VAR,
        }
        return super().changelist_view(request, extra_context)

    def search_view(self, request):
        """POST q (and the list's current filters): remember q, show the list searched."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        if request.method != "POST":
            return HttpResponseRedirect(changelist)
        params = QueryDict(mutable=True)
        for name, values in request.POST.lists():
            if name not in NOT_FILTERS:
                params.setlist(name, values)
        term = request.POST.get(SEARCH_VAR, "").strip()[:200]
        if term:
            params[SEARCH_KEY_VAR] = remember_search(request.session, term)
        return HttpResponseRedirect(f"{changelist}?{params.urlencode()}" if params else changelist)
