"""Admin for people and the organisation; the whole admin requires an OTP-verified session."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from . import services, signin_limits
from .models import ApiToken, Department, Notification, Position, User, Workplace

# Only staff who passed the OTP step may use the admin.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Flexwork"
admin.site.site_title = "Flexwork"


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "rank"]
    ordering = ["rank"]


class MemberInline(admin.TabularInline):
    model = User
    fields = ["username", "full_name", "position", "employee_number"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "head"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "head__full_name"]
    autocomplete_fields = ["parent", "head"]
    inlines = [MemberInline]
    list_select_related = ["parent", "head"]


@admin.register(Workplace)
class WorkplaceAdmin(admin.ModelAdmin):
    list_display = ["building", "floor", "kind", "address"]
    list_filter = ["kind", "building"]
    search_fields = ["building", "address"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "full_name",
        "employee_number",
        "position",
        "department",
        "workplace",
        "is_active",
    ]
    list_filter = [
        "groups",
        "position",
        "department__parent",
        "department",
        "workplace",
        "is_active",
        "is_staff",
    ]
    search_fields = ["username", "full_name", "employee_number", "email", "department__name"]
    list_select_related = ["position", "department", "workplace"]
    autocomplete_fields = ["department"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Person"),
            {
                "fields": [
                    "full_name",
                    "employee_number",
                    "email",
                    "mobile_phone",
                    "position",
                    "department",
                    "workplace",
                    "home_latitude",
                    "home_longitude",
                ]
            },
        ),
        (_("Notifications"), {"fields": ["notify_in_app", "notify_email", "notify_push"]}),
        (
            _("Roles and permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "employee_number", "password1", "password2"],
            },
        ),
    ]
    actions = ["reset_two_factor", "unlock_sign_in"]

    @admin.action(description=_("Reset two-factor sign-in (the person enrols again)"))
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            services.reset_two_factor(user=user)
        self.message_user(
            request,
            _("Two-factor sign-in was reset for %(count)d people.") % {"count": queryset.count()},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unlock sign-in (after too many wrong passwords)"))
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            signin_limits.unlock_sign_in(user=user)
        self.message_user(
            request,
            _("Sign-in was unlocked for %(count)d people.") % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "title", "created_at", "read_at", "delivered_at"]
    list_filter = ["created_at"]
    search_fields = ["recipient__username", "title"]
    raw_id_fields = ["recipient"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are seen and revoked here; they are made on the settings page or the server,
    where the key can be shown once (the database only has its hash)."""

    list_display = [
        "name",
        "user",
        "prefix",
        "otp_verified",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["otp_verified", "created_at", "expires_at", "revoked_at"]
    search_fields = ["name", "user__username", "user__full_name", "prefix"]
    list_select_related = ["user"]
    fields = list_display
    readonly_fields = list_display
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected API tokens"))
    def revoke(self, request, queryset):
        count = services.revoke_api_tokens(tokens=queryset, now=timezone.now())
        self.message_user(
            request, _("%(count)d API tokens were revoked.") % {"count": count}, messages.SUCCESS
        )
