"""The peer: SPEC §4 (pathway assembly) and §5 (indicator cells) written plainly in pandas.

This is the yardstick Löfte's DuckDB engine is measured against. It is meant to be what a
competent analyst would write with pandas in a day: vectorised where pandas makes that natural
(sorting, ``cumsum`` over sorted rows, ``groupby``), no hand-written loops over patients, no
tricks that pandas users would not reach for. It reads the same event-store Parquet files, the
same register rows and the same catalogue (master data only, through ``lofte.catalog.load``);
nothing of Löfte's engines is used.

What it does not do: disclosure control (SPEC §7), Wilson intervals and targets (they are
computed after the cells and are not part of the comparison) and the event warnings of §3/§4.

Run by ``bench/run.py`` in its own process::

    python bench/pandas_peer.py --inputs inputs.json --out DIR

``inputs.json`` holds ``files`` (event files), ``cutoffs`` (region → ISO date) and
``register_rows`` ([county, period, pathway, new_cases]). The peer writes ``DIR/cells.parquet``,
``DIR/instances.parquet`` and ``DIR/result.json`` (seconds per step and the process's peak RSS).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

EXIT_SUFFIXES = (70, 72, 73, 74, 76, 78)
TREATED_SUFFIXES = (50, 52, 54, 58, 59, 60)
TREATMENT = {
    50: "kirurgi",
    52: "lakemedel",
    54: "stralning",
    58: "palliativ",
    59: "annan",
    60: "expektans",
}
PERIOD_TYPES = ("year", "half", "quarter", "month")
EVENT_COLUMNS = [
    "delivery_id",
    "line",
    "patient",
    "pathway",
    "suffix",
    "event_date",
    "reporting_region",
    "residence_region",
]
CELL_KEYS = ["indicator", "region_basis", "region", "pathway", "treatment", "period"]
EPOCH = np.datetime64("1970-01-01", "D")


# --- master data ------------------------------------------------------------------------------


class Master:
    """The catalogue as small pandas frames."""

    def __init__(self, catalog) -> None:
        end_rows, info_rows, version_rows, day_rows = [], [], [], []
        for p in catalog.pathways.values():
            national = set(p.end_suffixes)
            for suffix in sorted(national | set(EXIT_SUFFIXES)):
                end_rows.append((p.id, suffix, suffix in national))
            info_rows.append((p.id, bool(p.mdk_measured), p.extended_marker))
            for v in p.lead_times:
                version_rows.append((p.id, _day(v.valid_from)))
                extended = v.extended or {}
                for suffix in set(v.basic) | set(extended):
                    day_rows.append(
                        (
                            p.id,
                            _day(v.valid_from),
                            suffix,
                            v.basic.get(suffix),
                            extended.get(suffix),
                        )
                    )
        self.ends = pd.DataFrame(end_rows, columns=["pathway", "suffix", "is_national"])
        self.ends["suffix"] = self.ends["suffix"].astype("int16")
        self.info = pd.DataFrame(info_rows, columns=["pathway", "mdk_measured", "extended_marker"])
        self.versions = pd.DataFrame(version_rows, columns=["pathway", "valid_from"])
        self.days = pd.DataFrame(
            day_rows,
            columns=["pathway", "valid_from", "end_suffix", "basic_days", "extended_days"],
        )
        self.counties = [c.code for c in catalog.counties()]
        self.parent = {c: catalog.parent(c) for c in self.counties}


def _day(d) -> int:
    return int((np.datetime64(d, "D") - EPOCH).astype(np.int64))


# --- §4 assembly ------------------------------------------------------------------------------


def read_events(files: list[str]) -> pd.DataFrame:
    frames = [
        pq.read_table(f, columns=EVENT_COLUMNS).to_pandas(date_as_object=False) for f in files
    ]
    events = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EVENT_COLUMNS)
    # Calendar days as integers: arithmetic and joins on plain int64.
    events["day"] = (
        pd.to_datetime(events["event_date"]).values.astype("datetime64[D]") - EPOCH
    ).astype(np.int64)
    return events.drop(columns=["event_date"])


def assemble(events: pd.DataFrame, master: Master, cutoffs: dict[str, int]) -> pd.DataFrame:
    """One row per pathway instance (SPEC §4 rules 1–13)."""
    ev = events.merge(master.ends, on=["pathway", "suffix"], how="left")
    ev["is_end"] = ev["is_national"].notna()
    ev["is_national"] = ev["is_national"].fillna(False).astype(bool)
    # Rule 2: date, then 10, then info suffixes, then end suffixes; the rest only makes the order
    # deterministic for identical date and suffix (same tie-break as the engine).
    ev["kind_rank"] = np.select([ev["suffix"] == 10, ev["is_end"]], [0, 2], 1)
    ev["patient_code"], patients = pd.factorize(ev["patient"])
    ev = ev.drop(columns=["patient"]).sort_values(
        [
            "patient_code",
            "pathway",
            "day",
            "kind_rank",
            "suffix",
            "reporting_region",
            "residence_region",
            "delivery_id",
            "line",
        ],
        na_position="first",
        ignore_index=True,
    )

    # Rules 1, 3–5: within (patient, pathway), every end event closes a segment; a segment with a
    # start is an instance consisting of its events from the first start on.
    n = len(ev)
    same_key = (ev["patient_code"] == ev["patient_code"].shift()) & (
        ev["pathway"] == ev["pathway"].shift()
    )
    after_end = ev["is_end"].shift(fill_value=False)
    ev["segment"] = (~same_key | after_end).cumsum()
    pos = pd.Series(np.arange(n), index=ev.index)
    first_start = pos.where(ev["suffix"] == 10, n).groupby(ev["segment"]).transform("min")
    ev["member"] = pos >= first_start

    members = ev[ev["member"]]
    starts = ev[pos == first_start].set_index("segment")
    ends = members[members["is_end"]].set_index("segment")

    info = master.info.set_index("pathway")
    marker = members["pathway"].map(info["extended_marker"])
    points = (
        pd.DataFrame(
            {
                "segment": members["segment"],
                "has_mdk": members["suffix"] == 35,
                "extended": members["suffix"] == marker,
                "extended_date": members["day"].where(members["suffix"] == marker),
                "first_visit": members["day"].where(members["suffix"] == 25),
                "first_diagnosis": members["day"].where(members["suffix"] == 40),
            }
        )
        .groupby("segment")
        .agg(
            has_mdk=("has_mdk", "any"),
            extended=("extended", "any"),
            extended_date=("extended_date", "min"),
            first_visit=("first_visit", "min"),
            first_diagnosis=("first_diagnosis", "min"),
        )
    )

    inst = pd.DataFrame(
        {
            "patient_code": starts["patient_code"],
            "pathway": starts["pathway"],
            "start_date": starts["day"],
            "start_region": starts["reporting_region"],
            # Rule 11, bostad: the lan of the start event, else the region that reported it.
            "residence_region": starts["residence_region"].fillna(starts["reporting_region"]),
        }
    )
    inst = inst.join(
        ends[["day", "suffix", "reporting_region", "is_national"]].rename(
            columns={
                "day": "end_date",
                "suffix": "end_suffix",
                "reporting_region": "end_region",
                "is_national": "national_end",
            }
        )
    ).join(points)
    inst = inst.sort_index().reset_index(drop=True)
    inst["instance_no"] = inst.groupby(["patient_code", "pathway"]).cumcount() + 1
    inst["status"] = np.where(inst["end_date"].notna(), "closed", "ongoing")
    inst["national_end"] = inst["national_end"].fillna(False).astype(bool)
    inst["lead_time_days"] = inst["end_date"] - inst["start_date"]  # rule 9

    # Rule 10: the version in force on the end date, its days for the end suffix (extended days
    # where the instance has the marker and the version gives them).
    inst["target_days"] = np.nan
    national = inst[inst["national_end"]].sort_values("end_date")
    if len(national):
        national = national.assign(
            end_date=national["end_date"].astype(np.int64),
            end_suffix=national["end_suffix"].astype(np.int64),
        )
        versions = master.versions.sort_values("valid_from")
        found = pd.merge_asof(
            national.reset_index(),
            versions,
            left_on="end_date",
            right_on="valid_from",
            by="pathway",
            direction="backward",
        )
        found = found.merge(master.days, on=["pathway", "valid_from", "end_suffix"], how="left")
        target = found["basic_days"].where(
            ~(found["extended"] & found["extended_days"].notna()), found["extended_days"]
        )
        inst.loc[found["index"].to_numpy(), "target_days"] = target.to_numpy()
    inst["within"] = (inst["lead_time_days"] <= inst["target_days"]).where(
        inst["target_days"].notna()
    )

    # Rule 13: treatment from the end suffix.
    exits = (
        inst["end_suffix"]
        .map({73: "ingen_atgard", 72: "avslutande_samtal", 78: "avslutande_samtal"})
        .where(inst["national_end"])
    )
    inst["treatment"] = (
        inst["end_suffix"]
        .map(TREATMENT)
        .fillna(exits)
        .fillna("avslut")
        .where(inst["end_date"].notna())
    )
    # Rule 7: ongoing instances wait since the start, until the cut-off of the start region.
    cutoff = inst["start_region"].map(cutoffs)
    inst["waiting_days"] = (cutoff - inst["start_date"]).where(inst["end_date"].isna())
    inst["patient"] = patients[inst["patient_code"].to_numpy()]
    return inst.drop(columns=["patient_code"])


# --- §5 cells ---------------------------------------------------------------------------------

SUMS = [
    "n_closed",
    "n_target",
    "n_within",
    "n_treated",
    "n_within_28",
    "n_national",
    "n_mdk_base",
    "n_mdk",
]
MEDIANS = ["start_to_visit", "visit_to_diagnosis", "diagnosis_to_treatment"]
#: The same intervals of the pathways that missed their lead time (issue 16).
MISSED = [f"missed_{m}" for m in MEDIANS]
STEPS = ["visit", "diagnosis", "treatment"]
STEMS = ["start_till_besok", "besok_till_diagnos", "diagnos_till_behandling"]


def period_labels(days: pd.Series) -> pd.DataFrame:
    """Year, half, quarter and month labels of each day (computed once per distinct day)."""
    unique = pd.Series(days.dropna().unique())
    dates = pd.to_datetime(unique.astype(np.int64), unit="D")
    year = dates.dt.year.astype(str)
    month = dates.dt.month
    table = pd.DataFrame(
        {
            "year": year.to_numpy(),
            "half": (year + np.where(month <= 6, "H1", "H2")).to_numpy(),
            "quarter": (year + "Q" + ((month - 1) // 3 + 1).astype(str)).to_numpy(),
            "month": (year + "-" + month.astype(str).str.zfill(2)).to_numpy(),
        },
        index=unique.to_numpy(),
    )
    return table.reindex(days.to_numpy()).reset_index(drop=True)


def facts(closed: pd.DataFrame, master: Master) -> pd.DataFrame:
    """Per closed instance: dimensions and the 0/1 counts and day spans the cells aggregate."""
    mdk_measured = closed["pathway"].map(master.info.set_index("pathway")["mdk_measured"])
    national = closed["national_end"]
    treated = closed["end_suffix"].isin(TREATED_SUFFIXES)
    with_target = national & closed["target_days"].notna()
    out = pd.DataFrame(
        {
            "pathway": closed["pathway"].to_numpy(),
            "treatment": closed["treatment"].to_numpy(),
            "end_region": closed["end_region"].to_numpy(),
            "residence_region": closed["residence_region"].to_numpy(),
            "national_end": national.to_numpy(),
            "n_closed": 1,
            "n_target": with_target.astype(int).to_numpy(),
            "n_within": (with_target & (closed["within"] == True)).astype(int).to_numpy(),  # noqa: E712
            "n_treated": treated.astype(int).to_numpy(),
            "n_within_28": (treated & (closed["lead_time_days"] <= 28)).astype(int).to_numpy(),
            "n_national": national.astype(int).to_numpy(),
            "n_mdk_base": (national & mdk_measured).astype(int).to_numpy(),
            "n_mdk": (national & mdk_measured & closed["has_mdk"]).astype(int).to_numpy(),
            "lead": closed["lead_time_days"].where(national).to_numpy(),
            "start_to_visit": (closed["first_visit"] - closed["start_date"])
            .where(national)
            .to_numpy(),
            "visit_to_diagnosis": (closed["first_diagnosis"] - closed["first_visit"])
            .where(national & (closed["first_diagnosis"] >= closed["first_visit"]))
            .to_numpy(),
            "diagnosis_to_treatment": (closed["end_date"] - closed["first_diagnosis"])
            .where(national)
            .to_numpy(),
        }
    )
    missed = (with_target & (closed["within"] == False)).to_numpy()  # noqa: E712
    for m in MEDIANS:
        out[f"missed_{m}"] = out[m].where(missed)
    return pd.concat([out, period_labels(closed["end_date"].reset_index(drop=True))], axis=1)


def _groupings():
    """(region level, period type, by pathway, by treatment): every cell level of SPEC §5."""
    for level in ("county", "healthcare_region", "nation"):
        for period_type in PERIOD_TYPES:
            for by_pathway in (True, False):
                for by_treatment in (True, False):
                    yield level, period_type, by_pathway, by_treatment


def wide_cells(f: pd.DataFrame, master: Master) -> pd.DataFrame:
    """One row per (basis, region, pathway, treatment, period) with every count and quantile."""
    parts = []
    for basis, county_column in (("avslutande", "end_region"), ("bostad", "residence_region")):
        based = f.assign(
            county=f[county_column], healthcare_region=f[county_column].map(master.parent)
        )
        for level, period_type, by_pathway, by_treatment in _groupings():
            keys = [] if level == "nation" else [level]
            keys.append(period_type)
            keys += ["pathway"] if by_pathway else []
            keys += ["treatment"] if by_treatment else []
            g = based.groupby(keys, sort=False)
            agg = g[SUMS].sum()
            agg[["n_visit", "n_diagnosis", "n_treatment"]] = g[MEDIANS].count().to_numpy()
            quartiles = g["lead"].quantile([0.25, 0.5, 0.75]).unstack()
            agg["lead_p25"] = quartiles[0.25]
            agg["lead_median"] = quartiles[0.5]
            agg["lead_p75"] = quartiles[0.75]
            agg[["med_visit", "med_diagnosis", "med_treatment"]] = g[MEDIANS].median().to_numpy()
            agg[[f"n_missed_{s}" for s in STEPS]] = g[MISSED].count().to_numpy()
            agg[[f"missed_{s}" for s in STEPS]] = g[MISSED].median().to_numpy()
            for q in (0.25, 0.75):
                agg[[f"{s}_p{int(q * 100)}" for s in STEPS]] = g[MEDIANS].quantile(q).to_numpy()
            agg = agg.reset_index().rename(columns={period_type: "period"})
            agg["region"] = "SE" if level == "nation" else agg.pop(level)
            agg["pathway"] = agg["pathway"] if by_pathway else "alla"
            agg["treatment"] = agg["treatment"] if by_treatment else "alla"
            agg["region_basis"] = basis
            parts.append(agg)
    return pd.concat(parts, ignore_index=True)


def long_cells(w: pd.DataFrame) -> pd.DataFrame:
    """The SPEC §5 indicators of the wide rows, one row per cell with denominator ≥ 1."""
    keys = ["region_basis", "region", "pathway", "treatment", "period"]
    specs = [
        ("svf_andel_inom_ledtid", "n_within", "n_target", None),
        ("svf_andel_inom_28_dagar", "n_within_28", "n_treated", None),
        ("svf_ledtid_median", None, "n_national", "lead_median"),
        ("svf_ledtid_p25", None, "n_national", "lead_p25"),
        ("svf_ledtid_p75", None, "n_national", "lead_p75"),
        ("svf_andel_mdk", "n_mdk", "n_mdk_base", None),
        ("svf_antal_avslutade", "n_closed", "n_closed", None),
        ("svf_median_start_till_besok", None, "n_visit", "med_visit"),
        ("svf_median_besok_till_diagnos", None, "n_diagnosis", "med_diagnosis"),
        ("svf_median_diagnos_till_behandling", None, "n_treatment", "med_treatment"),
        *(
            (f"svf_{q}_{stem}", None, f"n_{step}", f"{step}_{q}")
            for q in ("p25", "p75")
            for stem, step in zip(STEMS, STEPS, strict=True)
        ),
        *(
            (f"svf_missad_median_{stem}", None, f"n_missed_{step}", f"missed_{step}")
            for stem, step in zip(STEMS, STEPS, strict=True)
        ),
    ]
    parts = []
    for code, num, den, value in specs:
        rows = w[w[den] > 0]
        part = rows[keys].copy()
        part.insert(0, "indicator", code)
        part["denominator"] = rows[den].astype("int64")
        if code == "svf_antal_avslutade":
            part["numerator"] = rows[num].astype("Int64")
            part["value"] = rows[num].astype(float)
        elif value is None:
            part["numerator"] = rows[num].astype("Int64")
            part["value"] = 100.0 * rows[num] / rows[den]
        else:
            part["numerator"] = pd.array([pd.NA] * len(rows), dtype="Int64")
            part["value"] = rows[value].astype(float)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# --- inclusion (SPEC §5 svf_inklusion, §6 register coverage) ----------------------------------


def register_denominators(rows: list, master: Master) -> pd.DataFrame:
    """(region, period, pathway, new_cases) where the register fully covers the period.

    A county covers a period when it reported every month of it (or, for a year, reported the
    year itself; a yearly report then wins); a region when all its counties cover it.
    """
    reg = pd.DataFrame(rows, columns=["county", "period", "pathway", "new_cases"])
    monthly = reg[reg["period"].str.len() == 7].copy()
    yearly = reg[reg["period"].str.len() == 4].rename(columns={"period": "year"})
    monthly["year"] = monthly["period"].str[:4]
    month_no = monthly["period"].str[5:].astype(int)
    monthly["half"] = monthly["year"] + np.where(month_no <= 6, "H1", "H2")
    monthly["quarter"] = monthly["year"] + "Q" + ((month_no - 1) // 3 + 1).astype(str)
    monthly["month"] = monthly["period"]
    distinct = monthly.drop_duplicates(["county", "period"])
    per_county = []
    for period_type, months in (("month", 1), ("quarter", 3), ("half", 6), ("year", 12)):
        n_months = distinct.groupby(["county", period_type]).size()
        full = n_months[n_months == months].reset_index()[["county", period_type]]
        values = monthly.merge(full, on=["county", period_type])
        values = values.groupby(["county", period_type, "pathway"], as_index=False)[
            "new_cases"
        ].sum()
        if period_type == "year" and len(yearly):
            reported = yearly[["county", "year"]].drop_duplicates()
            values = values.merge(reported, how="left", indicator=True)
            values = values[values["_merge"] == "left_only"].drop(columns="_merge")
            reported_values = yearly.groupby(["county", "year", "pathway"], as_index=False)
            values = pd.concat([values, reported_values["new_cases"].sum()])
        per_county.append(values.rename(columns={period_type: "period"}))
    county_cells = pd.concat(per_county, ignore_index=True)

    covered_by = county_cells[["county", "period"]].drop_duplicates()
    out = []
    regions = {
        "county": {c: c for c in master.counties},
        "healthcare_region": dict(master.parent),
        "nation": dict.fromkeys(master.counties, "SE"),
    }
    for mapping in regions.values():
        size = pd.Series(mapping).value_counts()
        covered = covered_by.assign(region=covered_by["county"].map(mapping))
        n_covered = covered.groupby(["region", "period"]).size()
        full = n_covered[n_covered == size.reindex(n_covered.index.get_level_values(0)).to_numpy()]
        full = full.reset_index()[["region", "period"]]
        cells = county_cells.assign(region=county_cells["county"].map(mapping)).merge(
            full, on=["region", "period"]
        )
        by_pathway = cells.groupby(["region", "period", "pathway"], as_index=False)
        by_pathway = by_pathway["new_cases"].sum()
        alla = cells.groupby(["region", "period"], as_index=False)["new_cases"].sum()
        alla["pathway"] = "alla"
        out += [by_pathway, alla]
    return pd.concat(out, ignore_index=True)


def inclusion_cells(f: pd.DataFrame, register: pd.DataFrame, master: Master) -> pd.DataFrame:
    pathways = set(register.loc[register["pathway"] != "alla", "pathway"])
    base = f[(f["national_end"]) & f["pathway"].isin(pathways)]
    base = base.assign(
        county=base["residence_region"],
        healthcare_region=base["residence_region"].map(master.parent),
        nation="SE",
    )
    parts = []
    for level in ("county", "healthcare_region", "nation"):
        for period_type in PERIOD_TYPES:
            for by_pathway in (True, False):
                keys = [level, period_type] + (["pathway"] if by_pathway else [])
                counts = base.groupby(keys).size().rename("n_included").reset_index()
                counts = counts.rename(columns={level: "region", period_type: "period"})
                if not by_pathway:
                    counts["pathway"] = "alla"
                parts.append(counts)
    included = pd.concat(parts, ignore_index=True)
    reg = register[register["new_cases"] > 0].merge(
        included, on=["region", "period", "pathway"], how="left"
    )
    reg["n_included"] = reg["n_included"].fillna(0).astype("int64")
    return pd.DataFrame(
        {
            "indicator": "svf_inklusion",
            "region_basis": "bostad",
            "region": reg["region"],
            "pathway": reg["pathway"],
            "treatment": "alla",
            "period": reg["period"],
            "numerator": reg["n_included"].astype("Int64"),
            "denominator": reg["new_cases"].astype("int64"),
            "value": 100.0 * reg["n_included"] / reg["new_cases"],
        }
    )


# --- väntande över ledtid (svf_pagaende_over_ledtid) ------------------------------------------


def _stock_targets(catalog) -> pd.DataFrame:
    """Per pathway and lead-time version (days from the epoch): the longest target of an open
    pathway without and with the extended marker, and the version's end (exclusive)."""
    rows = []
    for p in catalog.pathways.values():
        versions = sorted(p.lead_times, key=lambda v: v.valid_from)
        for i, v in enumerate(versions):
            valid_to = _day(versions[i + 1].valid_from) if i + 1 < len(versions) else 10**9
            basic = catalog.ongoing_target_days(p.id, v.valid_from, False)
            extended = catalog.ongoing_target_days(p.id, v.valid_from, True)
            rows.append((p.id, _day(v.valid_from), valid_to, basic, extended))
    frame = pd.DataFrame(
        rows, columns=["pathway", "valid_from", "valid_to", "basic_longest", "extended_longest"]
    )
    return frame.sort_values("valid_from", ignore_index=True)


