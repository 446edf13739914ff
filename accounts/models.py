"""People, positions, the department tree (국 → 과 → 팀), workplaces, notifications, API tokens."""

import hashlib

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Position(models.Model):
    """A civil-service position (주무관, 팀장, 과장, 국장); a higher rank approves above a lower."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("Higher numbers are more senior (e.g. 1 staff, 2 team lead).")
    )

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A unit of the office: a bureau (국) holds divisions (과), which hold teams (팀)."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Bureau (국)")
        DIVISION = "division", _("Division (과)")
        TEAM = "team", _("Team (팀)")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
        help_text=_("The team lead, division chief or bureau director who approves for it."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="department_unique_name_in_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(kind="bureau", parent__isnull=True)
                | models.Q(parent__isnull=False),
                name="department_only_bureaus_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Department"]:
        """This department and every department above it, nearest first."""
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain


class Workplace(models.Model):
    """Where a person usually works: a floor of a building, a dong center, the health center."""

    class Kind(models.TextChoices):
        HEADQUARTERS = "hq", _("Headquarters")
        DONG_CENTER = "dong", _("Dong community center")
        HEALTH_CENTER = "health", _("Public-health center")
        LIBRARY = "library", _("Library")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    building = models.CharField(_("building"), max_length=100)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        ordering = ["building", "floor"]
        verbose_name = _("workplace")
        verbose_name_plural = _("workplaces")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "floor"],
                name="workplace_unique_building_floor",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        if self.floor is None:
            return self.building
        return _("%(building)s, floor %(floor)s") % {"building": self.building, "floor": self.floor}


class User(AbstractUser):
    """A member of staff. `username` signs in; `full_name` is the Korean name shown everywhere."""

    full_name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(
        _("employee number"), max_length=20, unique=True, null=True, blank=True
    )
    mobile_phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    position = models.ForeignKey(
        Position, verbose_name=_("position"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    workplace = models.ForeignKey(
        Workplace,
        verbose_name=_("usual workplace"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    # Where the person lives, when they chose to say: used to propose the nearest center.
    home_latitude = models.FloatField(_("home latitude"), null=True, blank=True)
    home_longitude = models.FloatField(_("home longitude"), null=True, blank=True)

    notify_in_app = models.BooleanField(_("notify in the portal"), default=True)
    notify_email = models.BooleanField(_("notify by e-mail"), default=True)
    notify_push = models.BooleanField(_("notify by web push"), default=True)

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "username"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def rank(self) -> int:
        return self.position.rank if self.position_id else 0


class Notification(models.Model):
    """One in-app message to a person; e-mail and web push copies are sent by Celery."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set once e-mail and push copies have been handled: sent, switched off or given up on.
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # The sweep tries a mail server that does not answer again, a few times; what failed is
    # kept as the channel and the kind of error only, never an address or the message.
    delivery_attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    delivery_error = models.CharField(_("delivery failures"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(
                fields=["created_at"],
                name="notification_undelivered",
                condition=models.Q(delivered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PushSubscription(models.Model):
    """A browser's web-push endpoint for a person (one per device)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=500, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user} · {self.endpoint[:40]}"


class ApiToken(models.Model):
    """A script's key to the API. Only the key's SHA-256 is kept: the key is shown once.

    A token expires and can be revoked. `otp_verified` records that it was created from a
    session that passed the one-time code (or issued by an admin on the server), so requests
    with it count as verified for roles that need the one-time code.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    # The key's first characters, to tell tokens apart in a list without revealing them.
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    otp_verified = models.BooleanField(_("verified with a one-time code"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        # Keys are long random strings, so a fast hash is enough: nothing to guess from it.
        return hashlib.sha256(key.encode()).hexdigest()

    def is_usable_at(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
