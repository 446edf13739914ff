"""API of the rpa app for the health team: sheets, sending, and the day's self-check answers."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.roles import is_health_team
from accounts.selectors import mask_phone
from core import clock
from core.errors import Invalid

from . import selectors, selfcheck_selectors, services
from .forms import parse_day
from .models import AccessLog, MessageKind, OutboxMessage, Recipient, Upload
from .upload_handlers import receives_case_sheets


class IsHealthTeam(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_health_team(request.user))


HEALTH = [IsAuthenticated, IsHealthTeam]


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    row = serializers.IntegerField(source="recipient.row")
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    to = serializers.SerializerMethodField(help_text=gettext_lazy("Masked: 010-****-5678."))
    channel = serializers.ChoiceField(choices=OutboxMessage.Channel.choices)
    status = serializers.ChoiceField(choices=OutboxMessage.Status.choices)
    attempts = serializers.IntegerField()
    failure_reason = serializers.CharField(allow_blank=True)
    client_id = serializers.UUIDField()

    def get_to(self, message) -> str:
        return mask_phone(message.to)


class RpaErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=gettext_lazy("One sentence for the team."))
    code = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "Why it was refused: a sheet e.g. `empty`, `no_header`, `too_large`; sending e.g. "
            "`already_confirmed`, `not_sending`, `nothing_uncertain`."
        ),
    )


class SheetSummarySerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    valid = serializers.IntegerField()
    rejected = serializers.IntegerField()
    duplicate = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class SheetRowSerializer(serializers.Serializer):
    """A row of the sheet: a valid row has the resident's fields, a duplicate the row it repeats,
    a rejected row its errors."""

    row = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Recipient.Status.choices)
    name = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
    result = serializers.ChoiceField(
        choices=["negative", "positive", "inconclusive"], allow_null=True, required=False
    )
    test_date = serializers.DateField(allow_null=True, required=False)
    quarantine_start = serializers.DateField(allow_null=True, required=False)
    quarantine_end = serializers.DateField(allow_null=True, required=False)
    already_messaged_by = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text=gettext_lazy("The earlier upload that already messaged this resident."),
    )
    duplicate_of = serializers.IntegerField(required=False)
    errors = RowErrorSerializer(many=True, required=False)


class DryRunSerializer(serializers.Serializer):
    """The dry-run object of the case-sheet rules, with the stored upload's id and status."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Upload.Status.choices)
    file = serializers.CharField()
    sheet = serializers.CharField(allow_null=True, help_text=gettext_lazy("Null for CSV."))
    header_row = serializers.IntegerField()
    rows = SheetRowSerializer(many=True)
    summary = SheetSummarySerializer()


class SheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("The case sheet: xlsx, xls or csv."))


class MessageCountsSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    uncertain = serializers.IntegerField(
        help_text=gettext_lazy(
            "Maybe taken by the provider, maybe not: look them up again or resend them."
        )
    )
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    stopped = serializers.IntegerField()
    total = serializers.IntegerField()


class UploadStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    file = serializers.CharField()
    day = serializers.DateField()
    status = serializers.ChoiceField(choices=Upload.Status.choices)
    summary = SheetSummarySerializer()
    counts = MessageCountsSerializer()


class UploadActionSerializer(UploadStateSerializer):
    affected = serializers.IntegerField(
        help_text=gettext_lazy("How many messages were queued, stopped or queued again.")
    )


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(RpaErrorSerializer, description=description)


FORBIDDEN = _error(gettext_lazy("Only the health team and admins."))
NOT_FOUND = _error(gettext_lazy("No such upload."))
UPLOAD_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="Upload id"
)


def _action_schema(ok_status: int, conflict: str):
    return extend_schema(
        parameters=[UPLOAD_ID],
        request=None,
        responses={
            ok_status: UploadActionSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: _error(conflict),
        },
    )


def _upload_state(upload: Upload) -> dict:
    return {
        "id": upload.pk,
        "file": upload.original_name,
        "day": upload.day.isoformat(),
        "status": upload.status,
        "summary": upload.summary,
        "counts": selectors.message_counts(upload),
    }


@receives_case_sheets
@extend_schema(
    request={"multipart/form-data": SheetUploadSerializer},
    responses={
        201: DryRunSerializer,
        400: _error(gettext_lazy("No file, or a sheet refused as a whole.")),
        403: FORBIDDEN,
    },
)
@api_view(["POST"])
@permission_classes(HEALTH)
@parser_classes([MultiPartParser])
def upload_create(request):
    """Upload a case sheet (multipart `file`): 201 with the dry-run object and the upload id."""
    sheet = request.FILES.get("file")
    stopped = request.case_sheet_limit.refusal()
    if stopped is not None:
        raise stopped
    if sheet is None:
        raise Invalid(
            _("Send the sheet as the multipart field `file`."), field="file", code="required"
        )
    # A refused sheet (SheetRefused) is answered by the API's error handler: 400, detail, code.
    upload = services.create_upload(user=request.user, filename=sheet.name, data=sheet)
    services.record_access(
        user=request.user, action=AccessLog.Action.API, upload=upload, what="dry run"
    )
    return Response(
        {**selectors.dry_run(upload), "id": upload.pk, "status": upload.status},
        status=status.HTTP_201_CREATED,
    )


