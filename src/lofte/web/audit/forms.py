"""The audit log's filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lofte.web.audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    """Filters of the audit log page: event, user, region and dates."""

    action = forms.ChoiceField(
        label=_("Händelse"),
        required=False,
        choices=[("", _("Alla")), *AuditEvent.Action.choices],
    )
    user = forms.CharField(label=_("Användare"), required=False, max_length=150)
    region = forms.CharField(label=_("Region"), required=False, max_length=8)
    date_from = forms.DateField(
        label=_("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
