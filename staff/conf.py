"""The staff app's tunables: settings with their defaults, read when used (module
__getattr__), never copied at import, so a changed setting reaches every caller."""

from django.conf import settings

# name here -> (setting, default)
_FROM_SETTINGS = {
    # The queue's paginator counts at most this many rows: a page never counts the table.
    "QUEUE_COUNT_CAP": ("STAFF_QUEUE_COUNT_CAP", 10_000),
    "QUEUE_PAGE_SIZE": ("STAFF_QUEUE_PAGE_SIZE", 50),
    # The public statistics page lists a platform only from this many complaints on.
    "PUBLIC_STATS_MIN_COMPLAINTS": ("PUBLIC_STATS_MIN_COMPLAINTS", 30),
    # Statistics are recomputed at most this often (seconds).
    "STATS_CACHE_SECONDS": ("STAFF_STATS_CACHE_SECONDS", 600),
}


def __getattr__(name: str):
    try:
        setting, default = _FROM_SETTINGS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return getattr(settings, setting, default)
