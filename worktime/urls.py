"""URLs of flexible work: pages under /worktime/ (with 근무상황 under away/), the API under
/api/v1/worktime/."""

from django.urls import path

from . import api, views
from .away import api as away_api
from .away import views as away_views

urlpatterns = [
    path("", views.month, name="month"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/revise/", views.request_revise, name="request_revise"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("board/", views.board, name="board"),
    path("calendar/", views.ical_settings, name="ical_settings"),
    path("calendar/<str:token>.ics", views.ical, name="ical"),
    path("export/", views.export, name="export"),
    path("statistics/", views.stats, name="stats"),
    path("closures/", views.closure_list, name="closures"),
    path("closures/<int:pk>/", views.closure_detail, name="closure_detail"),
    path("away/", away_views.away_list, name="away_list"),
    path("away/new/", away_views.away_new, name="away_new"),
    path("away/<int:pk>/", away_views.away_detail, name="away_detail"),
    path("away/<int:pk>/withdraw/", away_views.away_withdraw, name="away_withdraw"),
    path("away/<int:pk>/cancel/", away_views.away_cancel, name="away_cancel"),
    path("away/import/", away_views.away_import, name="away_import"),
]

api_urlpatterns = [
    path("worktime/requests/", api.RequestListCreate.as_view(), name="requests"),
    path("worktime/requests/preview/", api.RequestPreview.as_view(), name="request_preview"),
    path("worktime/requests/<int:pk>/", api.RequestDetail.as_view(), name="request"),
    path(
        "worktime/requests/<int:pk>/withdraw/",
        api.RequestWithdraw.as_view(),
        name="request_withdraw",
    ),
    path("worktime/requests/<int:pk>/cancel/", api.RequestCancel.as_view(), name="request_cancel"),
    path("worktime/requests/<int:pk>/revise/", api.RequestRevise.as_view(), name="request_revise"),
    path("worktime/board/", api.Board.as_view(), name="board"),
    path("worktime/away/", away_api.AwayRecordListCreate.as_view(), name="away_records"),
    path("worktime/away/<int:pk>/", away_api.AwayRecordDetail.as_view(), name="away_record"),
    path("worktime/away/kinds/", away_api.AwayKindList.as_view(), name="away_kinds"),
]
