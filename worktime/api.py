"""API of flexible work: requests (list, create, read, cancel) and the team board."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from smartcenters import selectors as center_selectors

from . import selectors, services
from .models import Arrangement, Kind, Status


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        "example": "09:00",
    }
)
class HourMinuteField(serializers.TimeField):
    """A time of day as HH:MM (seconds accepted on input)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


# --- input ------------------------------------------------------------------------------------


class RequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, allow_empty=True
    )
    start_time = HourMinuteField(required=False, allow_null=True)
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=0, max_value=24
    )
    daily_hours = serializers.DictField(
        child=serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=24),
        required=False,
        help_text=gettext_lazy("Hours per weekday, keyed by weekday number (0 = Monday)."),
    )
    reason = serializers.CharField(allow_blank=True, max_length=2000, default="")
    is_emergency = serializers.BooleanField(default=False)
    emergency_reason = serializers.CharField(allow_blank=True, max_length=1000, default="")
    center = serializers.IntegerField(required=False, allow_null=True)
    seat = serializers.IntegerField(required=False, allow_null=True)

    def validate_daily_hours(self, value):
        try:
            return {int(k): v for k, v in value.items()}
        except (TypeError, ValueError):
            raise serializers.ValidationError(
                _("Keys are weekday numbers, 0 (Monday) to 4 (Friday).")
            ) from None


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="", max_length=2000)


# --- output -----------------------------------------------------------------------------------


class DaySeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    center = serializers.IntegerField()
    booking = serializers.IntegerField()
    booking_status = serializers.CharField()


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = HourMinuteField(allow_null=True)
    end_time = HourMinuteField(allow_null=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    seat = serializers.SerializerMethodField()

    @extend_schema_field(DaySeatSerializer(allow_null=True))
    def get_seat(self, day):
        if not day.booking_id:
            return None
        booking = day.booking
        return {
            "id": booking.seat_id,
            "label": booking.seat.label,
            "center": booking.seat.center_id,
            "booking": booking.pk,
            "booking_status": booking.status,
        }


class SkippedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField(help_text=gettext_lazy('E.g. "12월 25일 (기독탄신일)".'))


class PreviewDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = HourMinuteField(allow_null=True)
    end_time = HourMinuteField(allow_null=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)


class PreviewSerializer(serializers.Serializer):
    days = PreviewDaySerializer(many=True)
    skipped_days = SkippedDaySerializer(many=True)


class ArrangementSerializer(serializers.ModelSerializer):
    approval = serializers.IntegerField(
        source="approval_id",
        allow_null=True,
        help_text=gettext_lazy("The approval document's id."),
    )
    cancel_approval = serializers.IntegerField(
        source="cancel_approval_id",
        allow_null=True,
        help_text=gettext_lazy("The cancellation's approval document, where one was needed."),
    )
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6))
    start_time = HourMinuteField(allow_null=True)
    daily_hours = serializers.DictField(
        child=serializers.DecimalField(max_digits=4, decimal_places=1)
    )
    center = serializers.IntegerField(source="center_id", allow_null=True)
    seat = serializers.IntegerField(source="seat_id", allow_null=True)
    days = DaySerializer(many=True, source="days.all")
    skipped_days = serializers.SerializerMethodField(
        help_text=gettext_lazy("Days of the period that are not worked: holidays, days off.")
    )

    class Meta:
        model = Arrangement
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "approval",
            "cancel_approval",
            "cancel_status",
            "start_date",
            "end_date",
            "weekdays",
            "start_time",
            "hours",
            "daily_hours",
            "reason",
            "is_emergency",
            "emergency_reason",
            "center",
            "seat",
            "days",
            "skipped_days",
        ]
        read_only_fields = fields

    @extend_schema_field(SkippedDaySerializer(many=True))
    def get_skipped_days(self, arrangement):
        # One calendar for a whole page of arrangements.
        if "work_calendar" not in self.context:
            self.context["work_calendar"] = services.work_calendar()
        calendar = self.context["work_calendar"]
        return [
            {"date": day, "label": label}
            for day, label in selectors.skipped_days_of(arrangement, calendar)
        ]


class BoardPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    department = serializers.CharField(allow_blank=True)
    workplace = serializers.CharField(allow_blank=True)
    date = serializers.DateField()
    where = serializers.ChoiceField(choices=["office", "home", "center", "away", "off"])
    label = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("The status's or the holiday's name.")
    )
    start = HourMinuteField(allow_null=True)
    end = HourMinuteField(allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices, allow_blank=True)
    kind_label = serializers.CharField(allow_blank=True)
    status = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy("The arrangement's status, or the seat booking's."),
    )
    center = serializers.CharField(allow_blank=True)
    seat = serializers.CharField(allow_blank=True)
    seat_released = serializers.BooleanField(
        help_text=gettext_lazy("A smart-work day whose seat was released or cancelled.")
    )
    away = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy(
            "근무상황 that day: the kind (연가, 출장…), with its times for part of a day."
        ),
    )
    away_category = serializers.ChoiceField(
        choices=["", "leave", "trip", "training"],
        allow_blank=True,
        help_text=gettext_lazy("Why a person away the whole day is away."),
    )


