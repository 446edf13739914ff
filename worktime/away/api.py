"""API of 근무상황: the kinds offered, my records (list and record one), one record."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from ..api import FORBIDDEN, REQUEST_ERRORS, HourMinuteField, WorktimeErrorSerializer, _invalid
from ..services import RequestInvalid
from . import selectors, services
from .models import AwayKind, AwayRecord, TripDestination


class AwayKindSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = AwayKind
        fields = ["id", "code", "label", "category", "needs_approval", "part_of_day"]

    def get_label(self, kind) -> str:
        return str(kind)


class AwayRecordSerializer(serializers.ModelSerializer):
    kind = AwayKindSerializer(read_only=True)
    start_time = HourMinuteField(allow_null=True)
    end_time = HourMinuteField(allow_null=True)
    destination = serializers.StringRelatedField()
    approval = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = AwayRecord
        fields = [
            "id",
            "kind",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "destination",
            "place",
            "reason",
            "status",
            "origin",
            "approval",
        ]


class AwayInputSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(
        slug_field="code",
        queryset=AwayKind.objects.filter(is_active=True),
        help_text=gettext_lazy("The kind's code, from /api/v1/worktime/away/kinds/."),
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    start_time = HourMinuteField(required=False, allow_null=True)
    end_time = HourMinuteField(required=False, allow_null=True)
    destination = serializers.PrimaryKeyRelatedField(
        queryset=TripDestination.objects.filter(is_active=True), required=False, allow_null=True
    )
    place = serializers.CharField(allow_blank=True, max_length=200, default="")
    reason = serializers.CharField(allow_blank=True, max_length=2000, default="")


class AwayKindList(generics.ListAPIView):
    """The kinds of 근무상황 one can record."""

    serializer_class = AwayKindSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.kinds_offered()


class AwayRecordListCreate(generics.ListCreateAPIView):
    """My leave, trips and training (GET, newest first), or a new record (POST)."""

    serializer_class = AwayRecordSerializer

    def get_queryset(self):
        return selectors.records_of(self.request.user, limit=500)

    @extend_schema(
        description=gettext_lazy(
            "Record leave, a trip or training: 201 with the record; kinds that need approval are "
            "pending with their approval document."
        ),
        request=AwayInputSerializer,
        responses={201: AwayRecordSerializer, 400: REQUEST_ERRORS, 403: FORBIDDEN},
    )
    def post(self, request, *args, **kwargs):
        serializer = AwayInputSerializer(data=request.data)
        if not serializer.is_valid():
            return _invalid(serializer.errors)
        fields = dict(serializer.validated_data)
        fields["end_date"] = fields.get("end_date") or fields["start_date"]
        try:
            record = services.record_away(person=request.user, client="api", **fields)
        except RequestInvalid as invalid:
            return _invalid(invalid.errors)
        return Response(AwayRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class AwayRecordDetail(generics.RetrieveAPIView):
    """One of my records."""

    serializer_class = AwayRecordSerializer

    @extend_schema(
        responses={
            200: AwayRecordSerializer,
            403: FORBIDDEN,
            404: OpenApiResponse(
                WorktimeErrorSerializer, description=gettext_lazy("No such record of yours.")
            ),
        }
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return AwayRecord.objects.filter(person=self.request.user).select_related(
            "kind", "destination"
        )
