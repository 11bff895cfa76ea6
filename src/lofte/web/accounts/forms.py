"""The user administration form: who a person is, their role and the regions and pathways they
may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from lofte.web.forms import choice_field
from lofte.web.roles import ROLES


def _region_choices() -> list[tuple[str, str]]:
    from lofte.catalog import load

    return [(str(r.code), f"{r.code} {r.name}") for r in load().counties()]


def _pathway_choices() -> list[tuple[str, str]]:
    from lofte.catalog import load

    return [(p.id, p.name_sv) for p in load().pathways.values()]


class UserForm(forms.Form):
    """Create or edit a staff account: names, e-mail, password, roles and scope."""

    username = forms.RegexField(
        label=_("Användarnamn"), max_length=150, regex=r"^[\w.@+-]+$", required=True
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roller"), choices=(), widget=forms.CheckboxSelectMultiple, required=False
    )
    regions = forms.MultipleChoiceField(
        label=_("Regioner (länskod)"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pathways = forms.MultipleChoiceField(
        label=_("Vårdförlopp (tomt: alla)"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(label=_("Aktivt konto"), required=False, initial=True)
    password = forms.CharField(
        label=_("Lösenord"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Lämna tomt för att behålla lösenordet."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        choice_field(self, "roles").choices = [(k, str(v)) for k, v in ROLES.items()]
        choice_field(self, "regions").choices = _region_choices()
        choice_field(self, "pathways").choices = _pathway_choices()
        if editing:
            self.fields["username"].disabled = True
        else:
            self.fields["password"].help_text = ""

    def clean_username(self) -> str:
        """Refuse a user name that another account already has (when creating)."""
        name: str = self.cleaned_data["username"]
        if not self.editing and get_user_model().objects.filter(username=name).exists():
            raise forms.ValidationError(_("Användarnamnet finns redan."))
        return name

    def clean_password(self) -> str:
        """Check a new password against Django's password validators."""
        password: str = self.cleaned_data.get("password") or ""
        if password:
            password_validation.validate_password(password)
        return password

    def clean(self) -> dict[str, Any]:
        """Require at least one region for an SVF coordinator."""
        data = super().clean() or {}
        if "svf_coordinator" in data.get("roles", []) and not data.get("regions"):
            self.add_error("regions", _("En SVF-samordnare måste ha minst en region."))
        return data
