"""One client address for every limit: the trusted proxy's entry, never a client's forgery."""

import pytest
from axes.helpers import get_client_ip_address
from django.conf import settings as django_settings
from django.test import RequestFactory
from django_ratelimit.core import _get_ip
from rest_framework.throttling import BaseThrottle

from config.client_address import client_address
from tests.security.limits import PROXY, fresh_rate_limits  # noqa: F401


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.7", "6.6.6.6")) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_saw_wins_over_a_forged_leftmost_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from(PROXY, "6.6.6.6, 1.2.3.4, 203.0.113.10")
    assert client_address(request) == "203.0.113.10"


def test_behind_two_proxies_the_entry_the_outer_proxy_wrote_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from(PROXY, "6.6.6.6, 203.0.113.10, 10.0.0.1")
    assert client_address(request) == "203.0.113.10"


def test_a_request_that_skipped_the_outer_proxy_gets_the_first_proxys_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from(PROXY, "203.0.113.10")) == "203.0.113.10"


def test_behind_a_proxy_without_the_header_the_proxy_address_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(PROXY)) == PROXY


def test_garbage_where_the_proxy_writes_falls_back_to_the_proxy_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(PROXY, "203.0.113.10, <script>")) == PROXY


def test_ipv6_addresses_are_read_and_written_in_one_form(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = request_from(PROXY, "2001:DB8:0:0::1")
    assert client_address(request) == "2001:db8::1"


@pytest.mark.parametrize("proxies", [0, 1, 2])
@pytest.mark.parametrize(
    "forwarded",
    [None, "203.0.113.10", "6.6.6.6, 203.0.113.10", "6.6.6.6, 7.7.7.7, 203.0.113.10, 10.0.0.1"],
)
def test_sign_in_rate_limits_and_api_throttles_see_the_same_client(settings, proxies, forwarded):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    request = request_from(PROXY, forwarded)
    expected = client_address(request)
    assert get_client_ip_address(request) == expected
    assert _get_ip(request) == expected
    assert BaseThrottle().get_ident(request) == expected


def test_api_throttles_trust_as_many_proxies_as_the_rest_of_the_portal():
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == django_settings.TRUSTED_PROXY_COUNT
