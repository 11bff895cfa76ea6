"""Interfaces between the web apps, so that one app can show what another one keeps without
importing it: the apps stay independent of each other (issue 17), and the site works with an
app left out.

An app that provides something registers a function here in its ``AppConfig.ready()``; an app
that shows it calls the function here, which answers "nothing" while no provider is installed.

- :func:`public_actions`: per region, the titles of the active actions of the action plans
  linked to an indicator (provided by ``lofte.web.plans``, shown by ``lofte.web.results``).
  Titles only: never owners, responsible persons or accounts.
- :func:`public_projects`: the funded projects linked to an indicator (provided by
  ``lofte.grants``, shown by ``lofte.web.results``).
- :func:`projects_by_gap`: the funded projects per (indicator, region) gap (provided by
  ``lofte.grants``, shown on the gap board of ``lofte.web.plans``).
- :func:`project_reminders`: mail the applicants whose project report is due (provided by
  ``lofte.grants``, run by the daily reminders of ``lofte.web.plans``).

``lofte.grants`` builds on the site (accounts, audit, plans, what-if); the site reaches the
grants only through here, so that the import graph has no cycle (issue 17).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

#: ``(indicator, regions) -> {region: [title, ...]}``
PublicActions = Callable[[str, Sequence[str]], dict[str, list[str]]]

_public_actions: PublicActions | None = None


def provide_public_actions(provider: PublicActions | None) -> None:
    """Install (or, with None, remove) the provider of :func:`public_actions`."""
    global _public_actions
    _public_actions = provider


def has_public_actions() -> bool:
    """Whether an app provides action titles (the site then shows its section on actions)."""
    return _public_actions is not None


def public_actions(indicator: str, regions: Sequence[str]) -> dict[str, list[str]]:
    """Per region, the titles of the active actions linked to ``indicator`` there (or to a
    region containing it); every region in ``regions`` is a key. Empty lists without a
    provider."""
    if _public_actions is None:
        return {code: [] for code in regions}
    found = _public_actions(indicator, regions)
    return {code: list(found.get(code, [])) for code in regions}


#: ``(indicator) -> [project, ...]`` (:class:`lofte.grants.outcomes.PublicProject`)
PublicProjects = Callable[[str], list[Any]]
#: ``() -> {(indicator, region): [project, ...]}``
ProjectsByGap = Callable[[], dict[tuple[str, str], list[Any]]]
#: ``(days) -> mails sent``
ProjectReminders = Callable[[int], int]

_public_projects: PublicProjects | None = None
_projects_by_gap: ProjectsByGap | None = None
_project_reminders: ProjectReminders | None = None


def provide_projects(
    public: PublicProjects | None,
    by_gap: ProjectsByGap | None,
    reminders: ProjectReminders | None,
) -> None:
    """Install (or, with None, remove) the providers of :func:`public_projects`,
    :func:`projects_by_gap` and :func:`project_reminders`."""
    global _public_projects, _projects_by_gap, _project_reminders
    _public_projects, _projects_by_gap, _project_reminders = public, by_gap, reminders


def public_projects(indicator: str) -> list[Any]:
    """The funded projects linked to ``indicator``, newest year first (none without a
    provider)."""
    return [] if _public_projects is None else _public_projects(indicator)


def projects_by_gap() -> dict[tuple[str, str], list[Any]]:
    """The funded projects keyed by (indicator, region) (empty without a provider)."""
    return {} if _projects_by_gap is None else _projects_by_gap()


def project_reminders(days: int) -> int:
    """Mail the applicants whose project report is due within ``days`` or overdue; returns the
    mails sent (0 without a provider)."""
    return 0 if _project_reminders is None else _project_reminders(days)
