"""The plan file (YAML, or CSV: :mod:`lofte.web.plans.plancsv`; one plan per file): reading with
located errors, importing, exporting.

The format is documented in ``data/README.md`` beside the shipped plans. Reading checks the
whole file before anything is written: every problem is reported with the file, line and column
of the value (Swedish messages), and a file with any problem changes nothing. Importing a plan
whose ``id`` exists replaces that plan (in one transaction). Export writes every field import
reads, so that export → import gives the same plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lofte.core import when as when_text
from lofte.core.spreadsheet import neutralise

FORMAT = "lofte-plan"
VERSION = 1

#: Status words as the plans write them → status code (lower case, first word(s) decide).
STATUS_WORDS: list[tuple[str, str]] = [
    ("ej påbörja", "ej_paborjad"),
    ("ej startat", "ej_paborjad"),
    ("inte påbörja", "ej_paborjad"),
    ("ej_paborjad", "ej_paborjad"),
    ("pågår", "pagaende"),
    ("pågående", "pagaende"),
    ("pagaende", "pagaende"),
    ("startat", "pagaende"),
    ("påbörja", "pagaende"),
    ("planering", "planeras"),
    ("planera", "planeras"),
    ("planeras", "planeras"),
    ("klar", "klar"),
    ("genomför", "klar"),
    ("avslutad", "klar"),
    ("införd", "klar"),
    ("infört", "klar"),
    ("implementera", "klar"),
    ("pausad", "pausad"),
    ("vilande", "pausad"),
    ("inställd", "installd"),
    ("installd", "installd"),
    ("avbruten", "installd"),
    ("utgår", "installd"),
]
STATUSES = ("ej_paborjad", "planeras", "pagaende", "klar", "pausad", "installd")
GOAL_KINDS = ("nationellt_mal", "malbild", "mal")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def status_from_text(text: str) -> str | None:
    """The status code a written status word means (None when no word is recognised)."""
    lowered = text.strip().lower()
    for word, code in STATUS_WORDS:
        if lowered.startswith(word):
            return code
    for word, code in STATUS_WORDS:
        if re.search(rf"\b{re.escape(word)}", lowered):
            return code
    return None


class PlanFileError(ValueError):
    """A plan file that cannot be imported; ``problems`` are located Swedish messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- YAML with positions ------------------------------------------------------------------------


class _Map(dict[str, Any]):
    mark: tuple[int, int] = (1, 1)
    marks: dict[str, tuple[int, int]]


class _List(list[Any]):
    mark: tuple[int, int] = (1, 1)
    marks: list[tuple[int, int]]


