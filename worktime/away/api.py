"""API of 근무상황: the kinds offered, my records (list and record one), one record.
A record's body is read by the page's form; refusals answer through `config/errors.py`."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from ..serializers import (
    FORBIDDEN,
    HourMinuteField,
    WorktimeErrorSerializer,
    WorktimeRefusalSerializer,
    messages_field,
    read_body,
)
from . import selectors, services
from .forms import AwayForm
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
    """Documents the body; `forms.AwayForm` reads it, as it reads the page's."""

    kind = serializers.CharField(
        help_text=gettext_lazy("The kind's code (or its id), from /api/v1/worktime/away/kinds/."),
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


class AwayErrorsSerializer(WorktimeRefusalSerializer):
    kind = messages_field()
    start_date = messages_field()
    end_date = messages_field()
    start_time = messages_field()
    end_time = messages_field()
    destination = messages_field()
    place = messages_field()
    reason = messages_field()


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
        responses={
            201: AwayRecordSerializer,
            400: OpenApiResponse(
                AwayErrorsSerializer,
                description=gettext_lazy("Each field's messages, in the request's language."),
            ),
            403: FORBIDDEN,
        },
    )
    def post(self, request, *args, **kwargs):
        form = read_body(AwayForm, request)
        record = services.record_away(person=request.user, client="api", **form.as_service_fields())
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
