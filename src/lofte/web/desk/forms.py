"""The desk's forms: uploading a delivery and ordering a results report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lofte.web.forms import choice_field

MAX_UPLOAD_BYTES = 2 * 1024**3


class UploadForm(forms.Form):
    """A delivery file with the period it covers (optional)."""

    file = forms.FileField(label=_("Leveransfil (CSV, XLSX eller Parquet)"), allow_empty_file=False)
    window_from = forms.DateField(
        label=_("Period från (valfritt)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    window_to = forms.DateField(
        label=_("Period till (valfritt)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self) -> Any:
        """Refuse a file larger than the upload limit."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen är för stor."))
        return upload

    def clean(self) -> dict[str, Any]:
        """Refuse a period that ends before it starts."""
        data = super().clean() or {}
        first, last = data.get("window_from"), data.get("window_to")
        if first and last and first > last:
            self.add_error("window_to", _("Periodens slut är före dess början."))
        return data


class ReportForm(forms.Form):
    """Which results report to write: healthcare region and half-year."""

    healthcare_region = forms.ChoiceField(label=_("Sjukvårdsregion"), choices=())
    period = forms.RegexField(
        label=_("Period (t.ex. 2025H1)"), regex=r"^\d{4}(H[12])?$", max_length=6
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from lofte.catalog import load

        choice_field(self, "healthcare_region").choices = [
            (r.code, r.name) for r in load().healthcare_regions()
        ]