class _Loader(yaml.SafeLoader):
    """Safe YAML whose mappings and lists remember where each value starts (1-based).

    Dates stay text here, so that an impossible date is reported where it stands."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    out = _Map()
    out.mark = _pos(node)
    out.marks = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.marks[str(key)] = _pos(value_node)
    return out


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> _List:
    out = _List(loader.construct_object(child, deep=True) for child in node.value)
    out.mark = _pos(node)
    out.marks = [_pos(child) for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


# --- checking -------------------------------------------------------------------------------------


@dataclass
class _Checker:
    file: str
    problems: list[str]

    def add(self, where: tuple[int, int], message: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(f"{self.file}, rad {where[0]}, kolumn {where[1]}: {message}")

    def at(self, m: Any, key: str) -> tuple[int, int]:
        marks = getattr(m, "marks", {})
        return marks.get(key, getattr(m, "mark", (1, 1)))

    def keys(self, m: Any, allowed: set[str], what: str) -> None:
        for key in m:
            if key not in allowed:
                self.add(
                    self.at(m, key),
                    f"okänt fält '{key}' i {what} (tillåtna: {', '.join(sorted(allowed))})",
                )

    def text(self, m: Any, key: str, *, required: bool = False, what: str = "") -> str:
        value = m.get(key)
        if value is None:
            if required:
                self.add(getattr(m, "mark", (1, 1)), f"fältet '{key}' saknas{what}")
            return ""
        if isinstance(value, bool | list | dict):
            self.add(self.at(m, key), f"'{key}' ska vara text")
            return ""
        if isinstance(value, dt.date):
            value = value.isoformat()
        result = str(value).strip()
        if required and not result:
            self.add(self.at(m, key), f"'{key}' får inte vara tomt")
        return result

    def items(self, m: Any, key: str, *, required: bool = False) -> list[Any]:
        value = m.get(key)
        if value is None:
            if required:
                self.add(getattr(m, "mark", (1, 1)), f"listan '{key}' saknas")
            return []
        if not isinstance(value, list):
            self.add(self.at(m, key), f"'{key}' ska vara en lista")
            return []
        if required and not value:
            self.add(self.at(m, key), f"listan '{key}' är tom")
        return value

    def mapping(self, value: Any, where: tuple[int, int], what: str) -> bool:
        if not isinstance(value, dict):
            self.add(where, f"{what} ska vara en mappning (nyckel: värde)")
            return False
        return True

    def mappings(self, items: Any, what: str) -> Any:
        """The items of a list that are mappings; the others are reported where they stand."""
        marks = getattr(items, "marks", [])
        for i, item in enumerate(items):
            if self.mapping(item, marks[i] if i < len(marks) else (1, 1), what):
                yield item

    def date(self, m: Any, key: str) -> dt.date | None:
        value = m.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(self.at(m, key), f"ogiltigt datum '{value}' – skriv ÅÅÅÅ-MM-DD")
            return None

    def codes(self, m: Any, key: str, known: set[str], what: str) -> list[str]:
        out = []
        values = self.items(m, key)
        marks = getattr(values, "marks", [])
        for i, value in enumerate(values):
            code = str(value).strip()
            if code not in known:
                where = marks[i] if i < len(marks) else self.at(m, key)
                self.add(where, f"okänd {what} '{code}'")
            elif code not in out:
                out.append(code)
        return out

    def status(self, m: Any, key: str, status_text: str) -> str | None:
        value = m.get(key)
        if value is None or value == "":
            return status_from_text(status_text) if status_text else None
        code = str(value).strip()
        if code not in STATUSES:
            self.add(self.at(m, key), f"okänd status '{code}' (tillåtna: {', '.join(STATUSES)})")
            return None
        return code


PLAN_KEYS = {
    "format", "version", "id", "name", "organisation", "region", "period", "description",
    "source", "synthetic", "regions", "areas",
}  # fmt: skip
AREA_KEYS = {"number", "name", "section", "goals"}
GOAL_KEYS = {"kind", "number", "text", "indicators", "note", "actions"}
ACTION_KEYS = {
    "id", "what", "status", "status_text", "who", "users", "when", "start", "due", "indicators",
    "regions", "pathways", "note", "activities", "history",
}  # fmt: skip
ACTIVITY_KEYS = {"how", "when", "who", "status_text"}
UPDATE_KEYS = {"date", "status", "comment", "by", "synthetic", "changes"}


def _catalog_codes() -> tuple[set[str], set[str], set[str]]:
    from lofte.catalog import load

    catalog = load()
    return (
        set(catalog.indicators),
        set(catalog.regions),
        {*catalog.pathways, "alla"},
    )


def parse_text(text: str, label: str) -> dict[str, Any]:
    """A YAML plan file as a dict; :class:`PlanFileError` names line and column."""
    try:
        doc = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", rad {mark.line + 1}, kolumn {mark.column + 1}" if mark else ""
        raise PlanFileError(
            [f"{label}{where}: ogiltig YAML ({exc.problem or exc.context})"]
        ) from None
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise PlanFileError([f"{label}: ogiltig YAML ({exc})"]) from None
    check = _Checker(label, [])
    if not check.mapping(doc, (1, 1), "filen"):
        raise PlanFileError(check.problems)
    plan = _check_plan(doc, check)
    if check.problems:
        raise PlanFileError(check.problems)
    return plan


def _check_head(doc: Any, check: _Checker, regions: set[str]) -> tuple[str, str]:
    """Check the plan's format, version, id and region; the id and the region."""
    check.keys(doc, PLAN_KEYS, "planen")
    if doc.get("format") != FORMAT:
        check.add(check.at(doc, "format"), f"'format' ska vara '{FORMAT}'")
    if doc.get("version") != VERSION:
        check.add(check.at(doc, "version"), f"'version' ska vara {VERSION}")
    slug = check.text(doc, "id", required=True)
    if slug and not SLUG.match(slug):
        check.add(
            check.at(doc, "id"), f"'id' '{slug}' får bara ha a–z, 0–9 och bindestreck (högst 80)"
        )
    region = check.text(doc, "region")
    if region and region not in regions:
        check.add(check.at(doc, "region"), f"okänd region '{region}'")
    return slug, region


