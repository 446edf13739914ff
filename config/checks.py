"""System checks of the deployment: `manage.py check --deploy` names what is not production."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def local_http_is_off(app_configs, **kwargs):
    if not settings.LOCAL_HTTP:
        return []
    return [
        Warning(
            "DJANGO_LOCAL_HTTP is on: the portal serves plain HTTP, its cookies go without "
            "Secure and HSTS is off.",
            hint="It is for one's own machine (make run); unset DJANGO_LOCAL_HTTP in production.",
            id="flexwork.W001",
        )
    ]
