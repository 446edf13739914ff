from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartcentersConfig(AppConfig):
    name = "smartcenters"
    verbose_name = _("Smart-work centers")