def _check_plan(doc: Any, check: _Checker) -> dict[str, Any]:
    known = _catalog_codes()
    slug, region = _check_head(doc, check, known[1])
    period = check.text(doc, "period")
    parsed = when_text.parse(period)
    plan: dict[str, Any] = {
        "id": slug,
        "name": check.text(doc, "name", required=True),
        "organisation": check.text(doc, "organisation", required=True),
        "region": region,
        "period": period,
        "period_start": parsed.start,
        "period_end": parsed.due,
        "description": check.text(doc, "description"),
        "source": check.text(doc, "source"),
        "synthetic": bool(doc.get("synthetic", False)),
        "areas": [],
    }
    refs: dict[str, tuple[int, int]] = {}
    default_regions = check.codes(doc, "regions", known[1], "region")
    areas = check.items(doc, "areas", required=True)
    for area in check.mappings(areas, "ett område"):
        check.keys(area, AREA_KEYS, "området")
        a_out: dict[str, Any] = {
            "number": check.text(area, "number"),
            "name": check.text(area, "name", required=True, what=" i området"),
            "section": check.text(area, "section"),
            "goals": [],
        }
        plan["areas"].append(a_out)
        goals = check.items(area, "goals")
        for goal in check.mappings(goals, "ett mål"):
            g_out = _check_goal(goal, check, known[0])
            a_out["goals"].append(g_out)
            actions = check.items(goal, "actions")
            for action in check.mappings(actions, "en åtgärd"):
                x_out = _check_action(action, check, refs, known)
                if not x_out["regions"] and "regions" not in action:
                    x_out["regions"] = list(default_regions)
                g_out["actions"].append(x_out)
    return plan


def _check_goal(goal: Any, check: _Checker, indicators: set[str]) -> dict[str, Any]:
    """A goal without its actions (``actions`` empty)."""
    check.keys(goal, GOAL_KEYS, "målet")
    kind = check.text(goal, "kind") or "mal"
    if kind not in GOAL_KINDS:
        check.add(
            check.at(goal, "kind"),
            f"okänd måltyp '{kind}' (tillåtna: {', '.join(GOAL_KINDS)})",
        )
    return {
        "kind": kind,
        "number": check.text(goal, "number"),
        "text": check.text(goal, "text", required=True, what=" i målet"),
        "indicators": check.codes(goal, "indicators", indicators, "indikator"),
        "note": check.text(goal, "note"),
        "actions": [],
    }


