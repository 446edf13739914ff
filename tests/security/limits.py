"""What the limit tests share: counters of their own, and requests as a proxy would pass them."""

import uuid

import pytest

PROXY = "10.0.0.2"
OFFICE = "203.0.113.10"


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """Rate-limit counters live in Redis for an hour; each test counts under its own prefix,
    so a test neither inherits another's (or an earlier run's) counts nor leaves its own."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"


def through_proxy(address: str, forged: str = "") -> dict:
    """Request headers of a client at `address` behind one proxy that appends what it saw;
    `forged` is what the client itself put in X-Forwarded-For."""
    chain = f"{forged}, {address}" if forged else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": chain}


@pytest.fixture
def cache_down(settings):
    """The cache (Redis) does not answer: nothing listens where it is said to be."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
