"""The staff app's tunables, read from settings once with their defaults."""

from django.conf import settings

# The queue's paginator counts at most this many rows: a page never counts the table.
QUEUE_COUNT_CAP = getattr(settings, "STAFF_QUEUE_COUNT_CAP", 10_000)
QUEUE_PAGE_SIZE = getattr(settings, "STAFF_QUEUE_PAGE_SIZE", 50)
# The public statistics page lists a platform only from this many complaints on.
PUBLIC_STATS_MIN_COMPLAINTS = getattr(settings, "PUBLIC_STATS_MIN_COMPLAINTS", 30)
# Statistics are recomputed at most this often (seconds).
STATS_CACHE_SECONDS = getattr(settings, "STAFF_STATS_CACHE_SECONDS", 600)
