"""A small, slow and plainly written implementation of SPEC §4–§5, for checking the engine.

Nothing here is used in production. Property tests generate random event histories and require
the DuckDB engine (:mod:`lofte.svf.engine`, :mod:`lofte.cube.engine`) to agree with this module
exactly. It therefore follows the spec's wording step by step and avoids every clever shortcut.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lofte.catalog import Catalog
from lofte.core import periods, stats
from lofte.svf import waiting

EXIT_SUFFIXES = frozenset({70, 72, 73, 74, 76, 78})
TREATED_SUFFIXES = frozenset({50, 52, 54, 58, 59, 60})
TREATMENT_BY_SUFFIX = {
    50: "kirurgi",
    52: "lakemedel",
    54: "stralning",
    58: "palliativ",
    59: "annan",
    60: "expektans",
}


@dataclass
class Instance:
    patient: str
    pathway: str
    instance_no: int
    start: Mapping[str, Any]
    members: list[Mapping[str, Any]] = field(default_factory=list)
    end: Mapping[str, Any] | None = None


def _order_key(event: Mapping[str, Any], end_set: frozenset[int]) -> tuple:
    suffix = event["suffix"]
    rank = 0 if suffix == 10 else (2 if suffix in end_set else 1)
    residence = event.get("residence_region")
    return (
        event["event_date"],
        rank,
        suffix,
        event["reporting_region"],
        (0, "") if residence is None else (1, residence),
        event["delivery_id"],
        event["line"],
    )


def assemble(
    events: Iterable[Mapping[str, Any]],
    catalog: Catalog,
    cutoffs: Mapping[str, dt.date] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return (instances, flags) for the events, following SPEC §4 rule by rule."""
    cutoffs = cutoffs or {}
    by_key: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for e in events:  # rule 1
        by_key[(e["patient"], e["pathway"])].append(e)

    instances: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for (patient, pathway_id), evs in sorted(by_key.items()):
        pathway = catalog.pathways[pathway_id]
        national = frozenset(pathway.end_suffixes)
        end_set = national | EXIT_SUFFIXES
        evs = sorted(evs, key=lambda e: _order_key(e, end_set))  # rule 2
        open_instance: Instance | None = None
        closed: list[Instance] = []
        unmatched_ends: list[Mapping[str, Any]] = []
        for e in evs:
            suffix = e["suffix"]
            if suffix == 10:
                if open_instance is not None:  # rule 3
                    flags.append(_flag(e, "duplicate_start"))
                    open_instance.members.append(e)
                    continue
                for end_event in unmatched_ends:  # rule 4: slut före start
                    flags.append(_flag(end_event, "end_before_start"))
                unmatched_ends = []
                open_instance = Instance(patient, pathway_id, len(closed) + 1, start=e, members=[e])
            elif open_instance is None:  # rules 4 and 5: orphans and events after the end
                flags.append(_flag(e, "after_end" if closed else "orphan"))
                if suffix in end_set:
                    unmatched_ends.append(e)
            else:
                open_instance.members.append(e)
                if suffix in end_set:  # rule 5; 90/91 are never in end_set (rule 6)
                    open_instance.end = e
                    closed.append(open_instance)
                    open_instance = None
        if open_instance is not None:
            closed.append(open_instance)
        for inst in closed:
            instances.append(_describe(inst, catalog, national, cutoffs))
    return instances, flags


def _flag(event: Mapping[str, Any], flag: str) -> dict[str, Any]:
    return {"delivery_id": event["delivery_id"], "line": event["line"], "flag": flag}