class BoardSerializer(serializers.Serializer):
    date = serializers.DateField()
    holiday = serializers.CharField(allow_blank=True)
    people = BoardPersonSerializer(many=True)


# --- errors -----------------------------------------------------------------------------------


class WorktimeErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _messages(**kwargs):
    return serializers.ListField(child=serializers.CharField(), required=False, **kwargs)


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        ]
    }
)
class _NestedMessagesField(serializers.JSONField):
    """Messages for the whole field, or per item or key of a list or map."""


class RequestErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField(
        required=False, help_text=gettext_lazy("The request body could not be read.")
    )
    non_field_errors = _messages()
    kind = _messages()
    start_date = _messages()
    end_date = _messages()
    weekdays = _NestedMessagesField(required=False)
    start_time = _messages()
    hours = _messages()
    daily_hours = _NestedMessagesField(required=False)
    reason = _messages()
    is_emergency = _messages()
    emergency_reason = _messages()
    center = _messages()
    seat = _messages()


REQUEST_ERRORS = OpenApiResponse(
    RequestErrorsSerializer,
    description=gettext_lazy("Each field's messages, in the request's language."),
)


class CancelErrorsSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    reason = _messages()


class BoardErrorsSerializer(serializers.Serializer):
    date = _messages()


FORBIDDEN = OpenApiResponse(
    WorktimeErrorSerializer, description=gettext_lazy("Not signed in, or not OTP-verified.")
)
NOT_FOUND = OpenApiResponse(
    WorktimeErrorSerializer, description=gettext_lazy("No such request of yours.")
)
ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="Request id"
)


def _invalid(errors: dict) -> Response:
    body = {}
    for name, messages in errors.items():
        key = "non_field_errors" if name == "__all__" else name
        body[key] = [str(m) for m in messages]
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


# --- views ------------------------------------------------------------------------------------


