"""Pages under /centers/ and the API under /api/v1/."""

from django.urls import path

from . import views
from .api import api_urlpatterns  # noqa: F401  (mounted under /api/v1/ by config.urls)

urlpatterns = [
    path("", views.book, name="book"),
    path("<int:center_id>/", views.center_seats, name="center"),
    path("<int:center_id>/waitlist/", views.join_waitlist, name="join_waitlist"),
    path("seats/<int:seat_id>/book/", views.book_seat, name="book_seat"),
    path("mine/", views.mine, name="mine"),
    path("bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("waitlist/<int:entry_id>/leave/", views.leave_waitlist, name="leave_waitlist"),
    path("check-in/<str:token>/", views.check_in, name="check_in"),
    path("stats/", views.stats, name="stats"),
    path("stats/occupancy.csv", views.stats_csv, name="stats_csv"),
]