def _describe(
    inst: Instance, catalog: Catalog, national: frozenset[int], cutoffs: Mapping[str, dt.date]
) -> dict[str, Any]:
    pathway = catalog.pathways[inst.pathway]
    start, end = inst.start, inst.end
    suffixes = [m["suffix"] for m in inst.members]

    def first_date(suffix: int) -> dt.date | None:
        dates = [m["event_date"] for m in inst.members if m["suffix"] == suffix]
        return min(dates) if dates else None

    extended = pathway.extended_marker is not None and pathway.extended_marker in suffixes
    cutoff = cutoffs.get(start["reporting_region"])
    row: dict[str, Any] = {
        "patient": inst.patient,
        "pathway": inst.pathway,
        "instance_no": inst.instance_no,
        "status": "ongoing" if end is None else "closed",
        "start_date": start["event_date"],
        "start_region": start["reporting_region"],
        # rule 11, bostad: the lan of the start event, else the region that reported the start
        "residence_region": start.get("residence_region") or start["reporting_region"],
        "has_mdk": 35 in suffixes,
        "extended": extended,
        "extended_date": (
            None if pathway.extended_marker is None else first_date(pathway.extended_marker)
        ),
        "cutoff": cutoff,
        "first_visit": first_date(25),
        "first_diagnosis": first_date(40),
    }
    if end is None:  # rule 7
        row.update(
            end_date=None,
            end_suffix=None,
            end_region=None,
            national_end=False,
            lead_time_days=None,
            target_days=None,
            within=None,
            treatment=None,
            waiting_days=(cutoff - start["event_date"]).days if cutoff else None,
        )
        return row
    end_suffix = end["suffix"]
    is_national = end_suffix in national  # rule 8
    lead = (end["event_date"] - start["event_date"]).days  # rule 9
    target = None
    if is_national:  # rule 10
        target = catalog.target_days(inst.pathway, end["event_date"], end_suffix, extended)
    if end_suffix in TREATMENT_BY_SUFFIX:  # rule 13
        treatment = TREATMENT_BY_SUFFIX[end_suffix]
    elif end_suffix == 73 and is_national:
        treatment = "ingen_atgard"
    elif end_suffix in (72, 78) and is_national:
        treatment = "avslutande_samtal"
    else:
        treatment = "avslut"
    row.update(
        end_date=end["event_date"],
        end_suffix=end_suffix,
        end_region=end["reporting_region"],
        national_end=is_national,
        lead_time_days=lead,
        target_days=target,
        within=None if target is None else lead <= target,
        treatment=treatment,
        waiting_days=None,
    )
    return row


def _start_to_visit(i: Mapping[str, Any]) -> int | None:
    return (i["first_visit"] - i["start_date"]).days if i["first_visit"] else None


def _visit_to_diagnosis(i: Mapping[str, Any]) -> int | None:
    if i["first_visit"] and i["first_diagnosis"] and i["first_diagnosis"] >= i["first_visit"]:
        return int((i["first_diagnosis"] - i["first_visit"]).days)
    return None


def _diagnosis_to_treatment(i: Mapping[str, Any]) -> int | None:
    return (i["end_date"] - i["first_diagnosis"]).days if i["first_diagnosis"] else None


#: The component intervals (*ingående ledtider*) of a closed instance, by their indicator stem.
INTERVALS: dict[str, Callable[[Mapping[str, Any]], int | None]] = {
    "start_till_besok": _start_to_visit,
    "besok_till_diagnos": _visit_to_diagnosis,
    "diagnos_till_behandling": _diagnosis_to_treatment,
}


