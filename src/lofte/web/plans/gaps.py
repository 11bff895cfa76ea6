"""The gap board (SPEC §10): every indicator × region below target, and what is done about it.

*Which* cells are gaps is not decided here: :func:`board` builds the results report's model
(:func:`lofte.reports.model.build`, the same traffic lights — :func:`lofte.reports.model.classify`
— the report draws) and takes its ``gaps``. This module adds, per gap, the size of the gap, whether
the shortfall is statistically clear (the 95 % Wilson interval lies wholly on the wrong side of
the target, where counts exist), how many consecutive periods the cell has been below target, and
the linked active actions. :func:`gap_actions` is also what the report's gap section lists, so
the board and the report always agree.

An action belongs to a gap when it is linked to the indicator and to the gap's region or to a
region that contains it (a healthcare region's action covers each of its counties).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from lofte.catalog import load
from lofte.reports.model import Gap

#: Statuses that count as a gap being acted on.
GAP_STATUSES = ("ej_paborjad", "planeras", "pagaende")


@dataclass
class GapAction:
    """An action as a gap lists it. ``owner`` is the plan's *VEM* text (never account names)."""

    pk: int
    plan: str
    plan_name: str
    ref: str
    title: str
    owner: str
    status: str
    status_label: str
    due: str | None
    overdue: bool
    users: list[str] = field(default_factory=list)


def gap_actions(
    indicator: str, region: str, today: dt.date | None = None, *, with_users: bool = False
) -> list[GapAction]:
    """The active actions linked to ``indicator`` for ``region`` (or a region containing it),
    by due date. The one definition the gap board and the report's gap section share."""
    from lofte.web.plans.models import Action, ActionLink, Status

    today = today or dt.date.today()
    ids = ActionLink.objects.filter(kind=ActionLink.Kind.INDICATOR, code=indicator).values("action")
    in_region = ActionLink.objects.filter(
        kind=ActionLink.Kind.REGION, code__in=load().lineage(region)
    ).values("action")
    actions = (
        Action.objects.filter(pk__in=ids, status__in=GAP_STATUSES)
        .filter(pk__in=in_region)
        .select_related("goal__area__plan")
        .prefetch_related("responsible_users")
        .order_by("due_date", "goal__area__plan__slug", "pk")
    )
    labels = dict(Status.choices)
    out = []
    for a in actions:
        plan = a.goal.area.plan
        out.append(
            GapAction(
                pk=a.pk,
                plan=plan.slug,
                plan_name=plan.name,
                ref=a.ref,
                title=a.title,
                owner=a.responsible,
                status=a.status,
                status_label=str(labels[a.status]),
                due=a.due_date.isoformat() if a.due_date else None,
                overdue=a.due_date is not None and a.due_date < today,
                users=sorted(u.get_username() for u in a.responsible_users.all())
                if with_users
                else [],
            )
        )
    return out


@dataclass
class GapRow(Gap):
    """A gap of the report (all its fields) with what the board adds."""

    region_name: str = ""
    shortfall: float | None = None  # how far from the target level that is not met, in the unit
    significant: bool | None = None  # None: no counts to test
    periods_below: int = 0  # consecutive periods below target, this one included
    period_kind: str = ""
    #: Issue 16, for a lead-time gap: the interval whose shortening by 7 days would have moved
    #: most of the gap's patients within the lead time (lofte.cube.whatif.costliest).
    costliest: Any = None
    #: Whether the reader may see the counts behind ``costliest`` ("+moved of n"): they come
    #: from the unsuppressed instances, so only a reader with the region's internal figures
    #: does (:func:`show_counts`); everyone else gets the interval's name only.
    costliest_counts: bool = False

    @property
    def without_action(self) -> bool:
        """Whether no action addresses the gap."""
        return not self.actions

    @property
    def overdue(self) -> bool:
        """Whether any of the gap's actions is overdue."""
        return any(a.overdue for a in self.actions)


