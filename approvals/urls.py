"""URLs of approvals: pages under /approvals/, the API under /api/v1/approvals/, the web app."""

from django.urls import path, re_path

from . import api, views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("approve-selected/", views.bulk_approve, name="bulk_approve"),
    path("new/", views.new, name="new"),
    path("new/line/", views.line_preview, name="line_preview"),
    path("sent/", views.sent, name="sent"),
    path("absences/", views.absences, name="absences"),
    path("<int:document_id>/", views.detail, name="detail"),
    path("<int:document_id>/approve/", views.approve, name="approve"),
    path("<int:document_id>/return/", views.return_, name="return"),
    path("<int:document_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:document_id>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:document_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
]

api_urlpatterns = [
    path("approvals/inbox/", api.InboxView.as_view(), name="inbox"),
    path("approvals/absences/", api.AbsencesView.as_view(), name="absences"),
    path("approvals/line/", api.LinePreviewView.as_view(), name="line"),
    # Permissive ids: a malformed id still gets the API's JSON 404, not an HTML page.
    re_path(r"^approvals/(?P<document_id>[^/]+)/$", api.DocumentView.as_view(), name="document"),
    re_path(
        r"^approvals/(?P<document_id>[^/]+)/approve/$", api.ApproveView.as_view(), name="approve"
    ),
    re_path(r"^approvals/(?P<document_id>[^/]+)/return/$", api.ReturnView.as_view(), name="return"),
    re_path(
        r"^approvals/(?P<document_id>[^/]+)/withdraw/$",
        api.WithdrawView.as_view(),
        name="withdraw",
    ),
]

root_urlpatterns = [
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="webmanifest"),
    path("sw.js", views.service_worker, name="service_worker"),
]
