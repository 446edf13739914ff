"""The old eternal DRF tokens are carried over hashed: they keep working for 30 days."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import UserFactory

OLD_KEY = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.django_db(transaction=True)
def test_an_old_token_keeps_working_until_thirty_days_after_the_migration():
    person = UserFactory(role="staff")
    call_command("migrate", "accounts", "0002", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY,"
            " created timestamptz NOT NULL, user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, now() - interval '2 years', %s)",
            [OLD_KEY, person.pk],
        )
    call_command("migrate", "accounts", verbosity=0)

    token = ApiToken.objects.get(user=person)
    assert token.key_hash == ApiToken.hash_key(OLD_KEY) and not token.otp_verified
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "authtoken_token" not in connection.introspection.table_names()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/me/").json()["username"] == person.username
