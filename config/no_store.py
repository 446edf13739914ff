"""Answers with personal data are never kept by a browser's or a proxy's cache.

Every answer to a signed-in person (a session cookie or an API token) and every answer behind a
self-check link or a calendar feed gets `Cache-Control: no-store`, unless the view chose its
own caching (the offline page, the service worker, the feed's short private caching). A shared
computer's back button, a disk cache or a caching proxy then holds no case sheet, no export and
no resident's page. Static files are answered by WhiteNoise before this runs and stay cacheable.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

from .secret_urls import carries_secret


class NoStoreForPersonalData:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and self._is_personal(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _is_personal(request) -> bool:
        # Decided from the request alone: loading the session here would touch the database
        # again after the answer is made, and a dropped connection would turn a 503 into a 500.
        return (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or carries_secret(request.path_info)
        )