def _check_action(
    action: Any,
    check: _Checker,
    refs: dict[str, tuple[int, int]],
    known: tuple[set[str], set[str], set[str]],
) -> dict[str, Any]:
    indicators, regions, pathways = known
    check.keys(action, ACTION_KEYS, "åtgärden")
    ref = _check_ref(action, check, refs)
    status_text = check.text(action, "status_text")
    status = check.status(action, "status", status_text)
    when = check.text(action, "when")
    out: dict[str, Any] = {
        "id": ref,
        "what": check.text(action, "what", required=True, what=" i åtgärden"),
        "status": status or "ej_paborjad",
        "status_text": status_text,
        "who": check.text(action, "who"),
        "users": [str(u).strip() for u in check.items(action, "users")],
        "users_at": check.at(action, "users"),
        "when": when,
        "start": check.date(action, "start"),
        "due": check.date(action, "due"),
        "explicit_dates": "start" in action or "due" in action,
        "indicators": check.codes(action, "indicators", indicators, "indikator"),
        "regions": check.codes(action, "regions", regions, "region"),
        "pathways": check.codes(action, "pathways", pathways, "vårdförlopp"),
        "note": check.text(action, "note"),
        "activities": [],
        "history": [],
    }
    activities = check.items(action, "activities")
    for activity in check.mappings(activities, "en aktivitet"):
        check.keys(activity, ACTIVITY_KEYS, "aktiviteten")
        out["activities"].append(
            {
                "how": check.text(activity, "how", required=True, what=" i aktiviteten"),
                "when": check.text(activity, "when"),
                "who": check.text(activity, "who"),
                "status_text": check.text(activity, "status_text"),
            }
        )
    history = check.items(action, "history")
    for update in check.mappings(history, "en statusuppdatering"):
        out["history"].append(_check_update(update, check, out["status"]))
    return out


def _check_ref(action: Any, check: _Checker, refs: dict[str, tuple[int, int]]) -> str:
    """The action's id, unique in the plan (``refs``: the ids so far, where they were)."""
    ref = check.text(action, "id", required=True, what=" i åtgärden")
    if ref in refs:
        line, _col = refs[ref]
        check.add(check.at(action, "id"), f"åtgärds-id '{ref}' finns redan (rad {line})")
    elif ref:
        refs[ref] = check.at(action, "id")
    if len(ref) > 32:
        check.add(check.at(action, "id"), "åtgärds-id får vara högst 32 tecken")
    return ref


def _check_update(update: Any, check: _Checker, status: str) -> dict[str, Any]:
    """A status update of the action's history (its status defaults to the action's)."""
    check.keys(update, UPDATE_KEYS, "statusuppdateringen")
    date = check.date(update, "date")
    if date is None and "date" not in update:
        check.add(update.mark, "statusuppdateringen saknar 'date'")
    changes = update.get("changes") or {}
    if not isinstance(changes, dict):
        check.add(check.at(update, "changes"), "'changes' ska vara en mappning")
        changes = {}
    return {
        "date": date,
        "status": check.status(update, "status", "") or status,
        "comment": check.text(update, "comment"),
        "by": check.text(update, "by"),
        "synthetic": bool(update.get("synthetic", False)),
        "changes": {str(k): v for k, v in changes.items()},
    }


# --- import ---------------------------------------------------------------------------------------


def action_dates(spec: dict[str, Any]) -> tuple[dt.date | None, dt.date | None, bool]:
    """Start, due and recurring of an action: explicit dates win, else parsed from NÄR texts."""
    parsed = [when_text.parse(spec["when"])] if spec["when"] else []
    parsed += [when_text.parse(a["when"]) for a in spec["activities"] if a["when"]]
    starts = [p.start for p in parsed if p.start]
    dues = [p.due for p in parsed if p.due]
    recurring = any(p.recurring for p in parsed)
    if spec["explicit_dates"]:
        return spec["start"], spec["due"], recurring
    return (min(starts) if starts else None), (max(dues) if dues else None), recurring


