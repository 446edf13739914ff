"""Rate-limit counters (django-ratelimit) that stay open when the cache does not answer.

django-ratelimit's own RATELIMIT_FAIL_OPEN covers only a cache that returns nothing; Django's
Redis cache raises when Redis is down. A limit is a guard, not a gate: a resident's self-check
or a staff member's sign-in must not fail with the cache (the account lock lives in PostgreSQL).
"""

import logging

from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def usage(
    request: HttpRequest, *, group: str, key, rate: str, method=ALL, increment: bool
) -> dict | None:
    """django-ratelimit's get_usage; None when not counted (cache down, method not limited)."""
    try:
        return get_usage(
            request, group=group, key=key, rate=rate, method=method, increment=increment
        )
    except (RedisError, OSError):
        logger.warning("rate limit %s not counted: the cache does not answer", group)
        return None


def is_limited(request: HttpRequest, *, group: str, key, rate: str, method=ALL) -> bool:
    """Count this request; True once the group's count for the key is over the rate."""
    counted = usage(request, group=group, key=key, rate=rate, method=method, increment=True)
    return bool(counted and counted["should_limit"])
