"""Walk every URL the portal serves, as each role and as an anonymous visitor.

No page or endpoint answers 500 to anyone; an anonymous visitor reaches only the public pages;
residents' data (everything under /rpa/ and /api/v1/rpa/) is for the health team and admins only.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts import roles
from tests.conftest import enrol_totp, verified_client
from tests.factories import UserFactory

# Pages anyone may open without signing in.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/healthz",
    "/i18n/",
    "/jsi18n/",
    "/api/schema/",
    "/api/docs/",
    "/manifest.webmanifest",
    "/sw.js",
    "/offline/",
    "/s/",
    "/centers/check-in/",
    "/admin/login/",
    "/admin/logout/",
    "/accounts/logout/",
)
RESIDENT_DATA_PREFIXES = ("/rpa/", "/api/v1/rpa/")
CONVERTER_SAMPLES = {
    "int": "999999",
    "str": "missing",
    "slug": "missing",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "missing",
}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _concrete(route: str) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None  # regex routes (admin internals, static) are exercised elsewhere

    def fill(match):
        converter = match.group(1) or "str"
        return CONVERTER_SAMPLES.get(converter, "missing")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


def all_urls() -> list[str]:
    urls = {_concrete(route) for route in _walk(get_resolver().url_patterns)}
    return sorted(u for u in urls if u and not u.startswith("/admin/"))


def _people():
    people = {"anonymous": None}
    for role in (roles.STAFF, roles.MANAGER, roles.HEALTH, roles.ADMIN):
        user = UserFactory(
            role=role, is_staff=role == roles.ADMIN, is_superuser=role == roles.ADMIN
        )
        if role != roles.STAFF:
            enrol_totp(user)
        people[role] = user
    return people


@pytest.mark.django_db
def test_every_url_answers_every_role_without_a_server_error(client):
    people = _people()
    failures = []
    for who, user in people.items():
        client.logout()
        if user is not None:
            verified_client(client, user)
        for url in all_urls():
            response = client.get(url)
            status = response.status_code
            if status >= 500:
                failures.append(f"{who} GET {url} → {status}")
            public = url.startswith(PUBLIC_PREFIXES)
            if user is None and status == 200 and not public:
                failures.append(f"anonymous GET {url} → 200 (should sign in first)")
            if (
                url.startswith(RESIDENT_DATA_PREFIXES)
                and who in (roles.STAFF, roles.MANAGER)
                and status == 200
            ):
                failures.append(f"{who} GET {url} → 200 (residents' data is for the health team)")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_admin_pages_are_for_otp_verified_admins_only(client):
    people = _people()
    for who, user in people.items():
        client.logout()
        if user is not None:
            verified_client(client, user)
        status = client.get("/admin/").status_code
        assert status == (200 if who == roles.ADMIN else 302), who
