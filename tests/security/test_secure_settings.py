"""Settings that cannot be got wrong: HTTPS protections stay on, local HTTP is named and
reported, and a production machine without its own secret key does not start."""

import json

from tests.security.production import manage, production_env

DEVELOPMENT_KEY = "django-insecure-development-only-key-set-DJANGO_SECRET_KEY-in-production"

# What a browser is told about the cookies of the sign-in page, and the settings behind them.
SHOW_SECURITY = """
import json
from django.conf import settings
from django.test import Client
cookie = Client().get("/accounts/login/", secure=True).cookies["csrftoken"]
print(json.dumps({
    "csrf_cookie_secure": bool(cookie["secure"]),
    "csrf_cookie_httponly": bool(cookie["httponly"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
}))
"""


def security_of(env: dict) -> dict:
    env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver"}
    result = manage("shell", "-c", SHOW_SECURITY, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cookies_stay_secure_and_hsts_on_when_the_proxy_does_the_redirect():
    shown = security_of(production_env(DJANGO_SECURE_SSL_REDIRECT="0"))
    assert shown == {
        "csrf_cookie_secure": True,
        "csrf_cookie_httponly": True,
        "session_cookie_secure": True,
        "session_cookie_httponly": True,
        "hsts_seconds": 60 * 60 * 24 * 365,
        "ssl_redirect": False,
    }


def test_check_deploy_has_no_cookie_or_hsts_warning_when_the_proxy_does_the_redirect():
    result = manage("check", "--deploy", env=production_env(DJANGO_SECURE_SSL_REDIRECT="0"))
    output = result.stdout + result.stderr
    for cookie_or_hsts in ("security.W004", "security.W012", "security.W016"):
        assert cookie_or_hsts not in output


def test_plain_http_on_this_machine_is_a_named_mode_that_check_deploy_reports():
    env = production_env(DJANGO_LOCAL_HTTP="1")
    shown = security_of(env)
    assert not shown["csrf_cookie_secure"] and not shown["session_cookie_secure"]
    assert shown["hsts_seconds"] == 0 and not shown["ssl_redirect"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "flexwork.W001" in result.stdout + result.stderr
    assert "DJANGO_LOCAL_HTTP" in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start_and_says_how_to_make_one():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:")
    assert "DJANGO_SECRET_KEY" in last_line and "secrets.token_urlsafe" in last_line


def test_production_with_the_development_key_refuses_to_start():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=DEVELOPMENT_KEY))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr.strip().splitlines()[-1]


def test_local_mode_without_a_key_signs_with_a_key_of_this_machine_not_a_known_one():
    env = production_env(DJANGO_LOCAL_HTTP="1", DJANGO_SECRET_KEY=None)
    show_key = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "-c", show_key, env=env)
    second = manage("shell", "-c", show_key, env=env)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert key == second.stdout.strip().splitlines()[-1]  # the web server and the worker sign alike
    assert len(key) >= 50 and not key.startswith("django-insecure")
