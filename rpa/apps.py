from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


class RpaConfig(AppConfig):
    name = "rpa"
    verbose_name = _("Case sheets and messages")

    def ready(self) -> None:
        # Start-up work, once the apps are loaded: register the checks, refuse an unknown provider.
        from . import checks  # noqa: F401 - registers the system checks
        from .gateway import PROVIDERS, provider_problem

        # An unknown provider must stop every process at start, web and workers alike,
        # rather than leave senders retrying towards nowhere.
        if settings.SMS_PROVIDER not in PROVIDERS:
            raise ImproperlyConfigured(provider_problem())
