"""URLs of the rpa app: pages under /rpa/, the API under /api/v1/rpa/, the self-check at /s/."""

from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.uploads, name="uploads"),
    path("<int:pk>/", views.upload_detail, name="upload_detail"),
    path("<int:pk>/sheet.xlsx", views.download_sheet, name="download_sheet"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/stop/", views.stop, name="stop"),
    path("<int:pk>/resend-failed/", views.resend_failed, name="resend_failed"),
    path("<int:pk>/uncertain/lookup/", views.lookup_uncertain, name="lookup_uncertain"),
    path("<int:pk>/uncertain/resend/", views.resend_uncertain, name="resend_uncertain"),
    path("reports/", views.request_report, name="request_report"),
    path("reports/today/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.download_report, name="download_report"),
    path("reports/<int:pk>/retry/", views.retry_report, name="retry_report"),
    path("self-checks/", views.self_checks, name="self_checks"),
    path("self-checks/calls/", views.call_list, name="call_list"),
    path("self-checks/calls/<int:recipient_id>/", views.record_call, name="record_call"),
    path("self-checks/missing/", views.missing_checks, name="missing_checks"),
]

api_urlpatterns = [
    path("rpa/uploads/", api.upload_create, name="uploads"),
    path("rpa/uploads/<int:pk>/", api.upload_detail, name="upload"),
    path("rpa/uploads/<int:pk>/send/", api.upload_send, name="send"),
    path("rpa/uploads/<int:pk>/stop/", api.upload_stop, name="stop"),
    path("rpa/uploads/<int:pk>/resend-failed/", api.upload_resend_failed, name="resend_failed"),
    path("rpa/uploads/<int:pk>/messages/", api.upload_messages, name="messages"),
    path("rpa/selfchecks/", api.selfchecks, name="selfchecks"),
    path(
        "rpa/uploads/<int:pk>/uncertain/lookup/",
        api.upload_lookup_uncertain,
        name="lookup_uncertain",
    ),
    path(
        "rpa/uploads/<int:pk>/uncertain/resend/",
        api.upload_resend_uncertain,
        name="resend_uncertain",
    ),
]

root_urlpatterns = [
    path("s/<str:token>/", views.selfcheck, name="rpa-selfcheck"),
    path("s/<str:token>/done/", views.selfcheck_done, name="rpa-selfcheck-done"),
]
