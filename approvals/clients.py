"""Who decides, and from where: the one-time-code check and the client kept in the history.

Pages and the API ask the same question before a decision, so both use these.
"""


def passed_one_time_code(user) -> bool:
    """Deciding needs the one-time code (OTP), for substitutes too: a browser session's, or
    the one an API token was made after (`accounts.authentication` tells which)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


# (what the user agent says, what the history keeps), the first that matches wins.
DEVICES = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Macintosh", "Mac"),
    ("Linux", "Linux"),
)
BROWSERS = (
    ("SamsungBrowser", "Samsung Internet"),
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("python-requests", "python-requests"),
    ("curl/", "curl"),
)


def _first_known(agent: str, known: tuple[tuple[str, str], ...]) -> str:
    return next((name for key, name in known if key in agent), "")


def client_label(request, channel: str = "web") -> str:
    """'web · Android · Chrome': which kind of client acted, without storing the raw agent."""
    agent = request.META.get("HTTP_USER_AGENT", "")
    parts = (channel, _first_known(agent, DEVICES), _first_known(agent, BROWSERS))
    return " · ".join(part for part in parts if part)[:120]
