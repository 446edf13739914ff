"""A request whose database connection drops answers 503 with Retry-After, not 500.

Quick (the test client, the connection loss simulated), so `make test` runs it; the real
thing, backends terminated under gunicorn, is in test_postgres_dropped.py.
"""

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.utils import translation

import accounts.middleware
from smartcenters import services as seats
from tests.factories import api_token_key

LOST = OperationalError("terminating connection due to administrator command")


@pytest.fixture
def quiet_client():
    """A client that returns the 500/503 page instead of re-raising the view's exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [LOST, InterfaceError("connection already closed"), psycopg2.OperationalError("gone")],
)
def test_api_request_losing_its_connection_in_the_view_answers_503(
    quiet_client, staff_user, monkeypatch, error
):
    def lose_connection(**kwargs):
        raise error

    monkeypatch.setattr(seats, "book_seat", lose_connection)
    token = api_token_key(staff_user)
    response = quiet_client.post(
        "/api/v1/bookings/",
        {"seat": 1, "date": "2030-01-07", "slot": "am"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json()["detail"]
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_page_losing_its_connection_in_a_middleware_answers_503_in_korean(
    quiet_client, staff_user, monkeypatch
):
    def lose_connection(self, request):
        raise LOST

    monkeypatch.setattr(
        accounts.middleware.RequireVerifiedOTPMiddleware, "__call__", lose_connection
    )
    quiet_client.force_login(staff_user)
    with translation.override("ko"):
        response = quiet_client.get("/centers/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 503
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


@pytest.mark.django_db
def test_other_server_errors_stay_500(quiet_client, staff_user, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug, not the database")

    monkeypatch.setattr(seats, "book_seat", broken)
    token = api_token_key(staff_user)
    response = quiet_client.post(
        "/api/v1/bookings/",
        {"seat": 1, "date": "2030-01-07", "slot": "am"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 500
