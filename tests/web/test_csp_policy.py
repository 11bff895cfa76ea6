"""The Content-Security-Policy without a browser: the header, templates free of inline code, and
the policy of a published report (the Chromium test in tests/e2e/test_csp.py opens every page)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest

import lofte.web
from lofte.web.security import standalone_policy

WEB = Path(lofte.web.__file__).parent
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lofte_home")]


def directives(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_every_page_gets_the_strict_policy(client):
    for path in ("/", "/rapporter/", "/api/", "/konto/logga-in/", "/finns-inte/", "/skrivbord/"):
        policy = directives(client.get(path)["Content-Security-Policy"])
        assert policy["default-src"] == ["'none'"]
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "inline style element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_site_templates_have_no_inline_code():
    found = []
    for template in sorted([*WEB.rglob("templates/**/*.html"), *WEB.rglob("jinja2/**/*.html")]):
        text = template.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{template.relative_to(WEB)}: {what}")
    assert not found, found


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_a_report_allows_exactly_its_own_inline_blocks():
    html = (
        "<style>h1{color:red}</style><script>var a=1;</script>"
        '<script type="application/json" id="d">{"x": 1}</script>'
        '<script src="/x.js"></script><p>text</p>'
    )
    policy = directives(standalone_policy(html.encode()))
    assert sorted(policy["script-src"]) == sorted([sha("var a=1;"), sha('{"x": 1}')])
    assert policy["style-src"] == [sha("h1{color:red}")]
    assert policy["sandbox"] == ["allow-scripts"] and policy["default-src"] == ["'none'"]
    assert "unsafe" not in standalone_policy(html.encode())
    assert directives(standalone_policy(b"<p>no code</p>"))["script-src"] == ["'none'"]


def test_published_report_is_served_with_its_own_policy(client):
    from lofte.reports import store

    directory = store.report_dir("sydost", "2025H1")
    directory.mkdir(parents=True)
    body = "<!doctype html><style>p{margin:0}</style><h1>Rapport</h1><script>var x;</script>"
    (directory / "report.html").write_text(body, encoding="utf-8")
    (directory / store.MODEL_FILE).write_text("{}", encoding="utf-8")
    response = client.get("/rapport/sydost/2025H1/report.html")
    assert response.status_code == 200 and response.content.decode() == body
    assert "attachment" not in response.get("Content-Disposition", "")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == [sha("var x;")] and policy["style-src"] == [sha("p{margin:0}")]
