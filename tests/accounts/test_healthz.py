import pytest


@pytest.mark.django_db
def test_healthz_reports_both_dependencies_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"postgres": "ok", "redis": "ok", "status": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "down"
    assert response.json()["postgres"] == "ok"
