"""Header context: navigation, unread notifications and registered counters."""

from .nav import HEADER_COUNTERS, tiles_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def counters():
        return {name: func(user) for name, func in HEADER_COUNTERS.items()}

    def unread():
        if not user.notify_in_app:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    # Lazy: pages that never show the header pay nothing.
    return {
        "nav_tiles": lambda: tiles_for(user),
        "header_counters": counters,
        "unread_count": unread,
    }