class RequestListCreate(generics.ListCreateAPIView):
    """My flexible-work requests (GET, newest first), or a new one (POST)."""

    serializer_class = ArrangementSerializer

    def get_queryset(self):
        return selectors.arrangements_with_days(self.request.user)

    @extend_schema(
        description=gettext_lazy("My flexible-work requests, newest first, a page at a time."),
        responses={
            200: ArrangementSerializer(many=True),
            403: FORBIDDEN,
            404: OpenApiResponse(WorktimeErrorSerializer, description="No such page."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        description=gettext_lazy(
            "Request an arrangement: 201 with the pending request and its approval document."
        ),
        request=RequestInputSerializer,
        responses={
            201: ArrangementSerializer,
            400: REQUEST_ERRORS,
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        fields, errors = _request_fields(request.data)
        if errors:
            return _invalid(errors)
        try:
            arrangement = services.request_arrangement(
                applicant=request.user, client="api", **fields
            )
        except services.RequestInvalid as invalid:
            return _invalid(invalid.errors)
        arrangement = selectors.arrangements_with_days(request.user).get(pk=arrangement.pk)
        return Response(ArrangementSerializer(arrangement).data, status=status.HTTP_201_CREATED)


class RequestPreview(APIView):
    """The days a request would cover and those it skips, before sending it."""

    @extend_schema(
        description=gettext_lazy(
            "Check a request without sending it: 200 with its working days and the days of "
            "the period it skips (weekends at its ends, public and office holidays)."
        ),
        request=RequestInputSerializer,
        responses={200: PreviewSerializer, 400: REQUEST_ERRORS, 403: FORBIDDEN},
    )
    def post(self, request):
        fields, errors = _request_fields(request.data)
        if errors:
            return _invalid(errors)
        try:
            checked = services.preview_request(applicant=request.user, **fields)
        except services.RequestInvalid as invalid:
            return _invalid(invalid.errors)
        skipped = [{"date": day, "label": label} for day, label in checked.skipped]
        return Response(PreviewSerializer({"days": checked.days, "skipped_days": skipped}).data)


def _request_fields(data) -> tuple[dict, dict]:
    """A request body read into the service's fields, or the errors of each field."""
    serializer = RequestInputSerializer(data=data)
    if not serializer.is_valid():
        return {}, serializer.errors
    data = dict(serializer.validated_data)
    errors = {}
    center_id, seat_id = data.pop("center", None), data.pop("seat", None)
    center = seat = None
    if center_id is not None:
        center = center_selectors.active_centers().filter(pk=center_id).first()
        if center is None:
            errors["center"] = [_("No such smart-work center.")]
    if seat_id is not None:
        seat = center_selectors.active_seats().filter(pk=seat_id).first()
        if seat is None:
            errors["seat"] = [_("No such seat.")]
    fields = {
        "kind": data["kind"],
        "start_date": data["start_date"],
        "end_date": data.get("end_date"),
        "weekdays": data.get("weekdays") or None,
        "start_time": data.get("start_time"),
        "hours": data.get("hours"),
        "daily_hours": data.get("daily_hours") or None,
        "reason": data.get("reason", ""),
        "is_emergency": data.get("is_emergency", False),
        "emergency_reason": data.get("emergency_reason", ""),
        "center": center,
        "seat": seat,
    }
    return fields, errors


class RequestDetail(generics.RetrieveAPIView):
    """One of my requests with its days and seats."""

    serializer_class = ArrangementSerializer

    def get_queryset(self):
        return selectors.arrangements_with_days(self.request.user)

    @extend_schema(
        parameters=[ID],
        responses={200: ArrangementSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class RequestCancel(APIView):
    """Cancel an approved arrangement before it starts (withdraws a pending request)."""

    serializer_class = CancelInputSerializer

    @extend_schema(
        parameters=[ID],
        request=CancelInputSerializer,
        responses={
            200: ArrangementSerializer,
            400: OpenApiResponse(
                CancelErrorsSerializer,
                description=gettext_lazy("A reason is needed where cancelling needs approval."),
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                WorktimeErrorSerializer,
                description=gettext_lazy(
                    "The request's state does not allow it: already decided, cancelled, "
                    "started, or a cancellation is already waiting."
                ),
            ),
        },
    )
    def post(self, request, pk: int):
        arrangement = get_object_or_404(Arrangement, pk=pk, applicant=request.user)
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if arrangement.status == "pending":
            services.withdraw_arrangement(arrangement=arrangement, actor=request.user, client="api")
        else:
            services.cancel_arrangement(
                arrangement=arrangement,
                actor=request.user,
                reason=serializer.validated_data["reason"],
                client="api",
            )
        arrangement = selectors.arrangements_with_days(request.user).get(pk=pk)
        return Response(ArrangementSerializer(arrangement).data)


class RequestRevise(APIView):
    """Revise a returned request (반려) and send it again: a new round of its approval."""

    serializer_class = RequestInputSerializer

    @extend_schema(
        parameters=[ID],
        description=gettext_lazy(
            "The same body as a new request, of the same kind: the days and seats are checked "
            "and held again, and the approval document starts a new round."
        ),
        request=RequestInputSerializer,
        responses={
            200: ArrangementSerializer,
            400: REQUEST_ERRORS,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(
                WorktimeErrorSerializer,
                description=gettext_lazy("Only a returned request can be revised."),
            ),
        },
    )
    def post(self, request, pk: int):
        arrangement = get_object_or_404(Arrangement, pk=pk, applicant=request.user)
        if arrangement.status != Status.RETURNED:
            return Response(
                {"detail": _("Only a returned request can be revised.")},
                status=status.HTTP_409_CONFLICT,
            )
        fields, errors = _request_fields(request.data)
        if errors:
            return _invalid(errors)
        try:
            services.revise_arrangement(
                arrangement=arrangement, actor=request.user, client="api", **fields
            )
        except services.RequestInvalid as invalid:
            return _invalid(invalid.errors)
        arrangement = selectors.arrangements_with_days(request.user).get(pk=pk)
        return Response(ArrangementSerializer(arrangement).data)


class Board(APIView):
    """Where each person of my team (or the units I head) works on a day."""

    serializer_class = BoardSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description=gettext_lazy("The day (YYYY-MM-DD); today when left out."),
            )
        ],
        responses={
            200: BoardSerializer,
            400: OpenApiResponse(
                BoardErrorsSerializer, description=gettext_lazy("The date cannot be read.")
            ),
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        raw = request.query_params.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else services.local_today()
        except ValueError:
            return _invalid({"date": [_("Give the date as YYYY-MM-DD.")]})
        data = selectors.board(request.user, day, day)
        people = []
        for row in data["rows"]:
            person, cell = row["person"], row["cells"][0]
            people.append(
                {
                    "id": person.pk,
                    "full_name": person.full_name,
                    "department": str(person.department or ""),
                    "workplace": str(person.workplace or ""),
                    "date": day,
                    **cell.__dict__,
                }
            )
        holiday = services.work_calendar(day, day).holiday_name(day) or ""
        return Response(BoardSerializer({"date": day, "holiday": holiday, "people": people}).data)