def _level(status: str, target: float | None, target_high: float | None) -> float | None:
    """The target level the cell misses: the low one when not met, the high one when partial."""
    if target is None:
        return None
    return target_high if status == "partial" and target_high is not None else target


def shortfall(value: float | None, level: float | None, direction: str | None) -> float | None:
    """How far ``value`` is from ``level`` on the wrong side (positive: short of it)."""
    if value is None or level is None or direction is None:
        return None
    return level - value if direction == "higher_better" else value - level


def clearly_below(cell: Any, level: float | None, direction: str | None) -> bool | None:
    """The whole 95 % interval is on the wrong side of the target (None: no interval)."""
    if level is None or direction is None or cell.ci_low is None or cell.ci_high is None:
        return None
    if direction == "higher_better":
        return bool(cell.ci_high < level)
    return bool(cell.ci_low > level)


def periods_below(section: Any, region: str, period: str) -> int:
    """Consecutive periods up to ``period`` whose traffic light for ``region`` is not met."""
    from lofte.core import periods

    cells = {c.period: c for c in section.trend if c.region == region}
    for c in section.cells:
        if c.region == region:
            cells[c.period] = c
    count = 0
    label = period
    while label in cells and cells[label].status in ("not_met", "partial"):
        count += 1
        label = periods.shift(label, -1)
    return count


_cache: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def report_model(healthcare_region: str, period: str) -> Any:
    """The report's model of the healthcare region and half-year (cached per cube version)."""
    from lofte.cube.service import cube_path
    from lofte.reports.model import build, check_arguments
    from lofte.reports.service import read_report_cube

    catalog = load()
    check_arguments(healthcare_region, period, catalog)
    path = Path(cube_path())
    stat = path.stat() if path.is_file() else None
    key = (healthcare_region, period, str(path), stat and stat.st_mtime_ns, stat and stat.st_size)
    with _lock:
        if key in _cache:
            return _cache[key]
    regions = [*catalog.children(healthcare_region), healthcare_region, "SE"]
    report = build(healthcare_region, period, read_report_cube(regions, period), catalog)
    with _lock:
        _cache.clear()
        _cache[key] = report
    return report


def board(healthcare_region: str, period: str, today: dt.date | None = None) -> list[GapRow]:
    """Every gap of the report for the healthcare region and half-year, with its actions."""
    from lofte.core import periods

    catalog = load()
    today = today or dt.date.today()
    report = report_model(healthcare_region, period)
    sections = {s.code: s for s in report.sections()}
    population = _lead_time_population(report.gaps)
    rows = []
    for gap in report.gaps:
        section = sections[gap.indicator]
        cell = next(c for c in section.cells if c.region == gap.region)
        level = _level(gap.status, gap.target, gap.target_high)
        base = {f.name: getattr(gap, f.name) for f in fields(Gap)}
        base["actions"] = gap_actions(gap.indicator, gap.region, today, with_users=True)
        rows.append(
            GapRow(
                **base,
                region_name=catalog.region(gap.region).name,
                shortfall=shortfall(gap.value, level, section.direction),
                significant=clearly_below(cell, level, section.direction),
                periods_below=periods_below(section, gap.region, gap.period),
                period_kind=periods.parse(gap.period).kind,
                costliest=_costliest(population, gap),
            )
        )
    return rows


#: The indicator whose gaps get the interval with the largest effect if 7 days shorter.
LEAD_TIME_INDICATOR = "svf_andel_inom_ledtid"


def _lead_time_population(gaps: list[Gap]) -> Any:
    """The engine's lead-time population, when a gap needs it (None: no gap or no compute)."""
    if not any(g.indicator == LEAD_TIME_INDICATOR for g in gaps):
        return None
    from lofte.cube import whatif
    from lofte.cube.service import instances_path

    try:
        return whatif.read(instances_path())
    except whatif.NoInstances:
        return None


def _costliest(population: Any, gap: Gap) -> Any:
    if population is None or gap.indicator != LEAD_TIME_INDICATOR:
        return None
    from lofte.cube import whatif
    from lofte.reports.model import BASIS

    return whatif.costliest(population, region=gap.region, period=gap.period, basis=BASIS)


