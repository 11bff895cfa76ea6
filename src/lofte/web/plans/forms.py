"""The action plans' forms: filtering and updating actions, new actions and plans, and links from
the gap board."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lofte.web.forms import choice_field, model_choice_field
from lofte.web.plans.models import Area, Goal, Plan, Status
from lofte.web.plans.planfile import SLUG

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _catalog_choices(kind: str) -> list[tuple[str, str]]:
    from lofte.catalog import load

    catalog = load()
    if kind == "indicator":
        return [(i.code, f"{i.name_sv} ({i.code})") for i in catalog.indicators.values()]
    if kind == "region":
        return [(r.code, f"{r.name} ({r.code})") for r in catalog.regions.values()]
    return [(p.id, p.name_sv) for p in catalog.pathways.values()]


class _AreaField(forms.ModelChoiceField):
    """Areas named with their plan, number and section."""

    def label_from_instance(self, obj: Area) -> str:
        section = " – " + obj.section if obj.section else ""
        return f"{obj.plan.slug}: {obj.number} {obj.name}{section}".strip()


class _GoalField(forms.ModelChoiceField):
    """Goals named with their plan, number and the start of their text."""

    def label_from_instance(self, obj: Goal) -> str:
        return f"{obj.area.plan.slug}: {obj.number} {obj.text[:90]}".strip()


class ActionFilterForm(forms.Form):
    """Filters of the action list: plan, area, status, responsible and due."""

    DUE_CHOICES = [
        ("", _("Alla")),
        ("quarter", _("Ska vara klara detta kvartal")),
        ("overdue", _("Försenade")),
    ]
    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.all(), required=False, empty_label=_("Alla")
    )
    area = _AreaField(
        label=_("Område"), queryset=Area.objects.none(), required=False, empty_label=_("Alla")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla")), *Status.choices], required=False
    )
    responsible = forms.CharField(label=_("Ansvarig"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    pathway = forms.ChoiceField(label=_("Vårdförlopp"), required=False)
    indicator = forms.ChoiceField(label=_("Indikator"), required=False)
    due = forms.ChoiceField(label=_("Klart senast"), choices=DUE_CHOICES, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Alla"))]
        choice_field(self, "region").choices = [*everything, *_catalog_choices("region")]
        choice_field(self, "pathway").choices = [*everything, *_catalog_choices("pathway")]
        choice_field(self, "indicator").choices = [*everything, *_catalog_choices("indicator")]
        plan_id = self.data.get("plan") if self.is_bound else None
        areas = Area.objects.select_related("plan")
        if plan_id and str(plan_id).isdigit():
            areas = areas.filter(plan_id=int(plan_id))
        model_choice_field(self, "area").queryset = areas


class ActionUpdateForm(forms.Form):
    """A dated status update of an action, with comment and changed dates."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    date = forms.DateField(label=_("Datum för uppdateringen"), widget=DATE)
    comment = forms.CharField(
        label=_("Kommentar"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("Klart senast"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        """Refuse a due date before the start and an update dated in the future."""
        data = super().clean() or {}
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and start > due:
            self.add_error("due_date", _("Slutdatum kan inte ligga före startdatum."))
        day = data.get("date")
        if day and day > dt.date.today() + dt.timedelta(days=1):
            self.add_error("date", _("Datum för uppdateringen kan inte ligga i framtiden."))
        return data


class ActionCreateForm(forms.Form):
    """A new action under a goal, with its owner, dates and links."""

    goal = _GoalField(label=_("Mål i handlingsplanen"), queryset=Goal.objects.none())
    title = forms.CharField(
        label=_("Åtgärd (vad)"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    responsible = forms.CharField(label=_("Ansvarig (vem)"), max_length=500, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.PLANERAS)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("Klart senast"), required=False, widget=DATE)
    indicator = forms.ChoiceField(label=_("Indikator"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, goals: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "goal").queryset = (
            goals if goals is not None else Goal.objects.all()
        )
        choice_field(self, "indicator").choices = [("", "–"), *_catalog_choices("indicator")]
        choice_field(self, "region").choices = [("", "–"), *_catalog_choices("region")]


class PlanForm(forms.Form):
    """A new, empty plan: id, name, organisation, period and region."""

    slug = forms.CharField(
        label=_("Id"),
        max_length=80,
        help_text=_("Små bokstäver a–z, siffror och bindestreck, t.ex. kalmar-plan-2026."),
    )
    name = forms.CharField(label=_("Namn"), max_length=300)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    period = forms.CharField(label=_("Period"), max_length=60, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    area = forms.CharField(
        label=_("Första utvecklingsområdet"), max_length=300, initial="Handlingsplan"
    )
    goal = forms.CharField(label=_("Första målet"), max_length=2000, initial="Åtgärder")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "region").choices = [("", "–"), *_catalog_choices("region")]

    def clean_slug(self) -> str:
        """Refuse an id that is not a-z, 0-9 and hyphens, or that is taken."""
        slug = self.cleaned_data["slug"].strip()
        if not SLUG.match(slug):
            raise forms.ValidationError(_("Bara a–z, 0–9 och bindestreck."))
        if Plan.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Det finns redan en plan med detta id."))
        return slug


class GapLinkForm(forms.Form):
    """Link an existing action to a gap (indicator and region)."""

    action = forms.IntegerField(widget=forms.HiddenInput)
    indicator = forms.CharField(max_length=64, widget=forms.HiddenInput)
    region = forms.CharField(max_length=24, widget=forms.HiddenInput)
