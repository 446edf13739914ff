from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class SmartcentersConfig(AppConfig):
    name = "smartcenters"
    verbose_name = _("Smart-work centers")

    def ready(self) -> None:
        # Imported here: apps.py loads before the app registry, and these modules load models.
        from approvals.signals import document_decided

        from . import closing, services
        from .models import CenterClosure

        document_decided.connect(
            services.on_document_decided, dispatch_uid="smartcenters.on_document_decided"
        )
        post_save.connect(
            closing.on_closure_saved,
            sender=CenterClosure,
            dispatch_uid="smartcenters.on_closure_saved",
        )