def waiting_cells(
    inst: pd.DataFrame, master: Master, cutoffs: dict[str, int], catalog
) -> pd.DataFrame:
    """The pathways open at each month's end (or at the start region's cut-off in its month)
    that have waited longer than their target then, per region basis, region and pathway
    (treatment ``alla``, months only)."""
    targets = _stock_targets(catalog)
    shortest = targets.groupby("pathway")[["basic_longest", "extended_longest"]].min().min(axis=1)
    i = inst.assign(cutoff=inst["start_region"].map(cutoffs))
    i = i[i["cutoff"].notna() & (i["start_date"] <= i["cutoff"])]
    i = i.assign(shortest=i["pathway"].map(shortest))
    # The last day each pathway is open: the day before its end, or the cut-off.
    last_open = np.minimum((i["end_date"] - 1).fillna(i["cutoff"]), i["cutoff"])
    i = i.assign(last_open=last_open)
    i = i[i["shortest"].notna() & (i["last_open"] - i["start_date"] > i["shortest"])]
    if i.empty:
        return pd.DataFrame(columns=[*CELL_KEYS, "numerator", "denominator", "value"])
    # One row per pathway and month from its start's month to its last open day's month.
    start_month = (i["start_date"].to_numpy().astype("datetime64[D]")).astype("datetime64[M]")
    last_month = (i["last_open"].to_numpy().astype("int64").astype("datetime64[D]")).astype(
        "datetime64[M]"
    )
    count = (last_month - start_month).astype(np.int64) + 1
    rows = i.loc[i.index.repeat(count)].reset_index(drop=True)
    # each row's month number within its pathway: 0, 1, … count - 1
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    month = np.repeat(start_month, count) + offset.astype("timedelta64[M]")
    month_end = ((month + 1).astype("datetime64[D]") - 1 - EPOCH).astype(np.int64)
    rows["month"] = month.astype(str)
    rows["day"] = np.minimum(month_end, rows["cutoff"].to_numpy().astype(np.int64))
    # The version in force on the day (rule 10), its longest targets.
    rows = rows.sort_values("day", ignore_index=True)
    rows = pd.merge_asof(
        rows, targets, left_on="day", right_on="valid_from", by="pathway", direction="backward"
    )
    extended = rows["extended_date"].notna() & (rows["extended_date"] <= rows["day"])
    longest = rows["basic_longest"].where(~extended, rows["extended_longest"])
    waiting = rows[
        (rows["start_date"] <= rows["day"])
        & (rows["end_date"].isna() | (rows["end_date"] > rows["day"]))
        & (rows["day"] < rows["valid_to"])
        & longest.notna()
        & (rows["day"] - rows["start_date"] > longest)
    ]
    parts = []
    for basis, column in (("avslutande", "start_region"), ("bostad", "residence_region")):
        w = waiting.assign(
            county=waiting[column],
            healthcare_region=waiting[column].map(master.parent),
            nation="SE",
        )
        for level in ("county", "healthcare_region", "nation"):
            for by_pathway in (True, False):
                keys = [level, "month"] + (["pathway"] if by_pathway else [])
                n = w.groupby(keys).size().rename("n").reset_index()
                n = n.rename(columns={level: "region", "month": "period"})
                if not by_pathway:
                    n["pathway"] = "alla"
                n["region_basis"] = basis
                parts.append(n)
    n = pd.concat(parts, ignore_index=True)
    return pd.DataFrame(
        {
            "indicator": "svf_pagaende_over_ledtid",
            "region_basis": n["region_basis"],
            "region": n["region"],
            "pathway": n["pathway"],
            "treatment": "alla",
            "period": n["period"],
            "numerator": n["n"].astype("Int64"),
            "denominator": n["n"].astype("int64"),
            "value": n["n"].astype(float),
        }
    )


