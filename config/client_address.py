"""The client's address for a request: one answer for sign-in limits, rate limits and throttles.

Behind `TRUSTED_PROXY_COUNT` reverse proxies, each appends the address it saw to
X-Forwarded-For, so the Nth entry from the right was written by the outermost trusted proxy:
everything left of it came from the client and may be forged. With no trusted proxy the
header is ignored and the address is the connection's. DRF's throttles read the same entry
through `NUM_PROXIES` (set from the same setting), so every limit counts the same client.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    entries = forwarded.split(",")
    # Fewer entries than proxies: the request skipped the outer ones and the leftmost entry is
    # what the first proxy it met saw (DRF reads it the same way).
    candidate = entries[-min(proxies, len(entries))].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Our proxy writes addresses only; anything else means it is set up wrong, and the
        # proxy's own address is the one thing here that was not written by the client.
        return remote
