"""The frame of an indicator's page, rendered once per process and filled in per request.

An indicator's page is ``results/results.html``: the site's frame (``base.html``: head, header,
navigation, language switch, footer) around the page body and the funded projects. For a visitor
who is not logged in and has no pending message, the frame depends only on the language, whether
the page has a chart and whether the installation runs on synthetic data, so it is rendered once
per such key with markers in the places that differ per request – the title, the body, the
projects, the address the language switch returns to and the CSRF token – and each request
replaces the markers (escaping what the template would escape). The result is the page the
template would render; logged-in users and pages with messages get the template as before.

The funded projects under the page are read once per indicator, language and cube version and
kept :data:`PROJECT_SECONDS` in the process, dropped at once when a grants record is saved or
deleted in it (the pattern of ADR 0132). docs/adr/0135-cached-page-frame.md.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from lofte.cube import query

TEMPLATE = "results/results.html"
PROJECTS_TEMPLATE = "grants/_indicator_projects.html"
#: Seconds a process keeps an indicator's funded projects.
PROJECT_SECONDS = 60.0
_MAX_KEPT = 512


def _mark(name: str) -> str:
    # NUL never occurs in a rendered page, so a marker cannot collide with content.
    return f"\x00lofte-{name}\x00"


BODY, PROJECTS, TITLE, PATH, CSRF = (
    _mark(n) for n in ("body", "projects", "title", "path", "csrf")
)

_lock = threading.Lock()
_projects: dict[tuple[str, str, str], tuple[float, str]] = {}
_frames: dict[tuple[Any, ...], list[str] | None] = {}


def forget_projects(**_: Any) -> None:
    """Drop the kept projects (connected to the grants' save and delete signals)."""
    with _lock:
        _projects.clear()


def forget(**_: Any) -> None:
    """Drop the kept frames and projects (connected to ``setting_changed``: tests)."""
    with _lock:
        _frames.clear()
        _projects.clear()


def projects_html(request: HttpRequest, indicator: str) -> str:
    """The section on the funded projects linked to ``indicator`` (empty text when none)."""
    from lofte.web.providers import public_projects

    try:
        version = query.version()
    except query.CubeMissing:
        version = ""
    key = (indicator, get_language() or "", version)
    now = time.monotonic()
    kept = _projects.get(key)
    if kept is not None and now - kept[0] < PROJECT_SECONDS:
        return kept[1]
    projects = public_projects(indicator)
    html = render_to_string(PROJECTS_TEMPLATE, {"projects": projects}, request=request)
    with _lock:
        if len(_projects) >= _MAX_KEPT:
            _projects.clear()
        _projects[key] = (now, html)
    return html


class _FrameRequest:
    """The request as the frame's template sees it: the same, except for its address."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    def get_full_path(self) -> str:
        return PATH


def _frame(request: HttpRequest, has_chart: bool, synthetic: Any) -> list[str] | None:
    """The frame split at its markers: [text, marker, text, marker, …, text], or None when
    the template does not show every marker exactly where expected (then it is rendered whole)."""
    key = (get_language(), has_chart, synthetic)
    if key in _frames:
        return _frames[key]
    context = {
        "body": mark_safe(BODY),
        "projects_html": mark_safe(PROJECTS),
        "page_title": TITLE,
        "has_chart": has_chart,
        "request": _FrameRequest(request),
        "csrf_token": CSRF,
    }
    page = render_to_string(TEMPLATE, context, request=request)
    parts = _split(page)
    if parts is not None and [parts[i] for i in range(1, len(parts), 2)].count(BODY) != 1:
        parts = None
    with _lock:
        _frames[key] = parts
    return parts


def _split(page: str) -> list[str] | None:
    parts: list[str] = []
    rest = page
    while "\x00" in rest:
        start = rest.index("\x00")
        end = rest.find("\x00", start + 1)
        marker = rest[start : end + 1]
        if end < 0 or marker not in (BODY, PROJECTS, TITLE, PATH, CSRF):
            return None
        parts += [rest[:start], marker]
        rest = rest[end + 1 :]
    return [*parts, rest]


def _plain_visitor(request: HttpRequest) -> bool:
    from django.contrib.messages import get_messages

    return not request.user.is_authenticated and len(get_messages(request)) == 0


def results_page(request: HttpRequest, cached: dict[str, Any], indicator: str) -> HttpResponse:
    """An indicator's page: ``cached`` holds its ``body``, ``has_chart`` and ``page_title``."""
    projects = projects_html(request, indicator)
    if _plain_visitor(request):
        from lofte.web.context_processors import synthetic_data

        parts = _frame(request, cached["has_chart"], synthetic_data(request)["synthetic_data"])
        if parts is not None:
            fill = {
                BODY: cached["body"],
                PROJECTS: projects,
                TITLE: escape(cached["page_title"]),
                PATH: escape(request.get_full_path()),
            }
            out = [
                part if i % 2 == 0 else (get_token(request) if part == CSRF else fill[part])
                for i, part in enumerate(parts)
            ]
            return HttpResponse("".join(out))
    context = {
        **cached,
        "body": mark_safe(cached["body"]),
        "projects_html": mark_safe(projects),
    }
    return render(request, TEMPLATE, context)