def save_plan(
    spec: dict[str, Any], *, user: Any = None, username: str = "", label: str = ""
) -> Any:
    """Create or replace the plan ``spec`` in one transaction, audited."""
    from django.db import transaction

    from lofte.web.audit.models import AuditEvent
    from lofte.web.audit.service import record
    from lofte.web.plans import models as m

    users = _plan_users(spec, label)
    with transaction.atomic():
        replaced = m.Plan.objects.filter(slug=spec["id"]).first()
        if replaced is not None:
            replaced.delete()
        plan = m.Plan.objects.create(
            slug=spec["id"],
            name=spec["name"],
            organisation=spec["organisation"],
            region=spec["region"],
            period=spec["period"],
            period_start=spec["period_start"],
            period_end=spec["period_end"],
            description=spec["description"],
            source=spec["source"],
            synthetic=spec["synthetic"],
        )
        counts = _save_areas(m, plan, spec["areas"], users)
        record(
            AuditEvent.Action.PLAN_IMPORTED,
            user=user,
            username=username,
            object_type="Plan",
            object_id=plan.slug,
            region=plan.region if len(plan.region) <= 8 else "",
            details={
                "file": label,
                "name": plan.name,
                "replaced": replaced is not None,
                **counts,
            },
        )
    return plan


def _plan_users(spec: dict[str, Any], label: str) -> dict[str, Any]:
    """The accounts the plan's actions name, by user name; :class:`PlanFileError` names every
    unknown one with its line and column."""
    from django.contrib.auth import get_user_model

    names = {u for a in spec["areas"] for g in a["goals"] for x in g["actions"] for u in x["users"]}
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    missing = [
        f"{label}, rad {x['users_at'][0]}, kolumn {x['users_at'][1]}: okänt användarkonto '{name}'"
        for area in spec["areas"]
        for goal in area["goals"]
        for x in goal["actions"]
        for name in x["users"]
        if name not in users
    ]
    if missing:
        raise PlanFileError(missing)
    return users


def _save_areas(m: Any, plan: Any, areas: list[dict[str, Any]], users: dict) -> dict[str, int]:
    """Create the plan's areas, goals and actions; how many goals and actions."""
    counts = {"goals": 0, "actions": 0}
    for a_pos, area_spec in enumerate(areas):
        area = m.Area.objects.create(
            plan=plan,
            position=a_pos,
            number=area_spec["number"],
            name=area_spec["name"],
            section=area_spec["section"],
        )
        for g_pos, goal_spec in enumerate(area_spec["goals"]):
            counts["goals"] += 1
            goal = m.Goal.objects.create(
                area=area,
                position=g_pos,
                kind=goal_spec["kind"],
                number=goal_spec["number"],
                text=goal_spec["text"],
                indicators=goal_spec["indicators"],
                note=goal_spec["note"],
            )
            for x_pos, x in enumerate(goal_spec["actions"]):
                counts["actions"] += 1
                _save_action(m, goal, x_pos, x, users)
    return counts


def _save_action(m: Any, goal: Any, position: int, x: dict[str, Any], users: dict) -> None:
    start, due, recurring = action_dates(x)
    action = m.Action.objects.create(
        goal=goal,
        position=position,
        ref=x["id"],
        title=x["what"],
        status=x["status"],
        status_text=x["status_text"],
        responsible=x["who"],
        when_text=x["when"],
        start_date=start,
        due_date=due,
        recurring=recurring,
        note=x["note"],
    )
    action.responsible_users.set([users[n] for n in x["users"]])
    m.ActionLink.objects.bulk_create(
        [
            m.ActionLink(action=action, kind=kind, code=code)
            for kind, key in (
                ("indicator", "indicators"),
                ("region", "regions"),
                ("pathway", "pathways"),
            )
            for code in x[key]
        ]
    )
    acts = []
    for pos, a in enumerate(x["activities"]):
        parsed = when_text.parse(a["when"])
        acts.append(
            m.Activity(
                action=action,
                position=pos,
                text=a["how"],
                when_text=a["when"],
                start_date=parsed.start,
                due_date=parsed.due,
                recurring=parsed.recurring,
                recurrence=parsed.recurrence,
                responsible=a["who"],
                status_text=a["status_text"],
            )
        )
    m.Activity.objects.bulk_create(acts)
    m.StatusUpdate.objects.bulk_create(
        [
            m.StatusUpdate(
                action=action,
                date=u["date"],
                status=u["status"],
                comment=u["comment"],
                username=u["by"],
                user=users.get(u["by"]),
                synthetic=u["synthetic"],
                changes=u["changes"],
            )
            for u in x["history"]
        ]
    )


