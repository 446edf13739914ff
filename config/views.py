"""Project-wide views that belong to no app: the health check."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def _redis_answers() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        return bool(client.ping())
    except Exception:
        return False


@never_cache
def healthz(request):
    checks = {"postgres": _database_answers(), "redis": _redis_answers()}
    body = {name: ("ok" if up else "down") for name, up in checks.items()}
    body["status"] = "ok" if all(checks.values()) else "degraded"
    return JsonResponse(body, status=200 if all(checks.values()) else 503)


def not_found(request, exception=None):
    """404: JSON under /api/ (clients parse it), the site's page everywhere else."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception)
