"""The CSV form of a plan file (SPEC §10: "a YAML/CSV format for plans"): one row per action.

The rows are turned into the same document the YAML file gives — with the line and column of
every cell remembered — and checked by the same code, so a CSV plan is refused with the same
located messages ("plan.csv, rad 4, kolumn 9: okänd status 'klart'"). Columns (header row,
names as below, any order; `;`, `,` or tab):

- plan: ``plan_id``, ``plan_name``, ``organisation`` (required), ``plan_region``,
  ``plan_period``, ``plan_source`` — given on the first row; a later row may repeat the same value
  or leave the cell empty;
- where the action belongs: ``area`` (required), ``area_number``, ``section``, ``goal``
  (required), ``goal_kind``, ``goal_number``, ``goal_indicators``; rows with the same area and
  goal are grouped in order of first appearance;
- the action: ``id``, ``what`` (required), ``status``, ``status_text``, ``who``, ``users``,
  ``when``, ``start``, ``due``, ``indicators``, ``regions``, ``pathways``, ``note``, ``how`` (the
  activities, one per line of the cell).

Lists (``users``, ``indicators``, ``regions``, ``pathways``, ``goal_indicators``) are separated
by commas or spaces.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from lofte.web.plans.planfile import (
    FORMAT,
    VERSION,
    PlanFileError,
    _check_plan,
    _Checker,
    _List,
    _Map,
)

PLAN_COLUMNS = {
    "plan_id": "id",
    "plan_name": "name",
    "organisation": "organisation",
    "plan_region": "region",
    "plan_period": "period",
    "plan_source": "source",
}
AREA_COLUMNS = {"area_number": "number", "area": "name", "section": "section"}
GOAL_COLUMNS = {
    "goal_kind": "kind",
    "goal_number": "number",
    "goal": "text",
    "goal_indicators": "indicators",
}
ACTION_COLUMNS = {
    name: name
    for name in (
        "id", "what", "status", "status_text", "who", "users", "when", "start", "due",
        "indicators", "regions", "pathways", "note",
    )
}  # fmt: skip
LISTS = {"users", "indicators", "regions", "pathways", "goal_indicators"}
REQUIRED = ("plan_id", "plan_name", "organisation", "area", "goal", "id", "what")
KNOWN = {*PLAN_COLUMNS, *AREA_COLUMNS, *GOAL_COLUMNS, *ACTION_COLUMNS, "how"}


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    sample = text[:4096]
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        return csv.excel


def _value(column: str, raw: str, where: tuple[int, int]) -> Any:
    if column in LISTS:
        items = _List(part for part in re.split(r"[,\s]+", raw.strip()) if part)
        items.mark = where
        items.marks = [where] * len(items)
        return items
    return raw.strip()


def _map(cells: dict[str, tuple[str, tuple[int, int]]], names: dict[str, str], line: int) -> _Map:
    out = _Map()
    out.mark = (line, 1)
    out.marks = {}
    for column, key in names.items():
        if column in cells and cells[column][0].strip():
            raw, where = cells[column]
            out[key] = _value(column, raw, where)
            out.marks[key] = where
    return out


def _header(rows: list[list[str]], label: str) -> list[str]:
    """The column names of the first row; :class:`PlanFileError` for unknown or missing ones."""
    if not rows:
        raise PlanFileError([f"{label}: filen är tom"])
    header = [h.strip().lower() for h in rows[0]]
    problems = []
    for i, name in enumerate(header, start=1):
        if name not in KNOWN:
            problems.append(f"{label}, rad 1, kolumn {i}: okänd kolumn '{name}'")
    for name in REQUIRED:
        if name not in header:
            problems.append(f"{label}, rad 1: kolumnen '{name}' saknas")
    if problems:
        raise PlanFileError(problems)
    return header


Cells = dict[str, tuple[str, tuple[int, int]]]


def _rows(text: str, header: list[str]) -> Iterator[tuple[int, Cells]]:
    """(line, cells by column) of every non-empty row after the header."""
    # csv.reader counts physical lines: a quoted cell may span several, so ask it where rows start.
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    next(reader)
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if any(cell.strip() for cell in row):
            yield (
                line,
                {
                    name: (row[i] if i < len(row) else "", (line, i + 1))
                    for i, name in enumerate(header)
                },
            )


def _plan_values(doc: _Map, cells: Cells, line: int, check: _Checker) -> None:
    """Take the plan's columns from the first row that has them; a later different one is wrong."""
    for column, key in PLAN_COLUMNS.items():
        value, where = cells.get(column, ("", (line, 1)))
        value = value.strip()
        if not value:
            continue
        if key not in doc:
            doc[key], doc.marks[key] = value, where
        elif doc[key] != value:
            check.add(where, f"'{column}' skiljer sig från första raden ('{doc[key]}')")


def _listed(line: int) -> _List:
    items = _List()
    items.mark, items.marks = (line, 1), []
    return items


def _goal_of(areas: dict[Any, _Map], goals: dict[Any, _Map], cells: Cells, line: int) -> _Map:
    """The goal the row's action belongs to, its area and goal made on their first row."""
    area_key = tuple(cells.get(c, ("", None))[0].strip() for c in AREA_COLUMNS)
    if area_key not in areas:
        areas[area_key] = _map(cells, AREA_COLUMNS, line)
        areas[area_key]["goals"] = _listed(line)
    goal_key = (area_key, *(cells.get(c, ("", None))[0].strip() for c in GOAL_COLUMNS))
    if goal_key not in goals:
        goal = _map(cells, GOAL_COLUMNS, line)
        goal["actions"] = _listed(line)
        goals[goal_key] = goal
        areas[area_key]["goals"].append(goal)
        areas[area_key]["goals"].marks.append((line, 1))
    return goals[goal_key]


def _action(cells: Cells, line: int) -> _Map:
    """The row's action, with its activities (``how``, one per line of the cell)."""
    action = _map(cells, ACTION_COLUMNS, line)
    how, where = cells.get("how", ("", (line, 1)))
    activities = _List()
    activities.mark, activities.marks = where, []
    for text_line in how.splitlines():
        if text_line.strip():
            activity = _Map({"how": text_line.strip().lstrip("•-* ").strip()})
            activity.mark, activity.marks = where, {"how": where}
            activities.append(activity)
            activities.marks.append(where)
    if activities:
        action["activities"] = activities
        action.marks["activities"] = where
    return action


def parse_csv(text: str, label: str) -> dict[str, Any]:
    """A CSV plan file (one row per action) as the plan dict the YAML reader gives."""
    header = _header(list(csv.reader(io.StringIO(text, newline=""), _dialect(text))), label)
    check = _Checker(label, [])
    doc = _Map({"format": FORMAT, "version": VERSION})
    doc.mark, doc.marks = (2, 1), {}
    areas: dict[tuple[str, ...], _Map] = {}
    goals: dict[tuple[Any, ...], _Map] = {}
    for line, cells in _rows(text, header):
        _plan_values(doc, cells, line, check)
        goal = _goal_of(areas, goals, cells, line)
        goal["actions"].append(_action(cells, line))
        goal["actions"].marks.append((line, 1))
    doc["areas"] = _List(areas.values())
    doc["areas"].mark, doc["areas"].marks = (2, 1), [(a.mark[0], 1) for a in areas.values()]
    doc.marks["areas"] = (2, 1)
    plan = _check_plan(doc, check)
    if check.problems:
        raise PlanFileError(check.problems)
    return plan
