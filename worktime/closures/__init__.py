"""Building closures: the workflow that places everyone (services), where each goes
(placement) and what the planner shows (selectors).

Pages and the API call the workflow through this package, as they did when it was one module.
"""

from .selectors import affected_people, closure_days, planner, recent_closures
from .services import (
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
    "planner",
    "propose_placements",
    "recent_closures",
    "set_close_contacts",
]
