"""Forms of the grants pages (Swedish labels, English through gettext)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lofte.grants import eligibility
from lofte.grants.calls import TIMELINE
from lofte.grants.models import Assessment, Call, ProjectReport
from lofte.web.forms import choice_field, model_choice_field

if TYPE_CHECKING:
    from lofte.web.plans.models import Action

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KIND_LABELS = {
    "care": _("vårdande klinik"),
    "radiology": _("radiologi"),
    "pathology": _("patologi"),
    "other": _("annan enhet"),
}
TIMELINE_LABELS = {
    "opens": _("Ansökan öppnar"),
    "deadline": _("Sista ansökningsdag"),
    "assessment_from": _("Bedömning från"),
    "assessment_to": _("Bedömning till"),
    "proposal": _("Fördelningsförslag"),
    "decision": _("Besked om medelsfördelning"),
    "publication": _("Publicering av beviljade projekt"),
    "interim_report": _("Delrapport"),
    "final_report": _("Slutrapport"),
}
assert set(TIMELINE_LABELS) == {f for f, _ in TIMELINE}


def county_choices() -> list[tuple[str, str]]:
    """The 21 regions as form choices, "Name (code)", from the catalogue in force."""
    from lofte.catalog import load

    return [(r.code, f"{r.name} ({r.code})") for r in load().counties()]


def indicator_choices() -> list[tuple[str, str]]:
    """The catalogue's indicators as form choices, "Swedish name (code)", for the indicators a
    project aims to improve."""
    from lofte.catalog import load

    return [(i.code, f"{i.name_sv} ({i.code})") for i in load().indicators.values()]


class TimelineForm(forms.Form):
    """The call's dates; opening and deadline are required, the others may be left empty."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, _words in TIMELINE:
            self.fields[name] = forms.DateField(
                label=TIMELINE_LABELS[name],
                required=name in ("opens", "deadline"),
                widget=DATE,
            )


class CallForm(TimelineForm):
    """A new call (rcc_admin): title, year, areas, the largest amount per application, the
    eligibility rule, the conflict-of-interest rule and the timeline."""

    title = forms.CharField(label=_("Rubrik"), max_length=300)
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    areas = forms.CharField(
        label=_("Områden (skilda med ;)"),
        max_length=500,
        help_text=_("Varje område ska ha en pott för året i huvudboken."),
    )
    budget = forms.IntegerField(
        label=_("Största belopp per ansökan (kr)"), required=False, min_value=1
    )
    eligibility = forms.CharField(
        label=_("Behörighetsregel"),
        initial="any",
        max_length=300,
        help_text=_(
            "regions>=N, diagnostics_regions>=N, care_and_diagnostics_same_region eller any; "
            "alternativ skiljs med |"
        ),
    )
    conflict_rule = forms.ChoiceField(
        label=_("Jäv"),
        choices=[
            ("region", _("bedömare från de sökandes regioner får inte bedöma")),
            ("unit", _("bedömare från de sökande enheterna får inte bedöma")),
        ],
    )

    field_order = ["title", "year", "areas", "budget", "eligibility", "conflict_rule"]

    def clean_eligibility(self) -> str:
        """Refuse a rule that :func:`lofte.grants.eligibility.parse` cannot read, with its message,
        before the call is created."""
        rule = self.cleaned_data["eligibility"].strip()
        try:
            eligibility.parse(rule)
        except eligibility.RuleError as exc:
            raise forms.ValidationError(str(exc)) from None
        return rule


class CriterionForm(forms.Form):
    """One assessment criterion of a call: name, description, weight and the top of its scale."""

    name = forms.CharField(label=_("Kriterium"), max_length=200)
    description = forms.CharField(label=_("Beskrivning"), required=False, max_length=1000)
    weight = forms.IntegerField(label=_("Vikt"), min_value=1, max_value=100, initial=1)
    scale_max = forms.IntegerField(label=_("Skala 1 till"), min_value=2, max_value=10, initial=5)


