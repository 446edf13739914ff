"""Roles as groups: which group a person is in decides what they see and whether OTP is required."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

STAFF = "staff"
MANAGER = "manager"
HEALTH = "health"
ADMIN = "admin"
# The personnel office (인사 담당): exports of everyone's arrangements and their statistics.
PERSONNEL = "personnel"
ALL_ROLES = (STAFF, MANAGER, HEALTH, ADMIN, PERSONNEL)

# Managers, the health team, the personnel office (everyone's schedules) and admins handle
# other people's data: they sign in with TOTP.
OTP_REQUIRED_ROLES = frozenset({MANAGER, HEALTH, ADMIN, PERSONNEL})

# Permissions each role's group holds, as "app_label.codename". Apps add theirs here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    STAFF: [],
    MANAGER: [],
    HEALTH: [],
    ADMIN: [],
    PERSONNEL: ["worktime.export_arrangement"],
}


def role_names(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_manager(user) -> bool:
    return has_role(user, MANAGER)


def is_health_team(user) -> bool:
    """Residents' data is for the health team and admins only."""
    return has_role(user, HEALTH, ADMIN)


def is_admin(user) -> bool:
    return has_role(user, ADMIN)


def requires_otp(user) -> bool:
    return user.is_authenticated and (user.is_staff or bool(role_names(user) & OTP_REQUIRED_ROLES))


def ensure_roles(*, exact: bool = True) -> dict[str, Group]:
    """Create the role groups and give each the permissions listed for it.

    `exact` also takes away what an admin added by hand (the demo's clean slate); without it,
    listed permissions are only added, as after every migration.
    """
    groups = {}
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".", 1)
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        if exact:
            group.permissions.set(wanted)
        else:
            group.permissions.add(*wanted)
        groups[role] = group
    return groups


def ensure_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate: the roles exist on every database, not only where the demo was seeded.

    Runs once, after the last app's signal, when every app's permissions have been created.
    """
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last.label:
        ensure_roles(exact=False)


# Smart-work centers: admins run centers, seats, closures, rules and bookings from the admin.
ROLE_PERMISSIONS[ADMIN] += [
    f"smartcenters.{action}_{model}"
    for model in ("center", "seat", "centerclosure", "booking", "waitlistentry")
    for action in ("view", "add", "change", "delete")
] + ["smartcenters.view_bookingrules", "smartcenters.change_bookingrules"]
