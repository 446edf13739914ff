"""Sign-in forms with the autocomplete hints phones use to fill them in."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