def cells(
    instances: pd.DataFrame,
    master: Master,
    register_rows: list,
    cutoffs: dict[str, int] | None = None,
    catalog=None,
) -> pd.DataFrame:
    closed = instances[instances["status"] == "closed"]
    f = facts(closed, master)
    out = [long_cells(wide_cells(f, master))]
    if register_rows:
        out.append(inclusion_cells(f, register_denominators(register_rows, master), master))
    if cutoffs and catalog is not None:
        out.append(waiting_cells(instances, master, cutoffs, catalog))
    return pd.concat(out, ignore_index=True)[[*CELL_KEYS, "numerator", "denominator", "value"]]


# --- command line -----------------------------------------------------------------------------


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run(inputs: dict, out_dir: Path) -> dict:
    from lofte.catalog import load

    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    catalog = load()
    master = Master(catalog)
    cutoffs = {r: _day(np.datetime64(d)) for r, d in inputs["cutoffs"].items()}
    events = read_events(inputs["files"])
    t1 = time.perf_counter()
    steps["read"] = t1 - t0
    instances = assemble(events, master, cutoffs)
    del events
    t2 = time.perf_counter()
    steps["assemble"] = t2 - t1
    result = cells(instances, master, inputs["register_rows"], cutoffs, catalog)
    t3 = time.perf_counter()
    steps["cells"] = t3 - t2
    seconds = t3 - t0
    peak = peak_rss_bytes()

    out_dir.mkdir(parents=True, exist_ok=True)
    result.to_parquet(out_dir / "cells.parquet", index=False)
    dates = ["start_date", "end_date", "first_visit", "first_diagnosis", "extended_date"]
    written = instances.copy()
    for column in dates:
        written[column] = pd.to_datetime(written[column], unit="D").dt.date
    written.to_parquet(out_dir / "instances.parquet", index=False)
    summary = {
        "seconds": seconds,
        "steps": steps,
        "peak_rss_bytes": peak,
        "events": int(sum(pq.ParquetFile(f).metadata.num_rows for f in inputs["files"])),
        "instances": len(instances),
        "cells": len(result),
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }
    (out_dir / "result.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--inputs", type=Path, required=True, help="inputs.json from bench/run.py")
    parser.add_argument("--out", type=Path, required=True, help="directory for the outputs")
    args = parser.parse_args(argv)
    inputs = json.loads(args.inputs.read_text(encoding="utf-8"))
    summary = run(inputs, args.out)
    print(
        f"pandas peer: {summary['seconds']:.1f} s, {summary['instances']} instances, "
        f"{summary['cells']} cells, peak {summary['peak_rss_bytes'] / 2**30:.2f} GiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
