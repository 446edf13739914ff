"""Demo organisation and people for `seed_demo`: idempotent, deterministic."""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import roles
from .models import Department, Position, User, Workplace

# 국 → 과 → 팀: four bureaus, eight divisions, twenty teams.
ORGANISATION = {
    "행정지원국": {
        "총무과": ["총무팀", "인사팀", "정보통신팀"],
        "기획예산과": ["기획팀", "예산팀", "홍보팀"],
    },
    "복지환경국": {
        "복지정책과": ["복지정책팀", "통합조사팀", "노인복지팀"],
        "환경과": ["환경정책팀", "청소행정팀"],
    },
    "안전건설국": {
        "건설과": ["도로팀", "하천팀"],
        "안전총괄과": ["안전총괄팀", "재난대응팀"],
    },
    "보건소": {
        "보건행정과": ["보건행정팀", "건강증진팀"],
        "감염병관리과": ["감염병대응팀", "예방접종팀", "역학조사팀"],
    },
}

# Who heads what (a manager may head several units in the demo).
HEADS = {
    "manager01": ["총무팀"],
    "manager02": ["총무과", "기획예산과"],
    "manager03": ["행정지원국", "복지환경국", "안전건설국"],
    "manager04": ["인사팀", "정보통신팀", "기획팀", "예산팀", "홍보팀"],
    "manager05": ["복지정책팀", "통합조사팀", "노인복지팀", "환경정책팀", "청소행정팀"],
    "manager06": ["도로팀", "하천팀", "안전총괄팀", "재난대응팀"],
    "manager07": ["복지정책과", "환경과", "건설과", "안전총괄과"],
    "manager08": ["감염병대응팀", "예방접종팀", "역학조사팀", "보건행정팀", "건강증진팀"],
    "manager09": ["보건행정과", "감염병관리과"],
    "manager10": ["보건소"],
}
MANAGER_POSITION = {
    "manager01": "팀장",
    "manager02": "과장",
    "manager03": "국장",
    "manager04": "팀장",
    "manager05": "팀장",
    "manager06": "팀장",
    "manager07": "과장",
    "manager08": "팀장",
    "manager09": "과장",
    "manager10": "국장",
}
POSITIONS = [
    ("주무관", "Officer", 1),
    ("팀장", "Team lead", 2),
    ("과장", "Division chief", 3),
    ("국장", "Director", 4),
]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민"
GIVEN = [
    "민준",
    "서연",
    "도윤",
    "하은",
    "지호",
    "수아",
    "예준",
    "지유",
    "주원",
    "서윤",
    "하준",
    "채원",
    "지민",
    "은서",
    "현우",
    "다은",
    "건우",
    "예린",
    "우진",
    "소율",
    "정우",
    "가은",
    "승민",
    "유나",
]
# Headquarters floors by bureau; the health center has its own building.
HQ = "구청 본관"
FLOORS = {"행정지원국": 3, "복지환경국": 4, "안전건설국": 5}
# Around the district office (Yuseong-gu, Daejeon): homes scattered within ~6 km.
ORIGIN = (36.3622, 127.3563)
# A TOTP key for demo managers, health team, personnel and admin, so the demo can be tried at once;
# `python manage.py demo_otp USER` prints the current code.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def korean_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@transaction.atomic
def seed(stdout=None) -> None:
    rng = random.Random(2021)
    password = make_password(settings.DEMO_PASSWORD)
    groups = roles.ensure_roles()
    positions = {
        name: Position.objects.update_or_create(name=name, defaults={"name_en": en, "rank": rank})[
            0
        ]
        for name, en, rank in POSITIONS
    }
    workplaces = {
        bureau: Workplace.objects.get_or_create(
            building=HQ,
            floor=floor,
            defaults={
                "kind": Workplace.Kind.HEADQUARTERS,
                "address": "대전광역시 유성구 대학로 211",
            },
        )[0]
        for bureau, floor in FLOORS.items()
    }
    workplaces["보건소"] = Workplace.objects.get_or_create(
        building="유성구 보건소",
        floor=None,
        defaults={
            "kind": Workplace.Kind.HEALTH_CENTER,
            "address": "대전광역시 유성구 월드컵대로 14",
        },
    )[0]

    units: dict[str, Department] = {}
    team_bureau: dict[str, str] = {}
    for bureau, divisions in ORGANISATION.items():
        units[bureau] = Department.objects.get_or_create(
            name=bureau, parent=None, defaults={"kind": Department.Kind.BUREAU}
        )[0]
        for division, teams in divisions.items():
            units[division] = Department.objects.get_or_create(
                name=division, parent=units[bureau], defaults={"kind": Department.Kind.DIVISION}
            )[0]
            for team in teams:
                units[team] = Department.objects.get_or_create(
                    name=team, parent=units[division], defaults={"kind": Department.Kind.TEAM}
                )[0]
                team_bureau[team] = bureau

    def person(
        username, *, full_name, position, department, role, number, staff=False, superuser=False
    ):
        lat = ORIGIN[0] + rng.uniform(-0.05, 0.05)
        lon = ORIGIN[1] + rng.uniform(-0.06, 0.06)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "employee_number": number,
                "mobile_phone": f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}",
                "email": f"{username}@flexwork.example",
                "position": positions[position],
                "department": department,
                "workplace": workplaces[
                    team_bureau.get(department.name, department.ancestors()[-1].name)
                ]
                if department
                else None,
                "home_latitude": round(lat, 5),
                "home_longitude": round(lon, 5),
                "is_staff": staff,
                "is_superuser": superuser,
                "password": password,
            },
        )
        user.groups.add(groups[role])
        if role in roles.OTP_REQUIRED_ROLES:
            TOTPDevice.objects.get_or_create(
                user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
            )
        return user

    managers = {}
    for index in range(1, 11):
        username = f"manager{index:02d}"
        first_unit = units[HEADS[username][0]]
        managers[username] = person(
            username,
            full_name=korean_name(rng),
            position=MANAGER_POSITION[username],
            department=first_unit,
            role=roles.MANAGER,
            number=f"M{index:04d}",
        )
    for username, unit_names in HEADS.items():
        for name in unit_names:
            Department.objects.filter(pk=units[name].pk).update(head=managers[username])

    teams = [t for divisions in ORGANISATION.values() for ts in divisions.values() for t in ts]
    other_teams = [t for t in teams if t != "총무팀"]
    for index in range(1, 201):
        team = "총무팀" if index <= 20 else other_teams[(index - 21) % len(other_teams)]
        person(
            f"staff{index:03d}",
            full_name=korean_name(rng),
            position="주무관",
            department=units[team],
            role=roles.STAFF,
            number=f"S{index:04d}",
        )
    for index in range(1, 5):
        person(
            f"health{index:02d}",
            full_name=korean_name(rng),
            position="주무관",
            department=units["감염병대응팀"],
            role=roles.HEALTH,
            number=f"H{index:04d}",
        )
    person(
        "personnel01",
        full_name=korean_name(rng),
        position="주무관",
        department=units["총무팀"],
        role=roles.PERSONNEL,
        number="P0001",
    ).groups.add(groups[roles.STAFF])
    person(
        "admin",
        full_name="관리자",
        position="주무관",
        department=units["정보통신팀"],
        role=roles.ADMIN,
        number="A0001",
        staff=True,
        superuser=True,
    )
    if stdout:
        stdout.write(
            f"  accounts: {User.objects.count()} people, {Department.objects.count()} departments"
        )
