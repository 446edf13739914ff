"""`python manage.py send_selfcheck_reminders [--date YYYY-MM-DD]`: remind those without today's check."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from core import clock
from rpa import services


class Command(BaseCommand):
    help = "Text quarantined residents who have not sent the day's self-check (once per run)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to check, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else clock.today()
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        count = services.send_selfcheck_reminders(day=day)
        self.stdout.write(f"{count} reminders queued for {day.isoformat()}")