# --- export ---------------------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _compact(d: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Leave out empty fields, so that the exported file reads like a hand-written one."""
    return {k: v for k, v in d.items() if k in keep or v not in ("", [], {}, None, False)}


def plan_to_data(plan: Any) -> dict[str, Any]:
    """The plan as the YAML file's data (every field import reads)."""
    from django.db.models import Prefetch

    from lofte.web.plans import models as m

    areas = plan.areas.prefetch_related(
        Prefetch(
            "goals__actions",
            queryset=m.Action.objects.prefetch_related(
                "links", "activities", "updates", "responsible_users"
            ),
        )
    )
    data: dict[str, Any] = _compact(
        {
            "format": FORMAT,
            "version": VERSION,
            "id": plan.slug,
            "name": plan.name,
            "organisation": plan.organisation,
            "region": plan.region,
            "period": plan.period,
            "description": plan.description,
            "source": plan.source,
            "synthetic": plan.synthetic,
        }
    )
    data["areas"] = []
    for area in areas:
        a_out = _compact({"number": area.number, "name": area.name, "section": area.section})
        a_out["goals"] = []
        for goal in area.goals.all():
            g_out = _compact(
                {
                    "kind": goal.kind,
                    "number": goal.number,
                    "text": goal.text,
                    "indicators": list(goal.indicators),
                    "note": goal.note,
                }
            )
            g_out["actions"] = [_action_data(x) for x in goal.actions.all()]
            a_out["goals"].append(g_out)
        data["areas"].append(a_out)
    return data


def _action_data(x: Any) -> dict[str, Any]:
    links: dict[str, list[str]] = {"indicator": [], "region": [], "pathway": []}
    for link in sorted(x.links.all(), key=lambda k: k.pk):
        links[link.kind].append(link.code)
    return _compact(
        {
            "id": x.ref,
            "what": x.title,
            "status": x.status,
            "status_text": x.status_text,
            "who": x.responsible,
            "users": sorted(u.username for u in x.responsible_users.all()),
            "when": x.when_text,
            "start": _iso(x.start_date),
            "due": _iso(x.due_date),
            "indicators": links["indicator"],
            "regions": links["region"],
            "pathways": links["pathway"],
            "note": x.note,
            "activities": [
                _compact(
                    {
                        "how": a.text,
                        "when": a.when_text,
                        "who": a.responsible,
                        "status_text": a.status_text,
                    }
                )
                for a in x.activities.all()
            ],
            "history": [
                _compact(
                    {
                        "date": u.date.isoformat(),
                        "status": u.status,
                        "comment": u.comment,
                        "by": u.username,
                        "synthetic": u.synthetic,
                        "changes": u.changes,
                    }
                )
                for u in x.updates.all()
            ],
        },
        keep=("start", "due"),
    )


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_yaml(data: dict[str, Any]) -> str:
    """A plan dict as YAML with the format's header comment."""
    header = (
        "# Löfte action plan (format lofte-plan, version 1). Exported by 'lofte export plan'.\n"
        "# The format is described in src/lofte/web/plans/data/README.md.\n"
    )
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: Any) -> Any:
    """Text for a spreadsheet cell that can never be read as a formula or carry control bytes."""
    if not isinstance(value, str):
        return value
    return neutralise(_CONTROL.sub("", value))


def format_sheet(sheet: Any, header_row: int) -> None:
    """Bold header, wrapped cells below it, and every text cell stored as text (never a formula)."""
    from openpyxl.styles import Alignment, Font

    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"


_XLSX_HEAD = [
    "Område", "Mål", "Id", "Åtgärd (VAD)", "Aktiviteter (HUR)", "När (NÄR)", "Ansvar (VEM)",
    "Status", "Start", "Klart senast", "Indikatorer", "Regioner", "Vårdförlopp",
    "Senaste kommentar",
]  # fmt: skip
_XLSX_WIDTHS = [24, 40, 8, 50, 60, 16, 30, 12, 12, 12, 20, 12, 14, 40]


