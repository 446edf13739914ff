"""Every form the portal renders carries a CSRF token, and a POST without one is refused."""

import re
from urllib.parse import urljoin

import pytest
from django.test import Client

from tests.conftest import verified_client
from tests.security.test_url_walk import _people, all_urls

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
METHOD_POST = re.compile(r"method=[\"']?post", re.I)
ACTION = re.compile(r"action=[\"']([^\"']*)[\"']", re.I)


@pytest.mark.django_db
def test_every_post_form_has_a_token_and_refuses_a_post_without_one():
    people = _people()
    checked, failures = set(), []
    for who, user in people.items():
        client = Client()
        if user is not None:
            verified_client(client, user)
        strict = Client(enforce_csrf_checks=True)
        if user is not None:
            verified_client(strict, user)
        for url in all_urls():
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for attrs, body in FORM.findall(response.content.decode(errors="replace")):
                if not METHOD_POST.search(attrs):
                    continue
                action_match = ACTION.search(attrs)
                action = (
                    urljoin(url, action_match.group(1))
                    if action_match and action_match.group(1)
                    else url
                )
                if "csrfmiddlewaretoken" not in body:
                    failures.append(f"{who}: form to {action} on {url} has no CSRF token")
                if (who, action) in checked:
                    continue
                checked.add((who, action))
                refused = strict.post(action, {})
                if refused.status_code != 403:
                    failures.append(f"{who}: POST {action} without a token → {refused.status_code}")
    assert checked, "no form was found to check"
    assert not failures, "\n".join(failures)