def cells(
    instances: Iterable[Mapping[str, Any]],
    catalog: Catalog,
    register: Mapping[tuple[str, str, str], int] | None = None,
) -> dict[tuple[str, str, str, str, str, str], tuple[int | None, int, float | None]]:
    """All §5 cells: (indicator, basis, region, pathway, treatment, period) → (num, den, value).

    ``register`` maps (region, period, pathway) → new cases for the cells the register fully
    covers (regions at every level, pathway ``alla`` included), as :mod:`lofte.cube.register`
    prepares them.
    """
    members: dict[tuple[str, str, str, str, str], list[Mapping[str, Any]]] = defaultdict(list)
    instances_list = list(instances)
    for inst in instances_list:
        if inst["status"] != "closed":
            continue
        for basis, county in (
            ("avslutande", inst["end_region"]),
            ("bostad", inst["residence_region"]),
        ):
            for region in catalog.lineage(county):  # rule 11: county → healthcare region → SE
                for pathway in (inst["pathway"], "alla"):
                    for treatment in (inst["treatment"], "alla"):
                        for period in periods.labels_for(inst["end_date"]):  # rule 12
                            members[(basis, region, pathway, treatment, period)].append(inst)

    out: dict[tuple[str, str, str, str, str, str], tuple[int | None, int, float | None]] = {}

    def share(indicator: str, key: tuple, base: list, hit: list) -> None:
        if base:
            out[(indicator, *key)] = (len(hit), len(base), 100 * len(hit) / len(base))

    def middle(indicator: str, key: tuple, values: list[int], q: float) -> None:
        if values:
            out[(indicator, *key)] = (None, len(values), stats.quantile(values, q))

    for key, insts in members.items():
        national = [i for i in insts if i["national_end"]]
        with_target = [i for i in national if i["target_days"] is not None]
        share("svf_andel_inom_ledtid", key, with_target, [i for i in with_target if i["within"]])
        treated = [i for i in insts if i["end_suffix"] in TREATED_SUFFIXES]
        share(
            "svf_andel_inom_28_dagar",
            key,
            treated,
            [i for i in treated if i["lead_time_days"] <= 28],
        )
        leads = [i["lead_time_days"] for i in national]
        middle("svf_ledtid_median", key, leads, 0.5)
        middle("svf_ledtid_p25", key, leads, 0.25)
        middle("svf_ledtid_p75", key, leads, 0.75)
        mdk_base = [i for i in national if catalog.pathways[i["pathway"]].mdk_measured]
        share("svf_andel_mdk", key, mdk_base, [i for i in mdk_base if i["has_mdk"]])
        out[("svf_antal_avslutade", *key)] = (len(insts), len(insts), float(len(insts)))
        missed = [i for i in with_target if not i["within"]]
        for step, extract in INTERVALS.items():
            every = [d for d in map(extract, national) if d is not None]
            middle(f"svf_median_{step}", key, every, 0.5)
            middle(f"svf_p25_{step}", key, every, 0.25)
            middle(f"svf_p75_{step}", key, every, 0.75)
            late = [d for d in map(extract, missed) if d is not None]
            middle(f"svf_missad_median_{step}", key, late, 0.5)

    out.update(waiting_cells(instances_list, catalog))
    if register:
        register_pathways = {p for (_, _, p) in register if p != "alla"}
        for (region, period, pathway), new_cases in register.items():
            if new_cases <= 0:
                continue
            included = [
                i
                for i in members.get(("bostad", region, pathway, "alla", period), [])
                if i["national_end"] and i["pathway"] in register_pathways
            ]
            out[("svf_inklusion", "bostad", region, pathway, "alla", period)] = (
                len(included),
                new_cases,
                100 * len(included) / new_cases,
            )
    return out


def waiting_cells(
    instances: Iterable[Mapping[str, Any]], catalog: Catalog
) -> dict[tuple[str, str, str, str, str, str], tuple[int | None, int, float | None]]:
    """*Väntande över ledtid* (``svf_pagaende_over_ledtid``): for every month, the pathways
    still open at its end – or at the cut-off of the region that reported the start, in the
    month of that cut-off – that have waited longer than their target on that day. Counted for
    the start's region (basis ``avslutande``: no end yet) and for the home region; every
    pathway and ``alla``; treatment ``alla`` only; months only (a count at a cut-off)."""
    counts: dict[tuple[str, str, str, str, str, str], int] = defaultdict(int)
    for inst in instances:
        cutoff, start = inst["cutoff"], inst["start_date"]
        if cutoff is None:
            continue
        month = periods.parse(periods.labels_for(start)[3])
        while month.start <= cutoff:
            day = min(month.end, cutoff)
            still_open = inst["end_date"] is None or inst["end_date"] > day
            if (
                start <= day
                and still_open
                and waiting.over_target(catalog, inst["pathway"], start, day, inst["extended_date"])
            ):
                for basis, county in (
                    ("avslutande", inst["start_region"]),
                    ("bostad", inst["residence_region"]),
                ):
                    for region in catalog.lineage(county):
                        for pathway in (inst["pathway"], "alla"):
                            key = (
                                "svf_pagaende_over_ledtid",
                                basis,
                                region,
                                pathway,
                                "alla",
                                month.label,
                            )
                            counts[key] += 1
            month = periods.parse(periods.labels_for(month.end + dt.timedelta(days=1))[3])
    return {key: (n, n, float(n)) for key, n in counts.items()}
