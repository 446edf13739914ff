"""API of approvals under /api/v1/approvals/: the inbox, a line preview, a document, decisions,
absences."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotAllowed

from . import selectors, services
from .clients import client_label, passed_one_time_code
from .models import Absence, Action, ApprovalStep, Document


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="What was refused, for programs")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


DOCUMENT_ID = OpenApiParameter(
    "document_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Document id"
)


def _document_id(value) -> int:
    """Ids come from a permissive URL pattern so that any bad id gets a JSON 404."""
    if not str(value).isdigit():
        raise Http404
    return int(value)


def _invalid(serializer) -> Response:
    errors = serializer.errors
    first = next(iter(errors.values()))[0] if errors else ""
    return Response({"detail": str(first), "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


class InboxItemSerializer(serializers.ModelSerializer):
    doc_type = serializers.CharField(source="doc_type.code")
    doc_type_name = serializers.CharField(source="doc_type.name")
    applicant = serializers.CharField(source="applicant.full_name")
    applicant_department = serializers.SerializerMethodField()
    summary = serializers.CharField()
    status = serializers.CharField(help_text="draft, pending, approved, returned or withdrawn")

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "doc_type",
            "doc_type_name",
            "applicant",
            "applicant_department",
            "summary",
            "status",
            "round",
            "submitted_at",
        ]

    def get_applicant_department(self, obj: Document) -> str | None:
        department = obj.applicant.department
        return str(department) if department else None


class StepSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="review (검토), cooperate (협조) or final (결재)")
    status = serializers.CharField(help_text="waiting, pending, approved, returned or skipped")
    approver = serializers.CharField(source="approver.full_name")
    acting_for = serializers.CharField(source="acting_for.full_name", allow_null=True, default=None)

    class Meta:
        model = ApprovalStep
        fields = [
            "round",
            "order",
            "kind",
            "approver_id",
            "approver",
            "acting_for",
            "delegated_final",
            "status",
            "activated_at",
            "decided_at",
        ]


class ActionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        help_text="submitted, approved, returned, withdrawn, resubmitted or approved_by_order"
    )
    actor = serializers.CharField(source="actor.full_name")
    acting_for = serializers.CharField(source="acting_for.full_name", allow_null=True, default=None)

    class Meta:
        model = Action
        fields = [
            "round",
            "kind",
            "actor",
            "acting_for",
            "capacity",
            "comment",
            "client",
            "created_at",
        ]


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField()


class DocumentSerializer(InboxItemSerializer):
    body = serializers.CharField()
    facts = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    span_days = serializers.IntegerField()
    decided_at = serializers.DateTimeField(allow_null=True)
    line = StepSerializer(many=True, source="detail_steps")
    history = ActionSerializer(many=True, source="detail_actions")
    attachments = AttachmentSerializer(many=True, source="detail_attachments")
    can_decide = serializers.BooleanField()
    can_withdraw = serializers.BooleanField()

    class Meta(InboxItemSerializer.Meta):
        fields = [
            *InboxItemSerializer.Meta.fields,
            "body",
            "facts",
            "span_days",
            "decided_at",
            "line",
            "history",
            "attachments",
            "can_decide",
            "can_withdraw",
        ]


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField()


class LineQuerySerializer(serializers.Serializer):
    doc_type = serializers.CharField(help_text="Document type code, e.g. worktime.flexible")
    span_days = serializers.IntegerField(
        min_value=1, max_value=366, default=1, help_text="Days the request covers (전결)"
    )


class PlannedStepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    kind = serializers.CharField(help_text="review (검토), cooperate (협조) or final (결재)")
    approver_id = serializers.IntegerField(source="approver.pk")
    approver = serializers.CharField(source="approver.full_name")
    acting_for = serializers.CharField(source="acting_for.full_name", allow_null=True, default=None)
    delegated_final = serializers.BooleanField()
    passed_over = serializers.CharField(
        source="passed_over.full_name",
        allow_null=True,
        default=None,
        help_text="The named substitute passed over because they are the applicant",
    )
    note = serializers.CharField(help_text="Why someone else decides; empty when nobody is skipped")


class LinePreviewSerializer(serializers.Serializer):
    line = PlannedStepSerializer(many=True)


class AbsenceSerializer(serializers.ModelSerializer):
    substitute = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True)
    )
    substitute_name = serializers.CharField(source="substitute.full_name", read_only=True)

    class Meta:
        model = Absence
        fields = ["id", "substitute", "substitute_name", "start_date", "end_date"]
        read_only_fields = ["id"]


def _document_payload(request, document_id: int) -> dict:
    try:
        detail = selectors.document_detail(user=request.user, document_id=document_id)
    except Document.DoesNotExist:
        raise Http404 from None
    document = detail.document
    document.detail_steps = detail.steps
    document.detail_actions = detail.actions
    document.detail_attachments = [
        {
            "name": a.name,
            "size": a.size,
            "url": reverse("approvals:attachment", args=[document.pk, a.pk]),
        }
        for a in detail.attachments
    ]
    document.can_decide = detail.can_decide
    document.can_withdraw = detail.can_withdraw
    return DocumentSerializer(document).data


def _decide(request, document_id, action) -> Response:
    """Approve or return; a refusal answers through the one handler (403, 409 or 400)."""
    document_id = _document_id(document_id)
    document = get_object_or_404(selectors.visible_documents(request.user), pk=document_id)
    if not passed_one_time_code(request.user):
        raise NotAllowed(
            _("Approving needs a sign-in with a one-time code."), code="one_time_code_required"
        )
    action(document)
    return Response(_document_payload(request, document_id))


DECISION_RESPONSES = {
    200: DocumentSerializer,
    400: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    409: OpenApiResponse(ErrorSerializer, description="The document no longer waits for you."),
}


class InboxView(generics.ListAPIView):
    """Documents waiting for my decision (as approver or substitute), newest first."""

    serializer_class = InboxItemSerializer

    def get_queryset(self):
        return selectors.inbox_for(self.request.user)


class LinePreviewView(APIView):
    serializer_class = LinePreviewSerializer

    @extend_schema(
        parameters=[LineQuerySerializer],
        responses={200: LinePreviewSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        """The line my request of this type would get now, before I submit it (결재선)."""
        query = LineQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return _invalid(query)
        line = selectors.preview_line(
            applicant=request.user,
            doc_type=query.validated_data["doc_type"],
            span_days=query.validated_data["span_days"],
        )
        return Response(LinePreviewSerializer({"line": line}).data)


class DocumentView(APIView):
    serializer_class = DocumentSerializer

    @extend_schema(
        parameters=[DOCUMENT_ID], responses={200: DocumentSerializer, 404: ErrorSerializer}
    )
    def get(self, request, document_id):
        """A document with its line and history."""
        return Response(_document_payload(request, _document_id(document_id)))


class ApproveView(APIView):
    serializer_class = ApproveSerializer

    @extend_schema(
        parameters=[DOCUMENT_ID], request=ApproveSerializer, responses=DECISION_RESPONSES
    )
    def post(self, request, document_id):
        """Approve the step waiting for me."""
        serializer = ApproveSerializer(data=request.data)
        if not serializer.is_valid():
            return _invalid(serializer)
        return _decide(
            request,
            document_id,
            lambda document: services.approve(
                document=document,
                actor=request.user,
                comment=serializer.validated_data["comment"],
                client=client_label(request._request, "api"),
            ),
        )


class ReturnView(APIView):
    serializer_class = ReturnSerializer

    @extend_schema(parameters=[DOCUMENT_ID], request=ReturnSerializer, responses=DECISION_RESPONSES)
    def post(self, request, document_id):
        """Return the document to the applicant with a reason (반려)."""
        serializer = ReturnSerializer(data=request.data)
        if not serializer.is_valid():
            return _invalid(serializer)
        return _decide(
            request,
            document_id,
            lambda document: services.return_(
                document=document,
                actor=request.user,
                reason=serializer.validated_data["reason"],
                client=client_label(request._request, "api"),
            ),
        )


class WithdrawView(APIView):
    serializer_class = None

    @extend_schema(parameters=[DOCUMENT_ID], request=None, responses=DECISION_RESPONSES)
    def post(self, request, document_id):
        """The applicant withdraws the document (회수) while nobody has acted on it."""
        document_id = _document_id(document_id)
        document = get_object_or_404(selectors.visible_documents(request.user), pk=document_id)
        services.withdraw(
            document=document, actor=request.user, client=client_label(request._request, "api")
        )
        return Response(_document_payload(request, document_id))


class AbsencesView(generics.ListCreateAPIView):
    """My absences; adding one routes my items to the substitute for those dates (대결)."""

    serializer_class = AbsenceSerializer

    def get_queryset(self):
        return selectors.absences_of(self.request.user)

    @extend_schema(responses={201: AbsenceSerializer, 400: ErrorSerializer})
    def post(self, request):
        """Name my substitute for some dates (never myself)."""
        serializer = AbsenceSerializer(data=request.data)
        if not serializer.is_valid():
            return _invalid(serializer)
        data = serializer.validated_data
        absence = services.set_absence(
            approver=request.user,
            substitute=data["substitute"],
            start_date=data["start_date"],
            end_date=data["end_date"],
        )
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)
