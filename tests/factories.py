"""factory_boy factories for people and the organisation; apps add theirs beside their tests."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import services
from accounts.models import Department, Position, User, Workplace


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ["name"]

    name = "주무관"
    rank = 1


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"부서{n}")
    kind = Department.Kind.BUREAU


class WorkplaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workplace

    kind = Workplace.Kind.HEADQUARTERS
    building = "구청 본관"
    floor = factory.Sequence(lambda n: n + 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    full_name = factory.Sequence(lambda n: f"홍길동{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    position = factory.SubFactory(PositionFactory)
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])


def org_tree():
    """A bureau → division → team with heads: returns (team, team_lead, division_chief, director)."""
    director = UserFactory(role="manager", position__name="국장", position__rank=4)
    chief = UserFactory(role="manager", position__name="과장", position__rank=3)
    lead = UserFactory(role="manager", position__name="팀장", position__rank=2)
    bureau = DepartmentFactory(kind=Department.Kind.BUREAU, head=director)
    division = DepartmentFactory(kind=Department.Kind.DIVISION, parent=bureau, head=chief)
    team = DepartmentFactory(kind=Department.Kind.TEAM, parent=division, head=lead)
    for person in (director,):
        person.department = bureau
        person.save()
    chief.department = division
    chief.save()
    lead.department = team
    lead.save()
    return team, lead, chief, director


def api_token_key(user, *, otp_verified: bool = True, days: int = 30) -> str:
    """The key of a new API token for `user`, made as after a sign-in with the one-time code."""
    _token, key = services.issue_api_token(
        user=user, name="test", days=days, otp_verified=otp_verified, now=timezone.now()
    )
    return key
