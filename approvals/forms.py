"""Forms of the approval pages: a free-form document, a decision, an absence."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.selectors import approver_chain, members_of
from core import clock

from .models import DocumentType

# Forms load after the app registry (through views), so the user model is known here.
User = get_user_model()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        parts = [obj.full_name or obj.username]
        if obj.position_id:
            parts.append(str(obj.position))
        if obj.department_id:
            parts.append(str(obj.department))
        return " · ".join(parts)


def colleagues_for(user: User) -> list[User]:
    """People an applicant may add as reviewers: their division (or their own unit)."""
    if user.department_id is None:
        return []
    department = user.department
    # A team's colleagues are its whole division; the kinds come from accounts' own model.
    is_team = department.kind == type(department).Kind.TEAM
    scope = department.parent if is_team and department.parent_id else department
    return [p for p in members_of([scope]) if p.pk != user.pk]


def heads_for_cooperation(user: User) -> list[User]:
    """Heads of other units, who may be asked to cooperate (협조)."""
    chain_ids = {p.pk for p in approver_chain(user)} | {user.pk}
    return list(
        User.objects.filter(headed_departments__isnull=False, is_active=True)
        .exclude(pk__in=chain_ids)
        .select_related("position", "department")
        .distinct()
        .order_by("full_name")
    )


class DocumentForm(forms.Form):
    doc_type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=DocumentType.objects.filter(code__in=["general", "visit_report"]),
        to_field_name="code",
        empty_label=None,
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    reviewers = PersonChoiceField(
        label=_("Add reviewers (검토)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("They review one after another before your team lead."),
    )
    cooperators = PersonChoiceField(
        label=_("Add cooperators (협조)"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Heads of other units who cooperate, all at the same time."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["reviewers"].queryset = User.objects.filter(
            pk__in=[p.pk for p in colleagues_for(user)]
        ).select_related("position", "department")
        self.fields["cooperators"].queryset = User.objects.filter(
            pk__in=[p.pk for p in heads_for_cooperation(user)]
        ).select_related("position", "department")
        for name in ("reviewers", "cooperators"):
            self.fields[name].widget.attrs["size"] = 5

    def clean(self):
        data = super().clean()
        doc_type = data.get("doc_type")
        if doc_type is not None:
            if data.get("reviewers") and not doc_type.allow_extra_reviewers:
                self.add_error(
                    "reviewers", _("This type of document does not take extra reviewers.")
                )
            if data.get("cooperators") and not doc_type.allow_cooperators:
                self.add_error("cooperators", _("This type of document does not take cooperators."))
        return data


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ResubmitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Content"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )


class AbsenceForm(forms.Form):
    substitute = forms.ModelChoiceField(
        label=_("Substitute"),
        queryset=User.objects.none(),
        # The list leaves out the person themself, so naming oneself lands here.
        error_messages={
            "invalid_choice": _(
                "Name someone other than yourself as your substitute, from your division "
                "or above you."
            )
        },
    )
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        people = colleagues_for(user) + [p for p in approver_chain(user)]
        self.fields["substitute"].queryset = (
            User.objects.filter(pk__in={p.pk for p in people})
            .select_related("position")
            .order_by("full_name")
        )
        self.fields["substitute"].label_from_instance = lambda u: (
            f"{u.full_name or u.username} · {u.position}" if u.position_id else str(u)
        )
        today = clock.today()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = today

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data