def show_counts(rows: list[GapRow], may_see: Any) -> list[GapRow]:
    """Mark the rows whose costliest-interval counts the reader may see: ``may_see(region)``
    (:func:`lofte.web.roles.sees_internal` for the signed-in user). The costliest
    interval is computed over all pathways (``alla``), which ADR 0610 never publishes, so no
    public gate can let anyone else see them."""
    for row in rows:
        row.costliest_counts = row.costliest is not None and bool(may_see(row.region))
    return rows


def latest_period(healthcare_region: str, today: dt.date | None = None) -> str:
    """The newest half-year with a written report for the region, else the last complete one."""
    from lofte.core.periods import labels_for
    from lofte.demo import last_complete_half_year_end
    from lofte.reports.store import list_reports

    written = [r.period for r in list_reports() if r.healthcare_region == healthcare_region]
    if written:
        from lofte.core import periods

        return max(written, key=lambda p: periods.parse(p).end)
    return labels_for(last_complete_half_year_end(today or dt.date.today()))[1]


def public_actions(indicator: str, regions: Sequence[str]) -> dict[str, list[str]]:
    """For the public site: per region, the titles of the active actions linked to the
    indicator there (or to a region containing it) – the actions :func:`gap_actions` lists,
    by due date. Titles only — never owners or accounts.

    The public pages ask for this on every page, so it is answered from one read of every
    active action's links (three queries), kept for :data:`PUBLIC_SECONDS` in the process and
    dropped at once when an action or a link is saved or deleted in it."""
    links = _active_links()
    out = {}
    catalog = load()
    for code in regions:
        found: dict[tuple[Any, ...], str] = {}
        for region in catalog.lineage(code):
            for order, title in links.get((indicator, region), ()):
                found[order] = title
        out[code] = [found[order] for order in sorted(found)]
    return out


#: Seconds a process keeps its read of the active actions for the public pages.
PUBLIC_SECONDS = 60.0
_links_lock = threading.Lock()
_links: tuple[float, dict[tuple[str, str], list[tuple[tuple[Any, ...], str]]]] | None = None


def forget_public_actions(**_: Any) -> None:
    """Drop the kept read (connected to the plans' save and delete signals)."""
    global _links
    with _links_lock:
        _links = None


def _active_links() -> dict[tuple[str, str], list[tuple[tuple[Any, ...], str]]]:
    """(indicator, linked region) → [(order, title)] of every active action (GAP_STATUSES)."""
    global _links
    import time

    from lofte.web.plans.models import Action, ActionLink

    now = time.monotonic()
    kept = _links
    if kept is not None and now - kept[0] < PUBLIC_SECONDS:
        return kept[1]
    actions = {
        a["pk"]: a
        for a in Action.objects.filter(status__in=GAP_STATUSES).values(
            "pk", "title", "due_date", "goal__area__plan__slug"
        )
    }
    indicators: dict[int, list[str]] = {}
    regions: dict[int, list[str]] = {}
    for link in ActionLink.objects.filter(
        action__status__in=GAP_STATUSES,
        kind__in=(ActionLink.Kind.INDICATOR, ActionLink.Kind.REGION),
    ).values("action", "kind", "code"):
        target = indicators if link["kind"] == ActionLink.Kind.INDICATOR else regions
        target.setdefault(link["action"], []).append(link["code"])
    out: dict[tuple[str, str], list[tuple[tuple[Any, ...], str]]] = {}
    for pk, a in actions.items():
        due = a["due_date"]
        # gap_actions' order: due date (none last), plan, then the action
        order = (due is None, due or dt.date.min, a["goal__area__plan__slug"], pk)
        for indicator in indicators.get(pk, ()):
            for region in regions.get(pk, ()):
                out.setdefault((indicator, region), []).append((order, a["title"]))
    with _links_lock:
        _links = (now, out)
    return out
