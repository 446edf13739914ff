"""`python manage.py issue_api_token USER [--days N] [--name NAME]`: print a new API token.

Only the key is printed, so scripts can capture it (`KEY=$(manage.py issue_api_token ...)`).
A token issued here counts as verified with a one-time code: whoever runs this command on the
server is trusted with far more than one person's account already.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = "Issue an expiring API token for USER and print the token alone."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=settings.API_TOKEN_DAYS,
            help="Days until the token expires (default: API_TOKEN_DAYS).",
        )
        parser.add_argument("--name", default="issued on the server", help="What it is for.")

    def handle(self, *args, username, days, name, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active person with the username {username!r}.")
        _token, key = services.issue_api_token(
            user=user, name=name[:100], days=days, otp_verified=True, now=timezone.now()
        )
        self.stdout.write(key)
