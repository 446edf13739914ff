"""What the header and home page offer each role; apps register counters in their ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import roles


@dataclass(frozen=True)
class Tile:
    url_name: str
    title: str
    description: str
    roles: tuple[str, ...]


TILES = [
    Tile(
        "worktime:month",
        _("My month"),
        _("Your arrangements and seat bookings at a glance."),
        (roles.STAFF, roles.MANAGER, roles.HEALTH),
    ),
    Tile(
        "worktime:request_new",
        _("Apply for flexible work"),
        _("Staggered hours, chosen hours, remote work and more."),
        (roles.STAFF, roles.MANAGER, roles.HEALTH),
    ),
    Tile(
        "smartcenters:book",
        _("Book a smart-work seat"),
        _("Find a free seat at one of the five centers."),
        (roles.STAFF, roles.MANAGER, roles.HEALTH),
    ),
    Tile(
        "worktime:board",
        _("Where is my team"),
        _("Who works where today and this week."),
        (roles.STAFF, roles.MANAGER),
    ),
    Tile(
        "approvals:inbox",
        _("Approvals"),
        _("Documents waiting for your decision."),
        (roles.MANAGER, roles.STAFF),
    ),
    Tile(
        "worktime:stats",
        _("Working-time figures"),
        _("Arrangements by kind, department and month; CSV and Excel exports."),
        (roles.PERSONNEL, roles.ADMIN),
    ),
    Tile(
        "rpa:uploads",
        _("Case sheets and messages"),
        _("Upload today's sheet and send results."),
        (roles.HEALTH, roles.ADMIN),
    ),
    Tile(
        "admin:index",
        _("Administration"),
        _("People, centers, rules, templates and holidays."),
        (roles.ADMIN,),
    ),
]

# name → callable(user) -> int, shown as a badge in the header (e.g. approvals waiting).
HEADER_COUNTERS: dict[str, Callable] = {}


def register_counter(name: str, func: Callable) -> None:
    HEADER_COUNTERS[name] = func


def tiles_for(user) -> list[dict]:
    mine = roles.role_names(user) or {roles.STAFF}
    result = []
    for tile in TILES:
        if not mine & set(tile.roles):
            continue
        try:
            url = reverse(tile.url_name)
        except NoReverseMatch:
            continue
        result.append(
            {
                "url": url,
                "title": tile.title,
                "description": tile.description,
                "name": tile.url_name,
            }
        )
    return result
