"""System checks of the rpa app: texts go through a real provider, configured in full."""

from django.conf import settings
from django.core import checks

from . import gateway


@checks.register(checks.Tags.compatibility)
def provider_configured(app_configs, **kwargs):
    problem = gateway.provider_problem()
    if problem:
        return [checks.Error(problem, id="rpa.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def no_simulator_in_production(app_configs, **kwargs):
    if settings.SMS_PROVIDER == "simulator" and not settings.DEBUG:
        return [
            checks.Error(
                "SMS_PROVIDER is 'simulator': no resident would get a text; set it to sens or "
                "nhn with that provider's keys.",
                id="rpa.E002",
            )
        ]
    return []
