"""The database refuses a decision (approved, returned) recorded by the document's applicant."""

from django.db import migrations

# Nobody decides their own document. The services refuse it first with a sentence; this
# trigger is the backstop for any other path (a shell, a future service, a bad merge).
# SQLSTATE 23514 (check_violation) reaches Django as an IntegrityError.
NOT_BY_APPLICANT = """
CREATE OR REPLACE FUNCTION approvals_action_not_by_applicant() RETURNS trigger AS $$
BEGIN
    IF NEW.kind IN ('approved', 'returned') AND NEW.actor_id = (
        SELECT applicant_id FROM approvals_document WHERE id = NEW.document_id
    ) THEN
        RAISE EXCEPTION 'nobody decides their own document' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER approvals_action_not_by_applicant
    BEFORE INSERT ON approvals_action
    FOR EACH ROW EXECUTE FUNCTION approvals_action_not_by_applicant();
"""

DROP_NOT_BY_APPLICANT = """
DROP TRIGGER IF EXISTS approvals_action_not_by_applicant ON approvals_action;
DROP FUNCTION IF EXISTS approvals_action_not_by_applicant();
"""


class Migration(migrations.Migration):
    dependencies = [("approvals", "0002_default_document_types")]

    operations = [migrations.RunSQL(NOT_BY_APPLICANT, DROP_NOT_BY_APPLICANT)]
