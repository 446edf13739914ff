"""API of the rpa app for the health team: upload a sheet, send it, watch it, stop, resend."""

from django.shortcuts import get_object_or_404
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.roles import is_health_team
from accounts.selectors import mask_phone

from . import selectors, services
from .importer import SheetRefused
from .models import AccessLog, Upload


class IsHealthTeam(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_health_team(request.user))


HEALTH = [IsAuthenticated, IsHealthTeam]


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    row = serializers.IntegerField(source="recipient.row")
    kind = serializers.CharField()
    to = serializers.SerializerMethodField()
    channel = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    failure_reason = serializers.CharField()
    client_id = serializers.UUIDField()

    def get_to(self, message) -> str:
        return mask_phone(message.to)


def _upload_state(upload: Upload) -> dict:
    return {
        "id": upload.pk,
        "file": upload.original_name,
        "day": upload.day.isoformat(),
        "status": upload.status,
        "summary": upload.summary,
        "counts": selectors.message_counts(upload),
    }


@api_view(["POST"])
@permission_classes(HEALTH)
@parser_classes([MultiPartParser])
def upload_create(request):
    """Upload a case sheet (multipart `file`): 201 with the dry-run object and the upload id."""
    sheet = request.FILES.get("file")
    if sheet is None:
        return Response({"detail": "Send the sheet as the multipart field `file`."}, status=400)
    try:
        upload = services.create_upload(user=request.user, filename=sheet.name, data=sheet.read())
    except SheetRefused as refusal:
        return Response({"detail": str(refusal), "code": refusal.code}, status=400)
    services.record_access(
        user=request.user, action=AccessLog.Action.API, upload=upload, what="dry run"
    )
    return Response(
        {**selectors.dry_run(upload), "id": upload.pk, "status": upload.status},
        status=status.HTTP_201_CREATED,
    )


@api_view(["GET"])
@permission_classes(HEALTH)
def upload_detail(request, pk: int):
    """Status and message counts: queued, sending, sent, delivered, failed (and stopped)."""
    return Response(_upload_state(get_object_or_404(Upload, pk=pk)))


def _action(request, pk: int, service, ok_status: int):
    upload = get_object_or_404(Upload, pk=pk)
    try:
        count = service(upload=upload, user=request.user)
    except services.SendRefused as refusal:
        return Response({"detail": refusal.message}, status=409)
    upload.refresh_from_db()
    return Response({**_upload_state(upload), "affected": count}, status=ok_status)


@api_view(["POST"])
@permission_classes(HEALTH)
def upload_send(request, pk: int):
    """Confirm sending: 202, the messages are in the outbox."""
    return _action(request, pk, services.confirm_send, status.HTTP_202_ACCEPTED)


@api_view(["POST"])
@permission_classes(HEALTH)
def upload_stop(request, pk: int):
    return _action(request, pk, services.stop_sending, status.HTTP_200_OK)


@api_view(["POST"])
@permission_classes(HEALTH)
def upload_resend_failed(request, pk: int):
    return _action(request, pk, services.resend_failed, status.HTTP_202_ACCEPTED)


@api_view(["GET"])
@permission_classes(HEALTH)
def upload_messages(request, pk: int):
    """The upload's messages, `?status=failed` to list the failures with the gateway's reason."""
    from rest_framework.pagination import PageNumberPagination

    upload = get_object_or_404(Upload, pk=pk)
    messages = selectors.messages_of(upload, status=request.query_params.get("status") or None)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(messages, request)
    services.record_access(
        user=request.user, action=AccessLog.Action.API, upload=upload, what="messages"
    )
    return paginator.get_paginated_response(MessageSerializer(page, many=True).data)


upload_create.cls.serializer_class = serializers.Serializer
upload_messages.cls.serializer_class = MessageSerializer
