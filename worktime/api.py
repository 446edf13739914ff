"""API of flexible work: requests (list, create, preview, read, withdraw, cancel, revise) and the
team board. Bodies are read by the pages' forms; refusals answer through `config/errors.py`."""

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core import clock
from core.workdays import work_calendar

from . import selectors, services
from .forms import ArrangementRequestForm
from .models import Arrangement, Status
from .serializers import (
    FORBIDDEN,
    ID,
    NOT_FOUND,
    REQUEST_ERRORS,
    ArrangementSerializer,
    BoardErrorsSerializer,
    BoardSerializer,
    CancelErrorsSerializer,
    CancelInputSerializer,
    PreviewSerializer,
    RequestInputSerializer,
    WorktimeConflictSerializer,
    WorktimeErrorSerializer,
    read_body,
)


def _conflict(description: str) -> OpenApiResponse:
    return OpenApiResponse(WorktimeConflictSerializer, description=description)


def _mine(request, pk: int) -> Arrangement:
    return get_object_or_404(Arrangement, pk=pk, applicant=request.user)


def _answer(request, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
    """The request as it now stands, with its days and seats."""
    arrangement = selectors.arrangements_with_days(request.user).get(pk=pk)
    return Response(ArrangementSerializer(arrangement).data, status=status_code)


def _withdraw(request, arrangement: Arrangement) -> Response:
    """회수, for /withdraw/ and for /cancel/ of a pending request alike."""
    services.withdraw_arrangement(arrangement=arrangement, actor=request.user, client="api")
    return _answer(request, arrangement.pk)


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
        responses={201: ArrangementSerializer, 400: REQUEST_ERRORS, 403: FORBIDDEN},
    )
    def post(self, request, *args, **kwargs):
        form = read_body(ArrangementRequestForm, request)
        arrangement = services.request_arrangement(
            applicant=request.user, client="api", **form.service_kwargs()
        )
        return _answer(request, arrangement.pk, status.HTTP_201_CREATED)


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
        form = read_body(ArrangementRequestForm, request)
        checked = services.preview_request(applicant=request.user, **form.service_kwargs())
        skipped = [{"date": day, "label": label} for day, label in checked.skipped]
        return Response(PreviewSerializer({"days": checked.days, "skipped_days": skipped}).data)


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


class RequestWithdraw(APIView):
    """Withdraw a pending request (회수): its days and held seats are released."""

    @extend_schema(
        parameters=[ID],
        request=None,
        description=gettext_lazy(
            "Withdraw a request still waiting for approval: 200 with the withdrawn request."
        ),
        responses={
            200: ArrangementSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: _conflict(
                gettext_lazy("Only a pending request can be withdrawn: this one was decided.")
            ),
        },
    )
    def post(self, request, pk: int):
        return _withdraw(request, _mine(request, pk))


class RequestCancel(APIView):
    """Cancel an approved arrangement before it starts; a pending request is withdrawn."""

    serializer_class = CancelInputSerializer

    @extend_schema(
        parameters=[ID],
        request=CancelInputSerializer,
        description=gettext_lazy(
            "Cancel an approved arrangement before its first day: at once, or through a "
            "cancellation approval where its kind asks for one (a reason is then needed). "
            "A pending request is withdrawn, as /withdraw/ does."
        ),
        responses={
            200: ArrangementSerializer,
            400: OpenApiResponse(
                CancelErrorsSerializer,
                description=gettext_lazy("A reason is needed where cancelling needs approval."),
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: _conflict(
                gettext_lazy(
                    "The request's state does not allow it: already decided, cancelled, "
                    "started, or a cancellation is already waiting."
                )
            ),
        },
    )
    def post(self, request, pk: int):
        arrangement = _mine(request, pk)
        serializer = CancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if arrangement.status == Status.PENDING:
            return _withdraw(request, arrangement)
        services.cancel_arrangement(
            arrangement=arrangement,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            client="api",
        )
        return _answer(request, pk)


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
            409: _conflict(gettext_lazy("Only a returned request can be revised.")),
        },
    )
    def post(self, request, pk: int):
        arrangement = _mine(request, pk)
        if arrangement.status != Status.RETURNED:
            raise services.RequestConflict(_("Only a returned request can be revised."))
        form = read_body(ArrangementRequestForm, request)
        services.revise_arrangement(
            arrangement=arrangement, actor=request.user, client="api", **form.service_kwargs()
        )
        return _answer(request, pk)


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
            day = dt.date.fromisoformat(raw) if raw else clock.today()
        except ValueError:
            raise serializers.ValidationError(
                {"date": [_("Give the date as YYYY-MM-DD.")]}
            ) from None
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
        holiday = work_calendar(day, day).holiday_name(day) or ""
        return Response(BoardSerializer({"date": day, "holiday": holiday, "people": people}).data)
