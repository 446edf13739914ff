"""Check a Django test response against the OpenAPI schema that drf-spectacular generates."""

import functools
import json

import requests
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from schemathesis.core.transport import Response


@functools.cache
def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))


def assert_matches_schema(response, path: str, method: str = "GET") -> None:
    """Raise when the response's status, content type or body is not what `path` documents.

    `path` is the templated path of the schema, e.g. "/api/v1/worktime/requests/{id}/".
    """
    request = response.wsgi_request
    prepared = requests.Request(
        method=method, url=request.build_absolute_uri(request.get_full_path())
    ).prepare()
    wrapped = Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.headers.items()},
        content=response.content,
        request=prepared,
        elapsed=0.0,
        verify=False,
        message=response.reason_phrase,
    )
    operation = _schema()[path][method]
    assert operation.schema.validate_response(operation, wrapped) is not False
    documented = operation.definition.raw["responses"]
    assert str(response.status_code) in documented, (response.status_code, sorted(documented))
    content = documented[str(response.status_code)].get("content")
    if content:
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        assert media_type in content, (media_type, sorted(content))
