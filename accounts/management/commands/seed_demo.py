"""`python manage.py seed_demo`: the demo organisation and each app's demo data, idempotently."""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

# Order matters: later apps build on earlier ones' data.
DEMO_APPS = ["accounts", "approvals", "smartcenters", "worktime", "rpa"]


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo organisation, people and each app's demo data."

    def handle(self, *args, **options):
        for label in DEMO_APPS:
            if not apps.is_installed(label):
                continue
            try:
                module = import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
