"""The client's address, the same for every limit and allow-list.

Behind a reverse proxy REMOTE_ADDR is the proxy's: counting sign-in failures or filings
by it puts every visitor in one bucket (ten failures from one client locked out
everyone). With TRUSTED_PROXY_COUNT = n (the proxies in front of the app that append to
X-Forwarded-For), the client is the n-th address from the right of that header: what
the nearest trusted proxy saw. Addresses further left were written by the client and
are never trusted. The same number is given to allauth (ALLAUTH_TRUSTED_PROXY_COUNT),
so its sign-in limits agree.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    hops = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        # Not through the proxy chain we were told of: count it by the peer itself.
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