def _action_row(area_name: str, goal_text: str, x: dict[str, Any], labels: dict) -> list[Any]:
    """The row of one action in the workbook's sheet *Åtgärder*."""
    acts = x.get("activities", [])
    whens = [x.get("when", "")] + [a.get("when", "") for a in acts]
    hist = x.get("history", [])
    return [
        safe_cell(v)
        for v in (
            area_name,
            goal_text,
            x["id"],
            x["what"],
            "\n".join(f"• {a['how']}" for a in acts),
            "\n".join(w for w in whens if w),
            x.get("who", ""),
            str(labels.get(x.get("status", ""), x.get("status", ""))),
            x.get("start") or "",
            x.get("due") or "",
            ", ".join(x.get("indicators", [])),
            ", ".join(x.get("regions", [])),
            ", ".join(x.get("pathways", [])),
            hist[-1].get("comment", "") if hist else "",
        )
    ]


def _history_rows(x: dict[str, Any], labels: dict) -> list[list[Any]]:
    """The rows of one action's status updates in the sheet *Historik*."""
    return [
        [
            safe_cell(v)
            for v in (
                x["id"],
                u["date"],
                str(labels.get(u["status"], u["status"])),
                u.get("comment", ""),
                u.get("by", ""),
                "ja" if u.get("synthetic") else "",
            )
        ]
        for u in x.get("history", [])
    ]


def write_xlsx(plan: Any, out: Path) -> None:
    """The plan for reading: one row per action (with its activities) and its history."""
    from django.utils import translation
    from openpyxl import Workbook

    from lofte.web.plans.models import Status

    # The workbook is Swedish throughout (its headers are), whatever language is active.
    with translation.override("sv"):
        labels = {value: str(label) for value, label in Status.choices}
    wb = Workbook()
    ws = wb.active
    ws.title = "Åtgärder"
    ws.append(_XLSX_HEAD)
    history = wb.create_sheet("Historik")
    history.append(["Id", "Datum", "Status", "Kommentar", "Av", "Syntetisk"])
    for area in plan_to_data(plan)["areas"]:
        area_name = f"{area.get('number', '')} {area['name']}".strip()
        for goal in area["goals"]:
            goal_text = f"{goal.get('number', '')} {goal['text']}".strip()
            for x in goal["actions"]:
                ws.append(_action_row(area_name, goal_text, x, labels))
                for row in _history_rows(x, labels):
                    history.append(row)
    for sheet in (ws, history):
        format_sheet(sheet, header_row=1)
    for i, width in enumerate(_XLSX_WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    wb.save(tmp)
    tmp.replace(out)


def export_plan(plan: Any, out: Path) -> Path:
    """Write the plan to ``out``: XLSX for reading when it ends ``.xlsx``, else YAML."""
    out = Path(out)
    if out.suffix.lower() == ".xlsx":
        write_xlsx(plan, out)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(dump_yaml(plan_to_data(plan)), encoding="utf-8")
        tmp.replace(out)
    return out


def summaries() -> list[dict[str, Any]]:
    """Every plan with ``id``, ``name``, ``organisation``, ``period`` and counts."""
    from django.db.models import Count

    from lofte.web.plans.models import Action, Goal, Plan

    goals = dict(
        Goal.objects.values_list("area__plan")
        .annotate(n=Count("id"))
        .values_list("area__plan", "n")
    )
    actions = dict(
        Action.objects.values_list("goal__area__plan")
        .annotate(n=Count("id"))
        .values_list("goal__area__plan", "n")
    )
    return [
        {
            "id": p.slug,
            "name": p.name,
            "organisation": p.organisation,
            "period": p.period,
            "goals": goals.get(p.pk, 0),
            "actions": actions.get(p.pk, 0),
        }
        for p in Plan.objects.order_by("slug")
    ]
