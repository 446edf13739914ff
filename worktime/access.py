"""Who may use the flexible-work pages that show other people's data: one answer for all."""

from accounts.roles import is_admin, is_health_team


def can_export(user) -> bool:
    """The personnel office (the export permission) and admins: everyone's arrangements."""
    return is_admin(user) or user.has_perm("worktime.export_arrangement")


def can_import_away(user) -> bool:
    """The personnel system's 근무상황 file: the same people as the exports."""
    return can_export(user)


def can_manage_closures(user) -> bool:
    """Building closures: the health team and admins."""
    return is_health_team(user) or is_admin(user)
