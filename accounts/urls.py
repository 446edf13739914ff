"""URLs of accounts: pages under /accounts/ (sign-in, one-time codes, settings), the API's /me/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .api import api_urlpatterns  # noqa: F401  (mounted under /api/v1/ by config.urls)

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/", views.otp_verify, name="otp_verify"),
    path("otp/enrol/", views.otp_enrol, name="otp_enrol"),
    path("otp/backup-codes/", views.backup_codes, name="backup_codes"),
    path("confirm/", views.reauthenticate, name="reauthenticate"),
    path("notifications/", views.notification_list, name="notifications"),
    path("settings/", views.preferences, name="preferences"),
    path("settings/tokens/", views.create_api_token, name="create_api_token"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="push_unsubscribe"),
]
