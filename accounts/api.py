"""API of accounts: who am I."""

from django.urls import path
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .roles import role_names


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    department = serializers.CharField(allow_null=True)
    position = serializers.CharField(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


@api_view(["GET"])
def me(request):
    """The signed-in person and their roles."""
    user = request.user
    data = {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "department": str(user.department) if user.department_id else None,
        "position": str(user.position) if user.position_id else None,
        "roles": sorted(role_names(user)),
    }
    return Response(MeSerializer(data).data)


me.cls.serializer_class = MeSerializer

api_urlpatterns = [path("me/", me, name="me")]
