"""Flexible work."""

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

from approvals.signals import document_decided, document_resubmitted
from core.workdays import register_office_holidays


class WorktimeConfig(AppConfig):
    name = "worktime"
    verbose_name = _("Flexible work")

    def ready(self) -> None:
        # Imported here: apps.py loads before the app registry, and these modules load models.
        from . import services
        from .away import services as away_services
        from .models import OfficeHoliday

        register_office_holidays(OfficeHoliday)
        post_save.connect(
            services.on_office_holiday_saved,
            sender=OfficeHoliday,
            dispatch_uid="worktime.on_office_holiday_saved",
        )

        document_decided.connect(
            services.on_document_decided, dispatch_uid="worktime.on_document_decided"
        )
        document_decided.connect(
            away_services.on_document_decided, dispatch_uid="worktime.away.on_document_decided"
        )
        document_resubmitted.connect(
            away_services.on_document_resubmitted,
            dispatch_uid="worktime.away.on_document_resubmitted",
        )
        document_resubmitted.connect(
            services.on_document_resubmitted, dispatch_uid="worktime.on_document_resubmitted"
        )
