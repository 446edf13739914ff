"""API of flexible work: requests (list, create, read, cancel) and the team board."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from . import selectors, services
from .models import Arrangement, Kind


class RequestInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, allow_empty=True
    )
    start_time = serializers.TimeField(required=False, allow_null=True, format="%H:%M")
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, min_value=0, max_value=24
    )
    daily_hours = serializers.DictField(
        child=serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=24),
        required=False,
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


class DaySerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = serializers.TimeField(format="%H:%M", allow_null=True)
    end_time = serializers.TimeField(format="%H:%M", allow_null=True)
    hours = serializers.DecimalField(max_digits=4, decimal_places=1)
    seat = serializers.SerializerMethodField()

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


class ArrangementSerializer(serializers.ModelSerializer):
    approval = serializers.IntegerField(source="approval_id", allow_null=True)
    cancel_approval = serializers.IntegerField(source="cancel_approval_id", allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    start_time = serializers.TimeField(format="%H:%M", allow_null=True)
    center = serializers.IntegerField(source="center_id", allow_null=True)
    seat = serializers.IntegerField(source="seat_id", allow_null=True)
    days = serializers.SerializerMethodField()

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
        ]

    def get_days(self, arrangement):
        days = arrangement.days.select_related("booking__seat")
        return DaySerializer(days, many=True).data


def _invalid(errors: dict) -> Response:
    body = {}
    for name, messages in errors.items():
        key = "non_field_errors" if name == "__all__" else name
        body[key] = [str(m) for m in messages]
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


@extend_schema(request=RequestInputSerializer, responses=ArrangementSerializer)
@api_view(["GET", "POST"])
def requests_view(request):
    """My flexible-work requests (GET), or a new one (POST → 201, pending)."""
    if request.method == "GET":
        items = selectors.arrangements_of(request.user, limit=100)
        return Response({"results": ArrangementSerializer(items, many=True).data})
    serializer = RequestInputSerializer(data=request.data)
    if not serializer.is_valid():
        return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
    data = dict(serializer.validated_data)
    from smartcenters.models import Center, Seat

    errors = {}
    center_id, seat_id = data.pop("center", None), data.pop("seat", None)
    center = seat = None
    if center_id is not None:
        center = Center.objects.filter(pk=center_id, is_active=True).first()
        if center is None:
            errors["center"] = [_("No such smart-work center.")]
    if seat_id is not None:
        seat = Seat.objects.filter(pk=seat_id, is_active=True).select_related("center").first()
        if seat is None:
            errors["seat"] = [_("No such seat.")]
    if errors:
        return _invalid(errors)
    try:
        arrangement = services.request_arrangement(
            applicant=request.user,
            kind=data["kind"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            weekdays=data.get("weekdays") or None,
            start_time=data.get("start_time"),
            hours=data.get("hours"),
            daily_hours=data.get("daily_hours") or None,
            reason=data.get("reason", ""),
            is_emergency=data.get("is_emergency", False),
            emergency_reason=data.get("emergency_reason", ""),
            center=center,
            seat=seat,
            client="api",
        )
    except services.RequestInvalid as invalid:
        return _invalid(invalid.errors)
    return Response(ArrangementSerializer(arrangement).data, status=status.HTTP_201_CREATED)


requests_view.cls.serializer_class = ArrangementSerializer


@extend_schema(responses=ArrangementSerializer)
@api_view(["GET"])
def request_detail(request, pk: int):
    """One of my requests with its days and seats."""
    arrangement = get_object_or_404(Arrangement, pk=pk, applicant=request.user)
    return Response(ArrangementSerializer(arrangement).data)


request_detail.cls.serializer_class = ArrangementSerializer


class CancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, default="", max_length=2000)


@extend_schema(request=CancelInputSerializer, responses=ArrangementSerializer)
@api_view(["POST"])
def request_cancel(request, pk: int):
    """Cancel an approved arrangement before it starts (withdraws a pending request)."""
    arrangement = get_object_or_404(Arrangement, pk=pk, applicant=request.user)
    serializer = CancelInputSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    try:
        if arrangement.status == "pending":
            arrangement = services.withdraw_arrangement(
                arrangement=arrangement, actor=request.user, client="api"
            )
        else:
            arrangement = services.cancel_arrangement(
                arrangement=arrangement,
                actor=request.user,
                reason=serializer.validated_data["reason"],
                client="api",
            )
    except services.RequestInvalid as invalid:
        body = _invalid(invalid.errors)
        return Response(
            body.data, status=status.HTTP_409_CONFLICT if "__all__" in invalid.errors else 400
        )
    arrangement.refresh_from_db()
    return Response(ArrangementSerializer(arrangement).data)


request_cancel.cls.serializer_class = ArrangementSerializer


class BoardCellSerializer(serializers.Serializer):
    date = serializers.DateField()
    where = serializers.CharField()
    label = serializers.CharField()
    start = serializers.TimeField(format="%H:%M", allow_null=True)
    end = serializers.TimeField(format="%H:%M", allow_null=True)
    kind = serializers.CharField()
    status = serializers.CharField()
    center = serializers.CharField()
    seat = serializers.CharField()


@extend_schema(responses=BoardCellSerializer(many=True))
@api_view(["GET"])
def board(request):
    """Where each person of my team (or the units I head) works on a day (`?date=YYYY-MM-DD`)."""
    try:
        day = (
            dt.date.fromisoformat(request.query_params.get("date", ""))
            if request.query_params.get("date")
            else services.local_today()
        )
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
                **BoardCellSerializer({"date": day, **cell.__dict__}).data,
            }
        )
    return Response(
        {
            "date": day.isoformat(),
            "people": people,
            "holiday": services.work_calendar(day, day).holiday_name(day) or "",
        }
    )


board.cls.serializer_class = BoardCellSerializer
