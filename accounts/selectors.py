"""Reads about people and the organisation that other apps rely on."""

from collections.abc import Iterable

from .models import ApiToken, Department, User, Workplace


def approver_chain(user: User) -> list[User]:
    """The heads above a person, nearest first: team lead, then division chief, then director.

    A head who is the person themself is skipped, so a team lead's chain starts at their
    division chief. Inactive heads are skipped; each person appears once.
    """
    if user.department_id is None:
        return []
    department = Department.objects.select_related(
        "head", "parent__head", "parent__parent__head"
    ).get(pk=user.department_id)
    chain: list[User] = []
    for unit in department.ancestors():
        head = unit.head
        if head is None or head.pk == user.pk or not head.is_active:
            continue
        if head.rank and user.rank and head.rank <= user.rank:
            continue
        if all(existing.pk != head.pk for existing in chain):
            chain.append(head)
    return chain


def members_of(departments: Iterable[Department]) -> list[User]:
    """Active people in these departments and every department below them."""
    ids = set()
    frontier = [d.pk for d in departments]
    while frontier:
        ids.update(frontier)
        frontier = list(
            Department.objects.filter(parent_id__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
    return list(
        User.objects.filter(department_id__in=ids, is_active=True)
        .select_related("position", "department")
        .order_by("full_name")
    )


def mask_phone(phone: str) -> str:
    """010-1234-5678 → 010-****-5678: phones are masked wherever they are listed."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}-****-{digits[-4:]}"


def api_tokens_of(user: User) -> list[ApiToken]:
    """The person's API tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(ApiToken.objects.filter(user=user))


def departments_headed_by(user: User) -> list[Department]:
    """The units the person heads (a team lead's team, a director's bureau)."""
    return list(Department.objects.filter(head=user))


def building_names() -> list[str]:
    """The buildings people work in, by name: what a building closure can close."""
    return sorted(set(Workplace.objects.values_list("building", flat=True)))
