"""Interfaces between the web apps, so that one app can show what another one keeps without
importing it: the apps stay independent of each other (issue 17), and the site works with an
app left out.

An app that provides something registers a function here in its ``AppConfig.ready()``; an app
that shows it calls the function here, which answers "nothing" while no provider is installed.

- :func:`public_actions`: per region, the titles of the active actions of the action plans
  linked to an indicator (provided by ``lofte.web.plans``, shown by ``lofte.web.results``).
  Titles only: never owners, responsible persons or accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