class AssessorForm(forms.Form):
    """An assessor added to a call's panel by user name, with the unit and region that decide her
    conflicts of interest, and whether she sits on the patient council."""

    username = forms.CharField(label=_("Användarnamn"), max_length=150)
    unit = forms.CharField(label=_("Enhet"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    patient_council = forms.BooleanField(label=_("Patientrådsledamot"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "region").choices = [("", "–"), *county_choices()]


class _ActionsField(forms.ModelMultipleChoiceField):
    """Open actions of the action plans, named with plan, reference and the start of the title."""

    def label_from_instance(self, obj: Action) -> str:
        return f"{obj.goal.area.plan.slug} {obj.ref}: {obj.title[:80]}"


class ApplicationForm(forms.Form):
    """An application's own fields; the areas offered are the call's, the actions the open actions
    of every action plan."""

    title = forms.CharField(label=_("Projektets titel"), max_length=300)
    area = forms.ChoiceField(label=_("Område"))
    aims = forms.CharField(label=_("Syfte och mål"), widget=forms.Textarea(attrs={"rows": 5}))
    requested = forms.IntegerField(label=_("Sökt belopp (kr)"), min_value=1)
    indicators = forms.MultipleChoiceField(
        label=_("Indikatorer som projektet ska förbättra"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    actions = _ActionsField(
        label=_("Åtgärder i handlingsplanerna som projektet ska föra framåt"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        from lofte.web.plans.models import OPEN, Action

        super().__init__(*args, **kwargs)
        areas = [a.strip() for a in call.areas.split(";") if a.strip()]
        choice_field(self, "area").choices = [(a, a) for a in areas]
        choice_field(self, "indicators").choices = indicator_choices()
        model_choice_field(self, "actions").queryset = (
            Action.objects.filter(status__in=OPEN)
            .select_related("goal__area__plan")
            .order_by("goal__area__plan__slug", "ref")
        )


class ApplicantRow(forms.Form):
    """One applicant unit (a row of ``ApplicantRows``); an empty row is ignored."""

    unit = forms.CharField(label=_("Enhet"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    kind = forms.ChoiceField(label=_("Typ"), choices=list(KIND_LABELS.items()), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "region").choices = [("", "–"), *county_choices()]

    def clean(self) -> dict[str, Any]:
        """A named unit needs its region, which the eligibility and conflict rules read."""
        data = super().clean() or {}
        if data.get("unit", "").strip() and not data.get("region"):
            self.add_error("region", _("Ange regionen för enheten."))
        return data


class BudgetRow(forms.Form):
    """One line of an application's budget (a row of ``BudgetRows``); an empty row is ignored."""

    label = forms.CharField(label=_("Budgetpost"), max_length=300, required=False)
    amount = forms.IntegerField(label=_("Belopp (kr)"), min_value=0, required=False)

    def clean(self) -> dict[str, Any]:
        """A budget line needs both what it is for and its amount."""
        data = super().clean() or {}
        if data.get("label", "").strip() and data.get("amount") is None:
            self.add_error("amount", _("Ange beloppet."))
        if data.get("amount") and not data.get("label", "").strip():
            self.add_error("label", _("Ange vad beloppet gäller."))
        return data


ApplicantRows = forms.formset_factory(ApplicantRow, extra=0, min_num=4, max_num=12)
BudgetRows = forms.formset_factory(BudgetRow, extra=0, min_num=6, max_num=30)


class AttachmentForm(forms.Form):
    """A file attached to a draft; :mod:`lofte.grants.files` checks its content."""

    file = forms.FileField(label=_("Fil (PDF eller XLSX)"))


class AssessmentForm(forms.Form):
    """An assessor's scores, one choice per criterion of the call, with the justification and the
    recommendation."""

    justification = forms.CharField(
        label=_("Motivering"), widget=forms.Textarea(attrs={"rows": 5}), min_length=20
    )
    recommendation = forms.ChoiceField(
        label=_("Rekommendation"), choices=Assessment.Recommendation.choices
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.name} ({_('vikt')} {c.weight})",
                choices=[("", "–"), *((str(i), str(i)) for i in range(1, c.scale_max + 1))],
                coerce=int,
                help_text=c.description,
            )

    def scores(self) -> dict[int, int]:
        """The scores of a valid form by criterion id, as
        :func:`lofte.grants.assessment.save_assessment` takes them."""
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class DecisionForm(forms.Form):
    """A decision on an application: the amount granted (0 rejects) and the reason for going beyond
    the pool's budget, when it does."""

    amount = forms.IntegerField(label=_("Beviljat belopp (kr, 0 = avslag)"), min_value=0)
    override_reason = forms.CharField(
        label=_("Skäl för dispens (bara om beslutet går utöver potten)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportForm(forms.Form):
    """A project's interim or final report: the summary and its A3 sheet."""

    kind = forms.ChoiceField(label=_("Rapport"), choices=ProjectReport.Kind.choices)
    summary = forms.CharField(
        label=_("Läget i projektet"), widget=forms.Textarea(attrs={"rows": 5}), min_length=20
    )
    a3 = forms.FileField(label=_("A3-sammanfattning (PDF eller XLSX)"))


class PaymentForm(forms.Form):
    """A payment to a granted project and what it is for."""

    amount = forms.IntegerField(label=_("Utbetalt belopp (kr)"), min_value=1)
    label = forms.CharField(label=_("Avser"), max_length=300, required=False)


class DueDatesForm(forms.Form):
    """A project's own report due dates; empty falls back to the call's dates."""

    interim_due = forms.DateField(label=_("Delrapport senast"), required=False, widget=DATE)
    final_due = forms.DateField(label=_("Slutrapport senast"), required=False, widget=DATE)


def _whatif_choices() -> dict[str, list[tuple[str, str]]]:
    """The public what-if cells and the grid's scenarios, in the user's language."""
    from django.utils.translation import get_language

    from lofte.core import whatif as core
    from lofte.core.period_names import period_name
    from lofte.cube.whatif import STEPS
    from lofte.grants.whatif import scenario_key
    from lofte.web.whatif import public

    lang = "en" if (get_language() or "sv").startswith("en") else "sv"
    options = public.choices()
    blank = [("", "–")]
    return {
        "region": blank + [(code, sv) for code, sv, _en in options.regions],
        "pathway": blank + [(i, en if lang == "en" else sv) for i, sv, en in options.pathways],
        "period": blank + [(p, period_name(p, lang)) for p in options.periods],
        "scenario": blank
        + [
            (
                scenario_key(s.interval, s.amount),
                _("%(step)s, %(days)s dagar fortare")
                % {"step": STEPS[s.interval].name_in(lang), "days": s.amount},
            )
            for s in core.PUBLIC_GRID
        ],
    }


class WhatIfRow(forms.Form):
    """One cited *Vad händer om…?* result: a public cell and a scenario of the public grid.
    Valid only where the public site shows it; the outcome is recomputed, never read from the
    form (``cleaned_data["cited"]``)."""

    region = forms.ChoiceField(label=_("Sjukvårdsregion"), required=False)
    pathway = forms.ChoiceField(label=_("Vårdförlopp"), required=False)
    period = forms.ChoiceField(label=_("Halvår"), required=False)
    scenario = forms.ChoiceField(label=_("Scenario"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in _whatif_choices().items():
            choice_field(self, name).choices = choices

    def clean(self) -> dict[str, Any]:
        """Accept a complete row only when the public site shows that cell and scenario, and put
        the recomputed result in ``cited``; an empty row is ignored."""
        from lofte.grants import whatif

        data = super().clean() or {}
        values = [data.get(f) for f in ("region", "pathway", "period", "scenario")]
        if not any(values):
            return data
        if not all(values):
            raise forms.ValidationError(_("Välj region, vårdförlopp, halvår och scenario."))
        key = whatif.parse_key(data["scenario"])
        assert key is not None  # a choice of the grid
        outcome = whatif.published(data["region"], data["pathway"], data["period"], *key)
        if outcome is None:
            raise forms.ValidationError(
                _(
                    "Resultatet visas inte på den publika webbplatsen (röjandekontroll eller "
                    "inga förlopp) och kan därför inte citeras."
                )
            )
        data["cited"] = whatif.Cited(
            data["region"], data["pathway"], data["period"], key[0], key[1], outcome
        )
        return data


WhatIfRows = forms.formset_factory(WhatIfRow, extra=0, min_num=2, max_num=6)
