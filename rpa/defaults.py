"""What a fresh install starts with: the five message texts and the agency report's columns.

A data migration writes them once (editable in the admin afterwards) and the demo seed reuses
them; the sender number is the office's own, registered with the carrier, so none is invented.
"""

MESSAGE_TEXTS = {
    "negative": "[구청 보건소] {name}님, {test_date} 코로나19 검사 결과 음성입니다.",
    "positive": (
        "[구청 보건소] {name}님, {test_date} 코로나19 검사 결과 양성입니다. "
        "외출을 삼가시고 보건소 안내 전화를 기다려 주세요."
    ),
    "inconclusive": (
        "[구청 보건소] {name}님, {test_date} 검사 결과 미결정입니다. "
        "가까운 선별진료소에서 재검사를 받아 주세요."
    ),
    "quarantine": (
        "[구청 보건소] {name}님은 {quarantine_start}부터 {quarantine_end}까지 자가격리 대상입니다. "
        "매일 자가진단을 해 주세요: {link}"
    ),
    "reminder": "[구청 보건소] {name}님, 오늘 자가진단이 아직 없습니다. 지금 해 주세요: {link}",
}

REPORT_COLUMNS = [
    ("name", "성명"),
    ("birth_date", "생년월일"),
    ("phone", "연락처"),
    ("test_date", "검사일"),
    ("result", "검사결과"),
    ("quarantine_start", "격리시작일"),
    ("quarantine_end", "격리해제일"),
    ("message_status", "문자발송"),
]
