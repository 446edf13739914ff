from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from . import reauth, roles  # noqa: F401  (reauth connects its sign-in receiver)

        post_migrate.connect(
            roles.ensure_roles_after_migrate, dispatch_uid="accounts.ensure_roles_after_migrate"
        )
