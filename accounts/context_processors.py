"""Header context: navigation, unread notifications and registered counters."""

from functools import cache

from .nav import HEADER_COUNTERS, tiles_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Lazy and computed once a request: pages that never show the header pay nothing, and a
    # header that shows a count twice asks the database once.
    @cache
    def tiles():
        return tiles_for(user)

    @cache
    def counters():
        return {name: func(user) for name, func in HEADER_COUNTERS.items()}

    @cache
    def unread():
        if not user.notify_in_app:
            return 0
        return user.notifications.filter(read_at__isnull=True).count()

    def waiting_total():
        """The phone menu button's badge: everything the folded links would show."""
        shows_inbox = any(tile["name"] == "approvals:inbox" for tile in tiles())
        return (counters().get("approvals", 0) if shows_inbox else 0) + unread()

    return {
        "nav_tiles": tiles,
        "header_counters": counters,
        "unread_count": unread,
        "menu_badge": waiting_total,
    }
