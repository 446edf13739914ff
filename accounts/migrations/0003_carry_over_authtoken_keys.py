"""Carry the old eternal DRF tokens over as hashed tokens that expire in 30 days.

rest_framework.authtoken kept every key in plain text and forever. Its rows become ApiTokens
(only the SHA-256 of each key is kept, so scripts keep working until the expiry), and its
table is dropped so no plain key is left in the database or its backups. The carried-over
tokens are not marked as verified with a one-time code: people whose role needs the code
(managers, the health team, personnel, admins) make a new token after signing in with it.
"""

import hashlib
from datetime import timedelta

from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
CARRIED_OVER_DAYS = 30


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="API token (before expiring tokens)",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            otp_verified=False,
            created_at=created,
            expires_at=now + timedelta(days=CARRIED_OVER_DAYS),
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {OLD_TABLE}")
        # Forget its migrations too, so installing the app again would create the table anew.
        cursor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_api_tokens")]

    # Irreversible in substance (the plain keys are gone); going back leaves the tokens be.
    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
