"""Shapes of the flexible-work API: the answers, the errors, and how a body is read.

A body is read by the page's form (`read_body`), so the page and the API parse a request the
same way; the input serializers here document that body for the OpenAPI schema and read
nothing (a test holds them to the forms' fields). A service's refusal reaches the client
through the one handler of `config/errors.py`: `{"detail", "code", <field>: [sentences]}`.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from core.workdays import work_calendar

from . import selectors
from .models import Arrangement, Kind


def read_body(form_class, request, **kwargs):
    """The request's body read by `form_class`; its field errors answer 400 as DRF's own."""
    if not isinstance(request.data, Mapping):
        raise serializers.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: [_("Send the fields as a JSON object.")]}
        )
    form = form_class(data=request.data, **kwargs)
    if not form.is_valid():
        raise serializers.ValidationError(
            {
                (api_settings.NON_FIELD_ERRORS_KEY if name == "__all__" else name): list(texts)
                for name, texts in form.errors.items()
            }
        )
    return form


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


# --- input (documentation of the bodies `forms.ArrangementRequestForm` reads) -----------------


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
        help_text=gettext_lazy(
            "Hours per weekday, keyed by weekday number (0 = Monday), for the kinds whose "
            "requester chooses the hours (chosen hours, compressed week): the days given are "
            "the days worked unless weekdays are given."
        ),
    )
    reason = serializers.CharField(allow_blank=True, max_length=2000, default="")
    is_emergency = serializers.BooleanField(default=False)
    emergency_reason = serializers.CharField(allow_blank=True, max_length=1000, default="")
    center = serializers.IntegerField(required=False, allow_null=True)
    seat = serializers.IntegerField(required=False, allow_null=True)


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
            self.context["work_calendar"] = work_calendar()
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


def messages_field(**kwargs):
    return serializers.ListField(child=serializers.CharField(), required=False, **kwargs)


class WorktimeRefusalSerializer(serializers.Serializer):
    """What the one handler answers for a service's refusal; a field's own messages beside."""

    detail = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "The refusal's first sentence; or why the body could not be read at all."
        ),
    )
    code = serializers.CharField(
        required=False,
        help_text=gettext_lazy(
            "Why, as a stable word (invalid, conflict…), when the rules refused it."
        ),
    )
    non_field_errors = messages_field()


class WorktimeConflictSerializer(WorktimeRefusalSerializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class RequestErrorsSerializer(WorktimeRefusalSerializer):
    kind = messages_field()
    start_date = messages_field()
    end_date = messages_field()
    weekdays = messages_field()
    start_time = messages_field()
    hours = messages_field()
    daily_hours = messages_field()
    reason = messages_field()
    is_emergency = messages_field()
    emergency_reason = messages_field()
    center = messages_field()
    seat = messages_field()


class CancelErrorsSerializer(WorktimeRefusalSerializer):
    reason = messages_field()


class BoardErrorsSerializer(serializers.Serializer):
    date = messages_field()


REQUEST_ERRORS = OpenApiResponse(
    RequestErrorsSerializer,
    description=gettext_lazy("Each field's messages, in the request's language."),
)
FORBIDDEN = OpenApiResponse(
    WorktimeErrorSerializer, description=gettext_lazy("Not signed in, or not OTP-verified.")
)
NOT_FOUND = OpenApiResponse(
    WorktimeErrorSerializer, description=gettext_lazy("No such request of yours.")
)
ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="Request id"
)
