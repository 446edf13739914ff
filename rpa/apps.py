from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RpaConfig(AppConfig):
    name = "rpa"
    verbose_name = _("Case sheets and messages")
