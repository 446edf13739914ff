"""The project's own app: it registers the project-wide system checks."""

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "config"
    verbose_name = "Flexwork"

    def ready(self):
        from . import checks  # noqa: F401 (registers the checks)
