"""One refusal, shown the same way everywhere: the API's handler, the pages' middleware, forms."""

import pytest
from django import forms

from core.errors import Conflict, DomainError, Invalid

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.urls")]


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("invalid", 400, "invalid"),
        ("not-allowed", 403, "not_allowed"),
        ("conflict", 409, "conflict"),
    ],
)
def test_the_api_answers_each_kind_of_refusal_with_its_status_and_the_one_shape(
    client, kind, status, code
):
    response = client.post(f"/api/v1/refusing/{kind}/")
    assert response.status_code == status
    assert response.json() == {
        "detail": "Choose another day.",
        "code": code,
        "date": ["Choose another day."],
        "nearest": 7,
    }


def test_a_refusal_of_the_whole_request_is_listed_as_drf_lists_non_field_errors():
    from config.errors import api_body

    refusal = Invalid.of_fields({"__all__": ["Already decided."], "reason": ["Say why."]})
    assert api_body(refusal) == {
        "detail": "Already decided.",
        "code": "invalid",
        "non_field_errors": ["Already decided."],
        "reason": ["Say why."],
    }


def test_a_refusal_on_a_page_comes_back_as_a_message_on_the_page_it_came_from(client):
    response = client.post(
        "/refusing/conflict/", HTTP_REFERER="http://testserver/refusing/conflict/?day=3"
    )
    assert response.status_code == 302
    assert response["Location"] == "http://testserver/refusing/conflict/?day=3"
    assert client.get(response["Location"]).content.decode() == "Choose another day."


def test_a_page_refusal_never_sends_the_person_to_another_site(client):
    response = client.post("/refusing/invalid/", HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 302
    assert response["Location"] == "/refusing/invalid/"


class DayForm(forms.Form):
    date = forms.DateField()


def test_a_refusal_puts_its_sentences_on_the_form_field_or_on_top_of_the_form():
    form = DayForm(data={"date": "2026-12-02"})
    assert form.is_valid()
    DomainError.of_fields({"date": ["Closed that day."], "seat": ["Seat taken."]}).add_to(form)
    Conflict("Decided already.").add_to(form)
    assert form.errors["date"] == ["Closed that day."]
    assert form.non_field_errors() == ["Seat taken.", "Decided already."]
