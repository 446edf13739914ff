from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartcentersConfig(AppConfig):
    name = "smartcenters"
    verbose_name = _("Smart-work centers")

    def ready(self) -> None:
        from approvals.signals import document_decided

        from . import services

        document_decided.connect(
            services.on_document_decided, dispatch_uid="smartcenters.on_document_decided"
        )
