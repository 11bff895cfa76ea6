"""What the *Vad händer om…?* page shows: scoped to the user's regions and pathways here.

Internal figures (SPEC §1): staff see them without disclosure control, with the cells a public
output would blank marked, as on the desk's *Interna siffror*.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lofte.catalog import load
from lofte.core import periods
from lofte.core import whatif as core
from lofte.core.period_names import period_name
from lofte.cube import service as cube_service
from lofte.cube import whatif
from lofte.web.roles import (
    NATIONAL_ROLES,
    PROCESS_LEADER,
    RCC_ADMIN,
    has_role,
    pathways_of,
    regions_of,
    require_region,
    sees_internal,
)

#: The component intervals: (indicator stem, name), the names from gettext (ADR 0725).
STEPS = whatif.STEPS
#: The scenario kinds with their Swedish labels (the template translates them).
KINDS = ("shorten", "cap", "slowest")


def areas(user: Any, county: str) -> list[str]:
    """The regions the user may choose from the county's page: the county, and for RCC staff
    its healthcare region and the nation."""
    require_region(user, county)
    if not has_role(user, *NATIONAL_ROLES):
        return [county]
    return load().lineage(county)


def allowed_pathways(user: Any) -> list[tuple[str, str]]:
    """(id, name in the current language) of the pathways the user may see, with ``alla``
    first for users without a pathway scope."""
    catalog = load()
    allowed = pathways_of(user)
    english = (get_language() or "sv").startswith("en")
    rows = [
        (p.id, p.name_en if english else p.name_sv)
        for p in catalog.pathways.values()
        if allowed is None or p.id in allowed
    ]
    return ([("alla", _("Alla vårdförlopp"))] if allowed is None else []) + rows


def require_pathway(user: Any, pathway: str) -> None:
    """Refuses (403) a pathway outside the user's pathways (process leaders see only theirs)."""
    allowed = pathways_of(user)
    if allowed is not None and pathway not in allowed:
        raise PermissionDenied(f"ingen behörighet för vårdförloppet {pathway}")


def period_choices(latest: dt.date | None, years: int = 4) -> list[str]:
    """Years, halves and quarters of the last ``years`` years up to the data's latest end date,
    latest first."""
    if latest is None:
        return []
    out: list[str] = []
    for kind_index in (1, 0, 2):  # halves, years, quarters
        last = periods.labels_for(latest)[kind_index]
        first = periods.shift(last, -(years * (1, 2, 4)[kind_index] - 1))
        out.extend(reversed(periods.range_of(first, last)))
    return out


@dataclass
class Result:
    """A what-if selection's answer: its patients, the chosen scenario's outcome and the table
    of every interval shortened by the table's days."""

    patients: int
    outcome: core.Outcome | None
    table: list[whatif.Row]
    latest: dt.date | None


_cache: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def instances() -> Any:
    """The population table (closed, national end, a target) of the instance file, kept per
    process until the file changes; NoInstances before a compute."""
    path = cube_service.instances_path()
    stat = path.stat() if path.is_file() else None
    key = (str(path), stat and stat.st_mtime_ns, stat and stat.st_size)
    with _lock:
        if key in _cache:
            return _cache[key]
    table = whatif.read(path)
    with _lock:
        _cache.clear()
        _cache[key] = table
    return table


def latest_end(table: Any) -> dt.date | None:
    """The last end date among the instances of ``table`` (None when it is empty)."""
    if table.num_rows == 0:
        return None
    value = pc.max(table.column("end_date")).as_py()
    return value if isinstance(value, dt.date) else None


def compute(
    table: Any,
    *,
    area: str,
    pathway: str,
    period: str,
    basis: str,
    scenario: core.Scenario | None,
    pathways: list[str],
) -> Result:
    """The scenario on the selection, and the "shortened by 7 days" table of the area."""
    cell = whatif.cell_patients(table, region=area, period=period, basis=basis)
    patients = [p for pw, p in cell if pathway == "alla" or pw == pathway]
    outcome = core.outcome(patients, scenario) if scenario is not None and patients else None
    return Result(len(patients), outcome, whatif.rows_of(cell, pathways), latest_end(table))


def _change(now: dict[str, Any] | None, before: dict[str, Any] | None) -> float | None:
    """``now`` minus ``before`` (None when either value is missing)."""
    if not now or not before or now["value"] is None or before["value"] is None:
        return None
    return float(now["value"] - before["value"])


