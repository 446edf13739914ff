"""Default document types, and the trigger that keeps the history append-only."""

from django.db import migrations

# code, name, levels, delegated_max_days, extra reviewers, cooperators, attachments, routine
DEFAULT_TYPES = [
    ("worktime.flexible", "유연근무 신청", 2, 5, False, False, False, True),
    ("worktime.remote", "원격근무 신청", 2, 5, False, False, False, True),
    ("worktime.cancel", "유연근무 취소", 1, None, False, False, False, True),
    ("smartcenters.booking", "스마트워크센터 예약", 1, None, False, False, False, True),
    ("general", "일반 기안", 2, None, True, True, True, False),
    ("visit_report", "출장 복명서", 1, None, False, False, True, False),
]


def create_types(apps, schema_editor):
    DocumentType = apps.get_model("approvals", "DocumentType")
    for code, name, levels, delegated, reviewers, cooperators, attachments, routine in DEFAULT_TYPES:
        DocumentType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "levels": levels,
                "delegated_max_days": delegated,
                "allow_extra_reviewers": reviewers,
                "allow_cooperators": cooperators,
                "allow_attachments": attachments,
                "is_routine": routine,
            },
        )


APPEND_ONLY = """
CREATE OR REPLACE FUNCTION approvals_action_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'approval history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER approvals_action_append_only
    BEFORE UPDATE OR DELETE ON approvals_action
    FOR EACH ROW EXECUTE FUNCTION approvals_action_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS approvals_action_append_only ON approvals_action;
DROP FUNCTION IF EXISTS approvals_action_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [
        migrations.RunPython(create_types, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
    ]
