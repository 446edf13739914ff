"""A page and an API view that refuse, to see each refusal reach people the one way."""

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from config.urls import urlpatterns as portal
from core.errors import Conflict, Invalid, NotAllowed

KINDS = {"invalid": Invalid, "not-allowed": NotAllowed, "conflict": Conflict}


def refusing_page(request, kind):
    if request.method == "POST":
        raise KINDS[kind]("Choose another day.", field="date")
    return HttpResponse(" | ".join(str(message) for message in get_messages(request)))


@api_view(["POST"])
@permission_classes([AllowAny])
def refusing_api(request, kind):
    raise KINDS[kind]("Choose another day.", field="date", extra={"nearest": 7})


urlpatterns = [
    path("refusing/<str:kind>/", refusing_page),
    path("api/v1/refusing/<str:kind>/", refusing_api),
    *portal,
]
