"""A request whose database connection dropped answers 503 (try again), never a bare 500.

PostgreSQL restarting, a failover or an administrator terminating backends ends a request's
connection mid-way: its transaction is rolled back, so nothing half-written is left, and the
right answer is "temporarily unavailable, try again" with Retry-After. Django turns the
exception into a 500 wherever it is raised (a view, a middleware that loads the session);
`got_request_exception` marks the request, and this middleware swaps the 500 for a 503.
"""

import logging
import sys

import psycopg2
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

# psycopg2's own classes too: Django does not wrap errors raised when it closes a
# server-side cursor (QuerySet.iterator()).
CONNECTION_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
)
RETRY_AFTER_SECONDS = "2"


@receiver(got_request_exception, dispatch_uid="config.middleware.mark_database_unavailable")
def _mark_database_unavailable(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, CONNECTION_ERRORS):
        request.database_unavailable = True


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_unavailable", False):
            logger.warning("database connection lost: 503 for %s", request.path)
            return self._unavailable(request)
        return response

    @staticmethod
    def _unavailable(request):
        message = gettext("The service is briefly unavailable. Please try again in a moment.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
