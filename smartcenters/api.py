"""API of the smart-work centers under /api/v1/: centers, availability, bookings, check-in."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import selectors, services
from .models import Booking, Center, Seat, Slot


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "label", "has_monitor", "has_desktop", "has_phone", "is_quiet", "x", "y"]


class SeatRefSerializer(serializers.ModelSerializer):
    center = serializers.IntegerField(source="center_id")
    center_name = serializers.CharField(source="center.name")

    class Meta:
        model = Seat
        fields = ["id", "label", "center", "center_name"]


class CenterSerializer(serializers.ModelSerializer):
    seats = SeatSerializer(many=True, source="active_seats")

    class Meta:
        model = Center
        fields = [
            "id",
            "name",
            "short_name",
            "address",
            "latitude",
            "longitude",
            "opens_at",
            "midday_at",
            "closes_at",
            "needs_approval",
            "seats",
        ]


class BookingSerializer(serializers.ModelSerializer):
    seat_label = serializers.CharField(source="seat.label", read_only=True)
    center = serializers.IntegerField(source="seat.center_id", read_only=True)
    center_name = serializers.CharField(source="seat.center.name", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "seat",
            "seat_label",
            "center",
            "center_name",
            "date",
            "slot",
            "status",
            "origin",
            "created_at",
            "checked_in_at",
        ]
        read_only_fields = fields


class BookingRequestSerializer(serializers.Serializer):
    # The service looks the seat up (an unknown id is a 400 on "seat"): one query, not two.
    seat = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    slot = serializers.ChoiceField(choices=Slot.choices)


class CheckInRequestSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=100,
        help_text=_("The code the seat's QR code carries: the last part of its check-in address."),
        error_messages={
            "required": _("Scan the QR code on your seat: checking in needs the seat's code."),
            "blank": _("Scan the QR code on your seat: checking in needs the seat's code."),
        },
    )


class ConflictSerializer(serializers.Serializer):
    """The body of a 409, as the shared handler answers a booking conflict (config/errors.py)."""

    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["seat_taken", "person_already_booked", "state"])
    nearest_free_seat = SeatRefSerializer(allow_null=True)
    booking = serializers.IntegerField(
        allow_null=True, required=False, help_text=_("The person's overlapping booking.")
    )


class SeatIdLabelSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class SlotAvailabilitySerializer(serializers.Serializer):
    free = SeatIdLabelSerializer(many=True)
    taken = SeatIdLabelSerializer(many=True)


class AvailabilitySerializer(serializers.Serializer):
    center = serializers.IntegerField()
    date = serializers.DateField()
    is_open = serializers.BooleanField()
    closed_reason = serializers.CharField(
        allow_null=True, help_text=_("Why the center is closed that day, when it is.")
    )
    slots = serializers.DictField(
        child=SlotAvailabilitySerializer(), help_text=_("Keyed by slot: am, pm, full.")
    )


class DateQuerySerializer(serializers.Serializer):
    date = serializers.DateField()


class CenterList(generics.ListAPIView):
    """Every active center with its active seats and their attributes."""

    serializer_class = CenterSerializer
    pagination_class = None

    def get_queryset(self):
        return Center.objects.filter(is_active=True).prefetch_related(
            Prefetch(
                "seats",
                queryset=Seat.objects.filter(is_active=True).order_by("label"),
                to_attr="active_seats",
            )
        )


class CenterAvailability(APIView):
    """Per slot (am, pm, full), the center's free and taken seats on a day."""

    @extend_schema(
        parameters=[OpenApiParameter("date", OpenApiTypes.DATE, required=True)],
        responses={200: AvailabilitySerializer},
    )
    def get(self, request, pk: int):
        center = get_object_or_404(Center, pk=pk, is_active=True)
        query = DateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data["date"]
        closed_reason = selectors.closed_reason(center, day)
        slots = selectors.availability(center, day, is_open=closed_reason is None)
        data = {
            "center": center.pk,
            "date": day.isoformat(),
            "is_open": closed_reason is None,
            "closed_reason": closed_reason,
            "slots": {
                slot: {
                    kind: [{"id": s.pk, "label": s.label} for s in seats]
                    for kind, seats in per_slot.items()
                }
                for slot, per_slot in slots.items()
            },
        }
        return Response(data)


class BookingListCreate(generics.ListAPIView):
    """My bookings (newest day first); POST books a seat."""

    serializer_class = BookingSerializer
    throttle_scope = "booking"

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_queryset(self):
        return selectors.bookings_of(self.request.user)

    @extend_schema(
        request=BookingRequestSerializer,
        responses={
            201: BookingSerializer,
            400: OpenApiResponse(description=str(_("A rule says no: field errors."))),
            409: ConflictSerializer,
        },
    )
    def post(self, request):
        incoming = BookingRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        booking = services.book_seat(
            user=request.user, seat=Seat(pk=data["seat"]), date=data["date"], slot=data["slot"]
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)


class BookingDetail(APIView):
    """Cancel one of my bookings (admins may cancel anyone's)."""

    @extend_schema(
        responses={
            204: None,
            400: OpenApiResponse(description=str(_("Past the cancellation deadline."))),
            403: OpenApiResponse(description=str(_("Not your booking."))),
            409: ConflictSerializer,
        }
    )
    def delete(self, request, pk: int):
        booking = get_object_or_404(Booking, pk=pk)
        services.cancel_booking(booking=booking, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookingCheckIn(APIView):
    """Check in to one of my bookings at its seat (inside the check-in window).

    The body carries the seat's code from its QR code: being at the seat is what a check-in says.
    """

    @extend_schema(
        request=CheckInRequestSerializer,
        responses={
            200: BookingSerializer,
            400: OpenApiResponse(description=str(_("No seat code, or a rule says no."))),
            403: OpenApiResponse(description=str(_("Not your booking, or not its seat's code."))),
            409: ConflictSerializer,
        },
    )
    def post(self, request, pk: int):
        incoming = CheckInRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        booking = get_object_or_404(Booking.objects.select_related("seat__center"), pk=pk)
        booking = services.check_in(
            booking=booking, actor=request.user, token=incoming.validated_data["token"]
        )
        return Response(BookingSerializer(booking).data)


api_urlpatterns = [
    path("centers/", CenterList.as_view(), name="centers"),
    path("centers/<int:pk>/availability/", CenterAvailability.as_view(), name="availability"),
    path("bookings/", BookingListCreate.as_view(), name="bookings"),
    path("bookings/<int:pk>/", BookingDetail.as_view(), name="booking"),
    path("bookings/<int:pk>/check-in/", BookingCheckIn.as_view(), name="check_in"),
]
