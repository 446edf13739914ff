"""A fresh install can send: the five message texts, the agency report's columns, the thresholds.

The texts have no sender number: the office registers its own with the carrier and marks it
in use in the admin, and confirming a send says so until it has.
"""

from django.db import migrations

from rpa.defaults import MESSAGE_TEXTS, REPORT_COLUMNS


def create_defaults(apps, schema_editor):
    MessageTemplate = apps.get_model("rpa", "MessageTemplate")
    ReportColumn = apps.get_model("rpa", "ReportColumn")
    HealthSettings = apps.get_model("rpa", "HealthSettings")
    for kind, text in MESSAGE_TEXTS.items():
        MessageTemplate.objects.get_or_create(kind=kind, defaults={"text": text})
    if not ReportColumn.objects.exists():
        ReportColumn.objects.bulk_create(
            ReportColumn(position=position, field=field, header=header)
            for position, (field, header) in enumerate(REPORT_COLUMNS, start=1)
        )
    HealthSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("rpa", "0002_health_thresholds_calls")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
