"""Building closures: the workflow that places everyone (services) and where each goes (placement).

Pages and the API call the workflow through this package, as they did when it was one module.
"""

from .services import (
    affected_people,
    closure_days,
    closure_place,
    confirm_closure,
    create_closure,
    extend_closure,
    propose_placements,
    set_close_contacts,
)

__all__ = [
    "affected_people",
    "closure_days",
    "closure_place",
    "confirm_closure",
    "create_closure",
    "extend_closure",
    "propose_placements",
    "set_close_contacts",
]