def interval_cells(area: str, pathway: str, period: str, basis: str) -> list[dict[str, Any]]:
    """*Var dagarna går*: per interval the cube's median, quartiles and median among those who
    missed the lead time, for the period and the same period a year earlier, with the change
    of each (internal: unsuppressed, with the cells a public output would blank marked)."""
    path = cube_service.cube_path()
    if not path.exists():
        return []
    try:
        earlier = periods.same_period_previous_year(period)
    except ValueError:
        earlier = period
    kinds = ("median", "p25", "p75", "missad_median")
    codes = [f"svf_{kind}_{stem}" for stem, _ in STEPS for kind in kinds]
    table = pq.read_table(
        path,
        filters=[
            ("region", "=", area),
            ("pathway", "=", pathway),
            ("treatment", "=", "alla"),
            ("region_basis", "=", basis),
            ("period", "in", [period, earlier]),
            ("indicator", "in", codes),
        ],
        columns=["indicator", "period", "value", "denominator", "suppressed"],
    )
    cells = {(r["indicator"], r["period"]): r for r in table.to_pylist()}
    names = {"median": "median", "p25": "p25", "p75": "p75", "missad_median": "missed"}
    rows = []
    for step in STEPS:
        row: dict[str, Any] = {
            "stem": step.stem,
            "label_sv": step.name_in("sv"),
            "label_en": step.name_in("en"),
        }
        for kind, name in names.items():
            now = cells.get((f"svf_{kind}_{step.stem}", period))
            before = cells.get((f"svf_{kind}_{step.stem}", earlier)) if earlier != period else None
            row[name] = now
            row[f"{name}_earlier"] = before
            row[f"{name}_change"] = _change(now, before)
        rows.append(row)
    return rows


def costliest(rows: list[dict[str, Any]], key: str = "missed") -> str | None:
    """The interval with the longest median among those who missed the lead time (``key``
    ``missed_earlier``: a year earlier). Not the gap board's "largest effect if 7 days
    shorter" (:func:`lofte.cube.whatif.costliest`): a long interval may move few patients."""
    found = [
        (r[key]["value"], -i, r["stem"])
        for i, r in enumerate(rows)
        if r[key] and r[key]["value"] is not None
    ]
    return max(found)[2] if found else None


def citable_actions(user: Any, limit: int = 300) -> list[Any]:
    """The plan actions the user may edit (to cite a result in), lead-time actions first."""
    from lofte.web.plans.models import Action
    from lofte.web.plans.services import can_edit

    if not has_role(user, RCC_ADMIN, PROCESS_LEADER):
        return []  # nobody else edits an action (lofte.web.plans.services.can_edit)
    actions = (
        Action.objects.select_related("goal__area__plan")
        .prefetch_related("links", "responsible_users")
        .order_by("goal__area__plan__name", "goal_id", "position")
    )
    # Who may edit decides first, then the cut: a process leader's actions may come after any
    # number of others in the plans' order.
    editable = [a for a in actions if can_edit(user, a)]
    editable.sort(key=lambda a: "svf_andel_inom_ledtid" not in a.codes("indicator"))
    return editable[:limit]


def cite(user: Any, action: Any, selection: Any, period: str, outcome: core.Outcome) -> Any:
    """Store the citation of ``outcome`` on ``action``."""
    from lofte.web.whatif.models import Citation

    scenario = outcome.scenario
    return Citation.objects.create(
        action=action,
        user=user,
        county=selection.region,
        area=selection.area,
        pathway=selection.pathway,
        period=period,
        basis=selection.basis,
        interval=scenario.interval,
        kind=scenario.kind,
        amount=scenario.amount,
        n=outcome.n,
        within_before=outcome.within_before,
        within_after=outcome.within_after,
    )


def pathway_name(pathway: str, lang: str) -> str:
    """The pathway's name in ``lang`` (``alla``: all pathways; an unknown id as it is)."""
    if pathway == "alla":
        return _("Alla vårdförlopp")
    found = load().pathways.get(pathway)
    if found is None:
        return pathway
    return found.name_en if lang == "en" else found.name_sv


def period_label(label: str, lang: str) -> str:
    """A period label in words in ``lang`` (:func:`lofte.core.period_names.period_name`)."""
    return period_name(label, lang)


@dataclass
class ShownCitation:
    """A plan action's what-if citation as one reader may see it. ``figures``: ``"cited"`` (the
    counts as cited, for a reader with the selection's internal figures), ``"published"``
    (today's figures where the public site shows the scenario, in ``published``) or ``""``
    (the scenario and the selection in words only)."""

    citation: Any
    region: str
    pathway: str
    period: str
    figures: str
    published: core.Outcome | None
    url: str


def shown_citations(user: Any, action: Any, lang: str) -> list[ShownCitation]:
    """The action's citations for ``user`` (SPEC §1, §7): every staff role reads an action, but
    only a reader with the cited selection's internal figures sees its unsuppressed counts;
    anyone else sees a figure only where the public what-if gate shows it today (ADR 0610)."""
    from lofte.web.whatif import public

    catalog = load()
    out = []
    for c in action.whatif_citations.all():
        region = catalog.regions.get(c.area)
        internal = sees_internal(user, c.area, c.pathway)
        shown = None
        if not internal and c.kind == "shorten" and c.basis == whatif.PUBLIC_BASIS:
            shown = public.published(c.area, c.pathway, c.period, c.interval, c.amount)
        out.append(
            ShownCitation(
                citation=c,
                region=region.name if region is not None else c.area,
                pathway=pathway_name(c.pathway, lang),
                period=period_label(c.period, lang),
                figures="cited" if internal else ("published" if shown is not None else ""),
                published=shown,
                url=c.url() if internal and c.county in regions_of(user) else "",
            )
        )
    return out