@extend_schema(
    parameters=[UPLOAD_ID],
    responses={200: UploadStateSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
)
@api_view(["GET"])
@permission_classes(HEALTH)
def upload_detail(request, pk: int):
    """Status and message counts: queued, sending, uncertain, sent, delivered, failed, stopped."""
    return Response(_upload_state(get_object_or_404(Upload, pk=pk)))


def _action(request, pk: int, service, ok_status: int):
    """One of the team's actions; a refusal (SendRefused) is answered 409 by the error handler."""
    upload = get_object_or_404(Upload, pk=pk)
    count = service(upload=upload, user=request.user)
    upload.refresh_from_db()
    return Response({**_upload_state(upload), "affected": count}, status=ok_status)


@_action_schema(202, gettext_lazy("Already confirmed, or nothing to send."))
@api_view(["POST"])
@permission_classes(HEALTH)
def upload_send(request, pk: int):
    """Confirm sending: 202, the messages are in the outbox."""
    return _action(request, pk, services.confirm_send, status.HTTP_202_ACCEPTED)


@_action_schema(200, gettext_lazy("Only a sheet that is being sent can be stopped."))
@api_view(["POST"])
@permission_classes(HEALTH)
def upload_stop(request, pk: int):
    """Stop what has not gone yet."""
    return _action(request, pk, services.stop_sending, status.HTTP_200_OK)


@_action_schema(202, gettext_lazy("Only a confirmed sheet can resend its failed messages."))
@api_view(["POST"])
@permission_classes(HEALTH)
def upload_resend_failed(request, pk: int):
    """Queue the failed messages again (each under a new client id)."""
    return _action(request, pk, services.resend_failed, status.HTTP_202_ACCEPTED)


@_action_schema(200, gettext_lazy("No message of this sheet is waiting for a decision."))
@api_view(["POST"])
@permission_classes(HEALTH)
def upload_lookup_uncertain(request, pk: int):
    """Ask the provider again about the uncertain messages; `affected`: how many it had."""
    return _action(request, pk, services.lookup_uncertain, status.HTTP_200_OK)


@_action_schema(202, gettext_lazy("No message of this sheet is waiting for a decision."))
@api_view(["POST"])
@permission_classes(HEALTH)
def upload_resend_uncertain(request, pk: int):
    """Send the uncertain messages again: a phone may get the text twice if the provider had it."""
    return _action(request, pk, services.resend_uncertain, status.HTTP_202_ACCEPTED)


class UploadMessages(generics.ListAPIView):
    """The upload's messages, `?status=failed` to list the failures with the gateway's reason."""

    serializer_class = MessageSerializer
    permission_classes = HEALTH

    def get_queryset(self):
        self.upload = get_object_or_404(Upload, pk=self.kwargs["pk"])
        status_filter = self.request.query_params.get("status") or None
        return selectors.messages_of(self.upload, status=status_filter)

    @extend_schema(
        parameters=[
            UPLOAD_ID,
            OpenApiParameter(
                "status",
                str,
                enum=[choice for choice, _label in OutboxMessage.Status.choices],
                description=gettext_lazy("Only the messages in this status, e.g. `failed`."),
            ),
        ],
        responses={
            200: MessageSerializer(many=True),
            403: FORBIDDEN,
            404: _error(gettext_lazy("No such upload, or no such page.")),
        },
    )
    def get(self, request, *args, **kwargs):
        response = self.list(request, *args, **kwargs)
        services.record_access(
            user=request.user, action=AccessLog.Action.API, upload=self.upload, what="messages"
        )
        return response


upload_messages = UploadMessages.as_view()


class SelfCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="check.pk")
    day = serializers.DateField(source="check.day")
    name = serializers.CharField(source="masked_name", help_text=gettext_lazy("Masked: 홍*동."))
    temperature = serializers.DecimalField(
        source="check.temperature", max_digits=3, decimal_places=1
    )
    symptoms = serializers.ListField(source="check.symptoms", child=serializers.CharField())
    flagged = serializers.BooleanField(
        help_text=gettext_lazy("A fever or a symptom, by the thresholds set in the admin.")
    )
    submitted_at = serializers.DateTimeField(source="check.submitted_at")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "day",
            {"type": "string", "format": "date"},
            description=gettext_lazy("The day of the answers, YYYY-MM-DD; today when absent."),
        )
    ],
    responses={
        200: SelfCheckSerializer(many=True),
        400: _error(gettext_lazy("The day is not a date.")),
        403: FORBIDDEN,
    },
)
@api_view(["GET"])
@permission_classes(HEALTH)
def selfchecks(request):
    """The day's self-check answers, flagged ones first (hottest first), then the rest."""
    day = parse_day(request.query_params.get("day"), default=clock.today())
    answers = selfcheck_selectors.answers_of_day(day, with_charts=False)
    services.record_access(
        user=request.user, action=AccessLog.Action.API, what=f"self-checks {day}"
    )
    return Response(SelfCheckSerializer([*answers.flagged, *answers.others], many=True).data)
