"""import_cases PATH [--dry-run] [--json] [--user USER [--send]]: a case sheet from the shell."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.roles import is_health_team
from rpa import services
from rpa.importer import SheetRefused, read_sheet
from rpa.importer.sources import load_bytes, max_upload_bytes

# Exit status for a file refused as a whole (docs/case-sheets.md).
REFUSED_EXIT_STATUS = 2


class Command(BaseCommand):
    help = (
        "Read a daily case sheet and report on every row. With --dry-run nothing is stored; "
        "otherwise the sheet is stored as an upload by --user (health team), and --send also "
        "confirms sending."
    )

    # Reading a sheet needs no URL or model checks; skipping them keeps the command quick.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx or .csv file to read.")
        parser.add_argument("--dry-run", action="store_true", help="Read and report only.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--user", help="Username of the health-team member uploading.")
        parser.add_argument("--send", action="store_true", help="Also confirm sending.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not options["dry_run"] and not options["user"]:
            raise CommandError(_("Give --user USERNAME to import, or --dry-run to only check."))
        if options["send"] and options["dry_run"]:
            raise CommandError(_("--send cannot be combined with --dry-run."))
        user = self._uploader(options["user"]) if not options["dry_run"] else None
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})

        try:
            data = load_bytes(path, max_upload_bytes(None))
            report = read_sheet(data, path.name)
        except SheetRefused as refusal:
            self._refuse(refusal)
        payload = report.to_dict()

        if not options["dry_run"]:
            try:
                upload = services.create_upload(user=user, filename=path.name, data=data)
            except SheetRefused as refusal:
                self._refuse(refusal)
            if options["send"]:
                refused_send = getattr(services, "SendRefused", None) or ()
                try:
                    services.confirm_send(upload=upload, user=user)
                except refused_send as exc:
                    raise CommandError(
                        _("Upload %(upload)s was stored but not sent: %(reason)s")
                        % {"upload": upload.pk, "reason": exc}
                    ) from exc
            payload["upload"] = upload.pk

        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self._print_human(payload, options)

    def _uploader(self, username):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user named %(username)s.") % {"username": username})
        if not is_health_team(user):
            raise CommandError(
                _(
                    "%(username)s is not in the health team; only the health team imports case sheets."
                )
                % {"username": username}
            )
        return user

    def _refuse(self, refusal: SheetRefused):
        # One line on standard error, nothing on standard output, exit status 2.
        self.stderr.write(" ".join(str(refusal).split()))
        sys.exit(REFUSED_EXIT_STATUS)

    def _print_human(self, payload, options):
        summary = payload["summary"]
        where = payload["sheet"] or "CSV"
        self.stdout.write(
            _("%(file)s (%(sheet)s, header on row %(header_row)d)")
            % {"file": payload["file"], "sheet": where, "header_row": payload["header_row"]}
        )
        for row in payload["rows"]:
            if row["status"] == "rejected":
                for error in row["errors"]:
                    self.stdout.write(
                        _("row %(row)d: rejected (%(field)s): %(message)s")
                        % {"row": row["row"], "field": error["field"], "message": error["message"]}
                    )
            elif row["status"] == "duplicate":
                self.stdout.write(
                    _("row %(row)d: duplicate of row %(original)d")
                    % {"row": row["row"], "original": row["duplicate_of"]}
                )
        self.stdout.write(
            _("%(rows)d rows: %(valid)d valid, %(rejected)d rejected, %(duplicate)d duplicates.")
            % summary
        )
        if "upload" in payload:
            self.stdout.write(_("Stored as upload %(upload)s.") % {"upload": payload["upload"]})
        elif options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was stored."))
