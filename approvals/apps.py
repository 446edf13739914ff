"""Approvals: one routing (결재) for every request of the portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        # Imported here: apps.py loads before the app registry, and these modules load models.
        from accounts.nav import register_counter

        from .selectors import waiting_count

        register_counter("approvals", waiting_count)
