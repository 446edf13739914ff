import pytest
from django.core.exceptions import ValidationError

from rpa import rules
from rpa.models import MessageTemplate


def test_hangul_counts_two_bytes_and_ascii_one():
    assert rules.euckr_length("가나다") == 6
    assert rules.euckr_length("abc 123") == 7


def test_character_outside_euckr_counts_two_bytes():
    assert rules.euckr_length("똠") == 2
    assert rules.euckr_length("a😀") == 3


def test_ninety_bytes_is_sms_and_ninety_one_is_lms():
    assert rules.channel_for(rules.euckr_length("가" * 45)) == "sms"
    assert rules.channel_for(rules.euckr_length("가" * 45 + "a")) == "lms"
    assert rules.channel_for(2000) == "lms"
    assert rules.channel_for(2001) is None


def test_known_placeholders_are_accepted():
    assert (
        rules.template_problem("{name}님 {test_date} {quarantine_start}~{quarantine_end} {link}")
        is None
    )


def test_unknown_placeholder_is_refused_with_its_name():
    problem = rules.template_problem("{name}님 {address}")
    assert problem and "{address}" in problem


def test_unclosed_brace_and_format_spec_are_refused():
    assert rules.template_problem("{name") is not None
    assert rules.template_problem("{name!r}") is not None
    assert rules.template_problem("{0}") is not None


def test_message_over_two_thousand_bytes_is_refused():
    assert rules.template_problem("가" * 1001) is not None


def test_literal_braces_render():
    assert rules.render("{{안내}} {name}", {"name": "홍길동"}) == "{안내} 홍길동"


@pytest.mark.parametrize("value", ["=1+1", "+82", "-3", "@SUM(A1)"])
def test_formula_like_cells_are_neutralised(value):
    assert rules.neutralise_cell(value) == "'" + value


def test_plain_cells_are_kept():
    assert rules.neutralise_cell("홍길동") == "홍길동"
    assert rules.neutralise_cell(5) == 5


@pytest.mark.django_db
def test_template_with_unknown_placeholder_is_refused_on_save():
    with pytest.raises(ValidationError):
        MessageTemplate.objects.create(kind="negative", text="{name} {주소}")
    assert not MessageTemplate.objects.filter(text="{name} {주소}").exists()


@pytest.mark.django_db
def test_template_reports_bytes_and_channel():
    template = MessageTemplate(kind="negative", text="{name}님 음성입니다.")
    assert template.byte_length == rules.euckr_length("홍길동님 음성입니다.")
    assert template.channel == "sms"


def test_retry_delay_doubles_and_is_capped():
    assert [rules.retry_delay(n, 2) for n in (1, 2, 3)] == [2, 4, 8]
    assert rules.retry_delay(30, 2) == 600
