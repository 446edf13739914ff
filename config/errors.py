"""How a service's refusal (`core.errors.DomainError`) reaches people: once for the API, once
for pages.

API: `{"detail": sentence, "code": code, <field>: [sentences]…, <extra>…}`, the field errors
shaped as DRF's own validation errors so a client reads both the same way; 400 for `Invalid`,
403 for `NotAllowed`, 409 for `Conflict`.

Pages: a refusal no view caught becomes a message on the page the person came from (POST,
then redirect, then GET), so a stale button never ends in an error page. Views with a form put
the sentences on the form instead (`DomainError.add_to`).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from core.errors import Conflict, DomainError, NotAllowed

API_STATUS = (
    (NotAllowed, status.HTTP_403_FORBIDDEN),
    (Conflict, status.HTTP_409_CONFLICT),
    (DomainError, status.HTTP_400_BAD_REQUEST),
)


def status_of(error: DomainError) -> int:
    return next(code for kind, code in API_STATUS if isinstance(error, kind))


def api_body(error: DomainError) -> dict:
    fields = {
        (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): texts
        for name, texts in error.errors.items()
    }
    return {"detail": error.message, "code": error.code, **fields, **error.extra}


def api_exception_handler(exc, context):
    """DRF's handler, with domain errors answered in the one shape."""
    if isinstance(exc, DomainError):
        return Response(api_body(exc), status=status_of(exc))
    return exception_handler(exc, context)


class DomainErrorMiddleware:
    """Pages: an uncaught refusal is shown as a message on the page the person came from."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        messages.error(request, exception.message)
        if request.method == "GET":
            return redirect("/")
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = request.path
        return redirect(back)
