"""Sign-in forms with the autocomplete hints phones use to fill them in, and API tokens."""

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from .models import User


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OneTimeCodeField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            label=_("One-time code"),
            max_length=16,
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "autofocus": True,
                    "autocapitalize": "none",
                    "spellcheck": "false",
                }
            ),
            help_text=_(
                "The 6-digit code from your authenticator app, or one of your backup codes."
            ),
            **kwargs,
        )

    def clean(self, value):
        return "".join(super().clean(value).split())


class OneTimeCodeForm(forms.Form):
    otp_token = OneTimeCodeField()


class NotificationPreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email", "notify_in_app", "notify_email", "notify_push"]


class ReauthenticateForm(forms.Form):
    """The password, or a current one-time code for those with an authenticator."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    otp_token = OneTimeCodeField(required=False)

    def __init__(self, *args, request, has_device: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["otp_token"].widget.attrs.pop("autofocus", None)
        if not has_device:
            del self.fields["otp_token"]

    def clean(self):
        user = self.request.user
        password = self.cleaned_data.get("password")
        code = self.cleaned_data.get("otp_token")
        if not password and not code:
            raise forms.ValidationError(_("Enter your password or a current one-time code."))
        if password:
            # Through the authentication backends, so wrong passwords count towards lockout.
            confirmed = authenticate(self.request, username=user.username, password=password)
            if confirmed is None or confirmed.pk != user.pk:
                raise forms.ValidationError(_("That password is not right. Try again."))
        elif match_token(user, code) is None:
            raise forms.ValidationError(
                _("That code is not valid. Enter the newest code from your authenticator app.")
            )
        return self.cleaned_data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        help_text=_("For example the name of the script or the computer that uses it."),
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=settings.API_TOKEN_DAYS,
        initial=settings.API_TOKEN_DAYS,
    )
