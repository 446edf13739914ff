"""Demo approval documents: a few general documents from staff001–005 waiting for manager01."""

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import Document

DEMO_DOCUMENTS = [
    ("staff001", "사무용품 구입 요청", [["품목", "A4 용지 20박스"], ["금액", "480,000원"]]),
    ("staff002", "민원실 안내판 교체", [["장소", "1층 민원실"], ["금액", "1,150,000원"]]),
    (
        "staff003",
        "직원 교육 참석 보고",
        [["교육명", "개인정보보호 실무"], ["일자", "다음 주 화요일"]],
    ),
    ("staff004", "노트북 수리 의뢰", [["자산번호", "NB-2021-0147"], ["증상", "전원 불량"]]),
    ("staff005", "회의실 프로젝터 구입", [["수량", "1대"], ["금액", "890,000원"]]),
]


def approve_through_the_line(document: Document) -> None:
    """The line's approvers decide in turn until the document is decided (demo data only)."""
    document.refresh_from_db()
    while document.status == "pending":
        step = document.steps.filter(status="pending").first()
        services.approve(document=document, actor=step.approver, comment="")
        document.refresh_from_db()


@transaction.atomic
def seed(stdout=None) -> None:
    created = 0
    for username, title, facts in DEMO_DOCUMENTS:
        applicant = get_user_model().objects.filter(username=username).first()
        if applicant is None:
            continue
        if Document.objects.filter(applicant=applicant, title=title).exists():
            continue
        services.submit(
            applicant=applicant,
            doc_type="general",
            title=title,
            body=f"{title} 건에 대하여 아래와 같이 결재를 요청합니다.",
            facts=facts,
            client="demo",
        )
        created += 1
    if stdout:
        stdout.write(f"  approvals: {created} demo documents created")
