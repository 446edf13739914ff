"""Schemathesis against the OpenAPI schema, with a token for each role: no 500, answers match."""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from accounts import roles
from tests.factories import UserFactory, api_token_key


def _openapi() -> dict:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(_openapi())


@pytest.fixture
def role_tokens(db):
    tokens = {}
    for role in (roles.STAFF, roles.MANAGER, roles.HEALTH, roles.ADMIN):
        user = UserFactory(
            role=role, is_staff=role == roles.ADMIN, is_superuser=role == roles.ADMIN
        )
        tokens[role] = api_token_key(user)
    return tokens


@schema.parametrize()
@hypothesis_settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db(transaction=True)
def test_api_answers_every_role_without_server_errors(case, live_server, role_tokens):
    for token in role_tokens.values():
        response = case.call(base_url=live_server.url, headers={"Authorization": f"Token {token}"})
        case.validate_response(
            response,
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )
