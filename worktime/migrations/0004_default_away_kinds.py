"""The kinds of 근무상황 an office records, and the approval type of those that need approval.

Admins rename, add or retire kinds afterwards; by default 연가, 출장 and 교육 need approval.
"""

from django.db import migrations

# code: (Korean name, English name, category, needs approval, part of a day)
KINDS = [
    ("annual", "연가", "Annual leave", "leave", True, False),
    ("sick", "병가", "Sick leave", "leave", False, False),
    ("official", "공가", "Official leave", "leave", False, False),
    ("trip", "출장", "Business trip", "trip", True, False),
    ("training", "교육", "Training", "training", True, False),
    ("out", "외출", "Out of office", "leave", False, True),
    ("early", "조퇴", "Early leave", "leave", False, True),
]


def create_kinds(apps, schema_editor):
    AwayKind = apps.get_model("worktime", "AwayKind")
    for order, (code, name, name_en, category, approval, part) in enumerate(KINDS):
        AwayKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "category": category,
                "needs_approval": approval,
                "part_of_day": part,
                "ordering": order,
            },
        )
    DocumentType = apps.get_model("approvals", "DocumentType")
    DocumentType.objects.get_or_create(
        code="worktime.away",
        defaults={
            "name": "근무상황 (연가·출장·교육)",
            "levels": 1,
            "delegated_max_days": None,
            "allow_extra_reviewers": False,
            "allow_cooperators": False,
            "allow_attachments": False,
            "is_routine": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("worktime", "0003_away"),
        ("approvals", "0002_default_document_types"),
    ]

    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
