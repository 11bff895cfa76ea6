"""The cheaper rendering of an indicator's page (ADRs 0135–0137) changes no byte of it.

- the frame filled per request is the template rendered whole, for every visitor it serves,
  and is never used for a logged-in user;
- the Jinja2 environment writes what Django's template engine writes (escaping, localisation,
  translation tags, filters);
- the series of imported figures kept per process follows a new import;
- the site's processes import neither DuckDB nor the compute engine, and ``lofte serve``'s
  processes no pandas.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from lofte.cube.aggregates import import_indicators
from lofte.web.results import shell, standing

pytestmark = pytest.mark.django_db

PAGE = {"indicator": "svf_andel_inom_ledtid", "region": "sydost", "view": "trend"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _whole(client, params, **headers) -> str:
    """The page with the frame cache bypassed (the template rendered whole)."""
    saved = shell._plain_visitor
    shell._plain_visitor = lambda request: False  # type: ignore[assignment]
    try:
        return client.get("/", params, **headers).content.decode()
    finally:
        shell._plain_visitor = saved  # type: ignore[assignment]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_filled_frame_is_the_template_rendered_whole(client, site_home, language):
    shell._frames.clear()
    # an address with characters the language switch's hidden field must escape
    params = {**PAGE, "x": '"><script>alert(1)</script>&'}
    first = client.get("/", params, HTTP_ACCEPT_LANGUAGE=language)
    again = client.get("/", params, HTTP_ACCEPT_LANGUAGE=language)  # from the kept frame
    whole = _whole(client, params, HTTP_ACCEPT_LANGUAGE=language)
    assert shell._frames, "the frame was kept"
    for response in (first, again):
        html = response.content.decode()
        assert TOKEN.sub("T", html) == TOKEN.sub("T", whole)
        assert "<script>alert" not in html and "&amp;x=%22%3E%3Cscript" in html
        assert response.cookies["csrftoken"].value  # the token cookie is set as before


def test_the_frame_token_is_accepted_by_the_language_switch(client, site_home):
    client.get("/", PAGE)
    client.get("/", PAGE)  # a second answer from the kept frame, a new token
    html = client.get("/", PAGE).content.decode()
    token = TOKEN.search(html)
    assert token is not None
    checking = client.__class__(enforce_csrf_checks=True)
    checking.cookies = client.cookies
    form = {"language": "en", "next": "/", "csrfmiddlewaretoken": token.group(1)}
    answer = checking.post(reverse("set_language"), form)
    assert answer.status_code == 302


def test_a_logged_in_user_never_gets_the_visitors_frame(client, site_home):
    from tests.web.accounts.fixtures import make_user

    shell._frames.clear()
    client.get("/", PAGE)
    assert shell._frames
    client.force_login(make_user("kerstin", ["statistician"]))
    html = client.get("/", PAGE).content.decode()
    assert "kerstin" in html and "Logga ut" in html
    client.logout()
    assert "kerstin" not in client.get("/", PAGE).content.decode()


JINJA_DJANGO = [
    ("{{ v }}", "{{ v }}"),
    ("{{ n }} {{ f }} {{ none }} {{ flag }}", "{{ n }} {{ f }} {{ none }} {{ flag }}"),
    ('{% translate "Andelar har ett 95 % konfidensintervall (Wilson)." %}', None),
    ('{% translate "Diagrammets värden finns också i tabellen nedan." %}', None),
    ("{% blocktranslate %}Färre än {{ min_cell }} fall redovisas ej.{% endblocktranslate %}", None),
    ('{{ items|join(", ") }}', '{{ items|join:", " }}'),
    (
        '{{ empty|default("–") }}|{{ v|default("–") }}',
        '{{ empty|default:"–" }}|{{ v|default:"–" }}',
    ),
    ("{{ v|capfirst }}", "{{ v|capfirst }}"),
    ('{{ spec|json_script("chart-spec") }}', '{{ spec|json_script:"chart-spec" }}'),
    ('{{ url("results:download", "csv") }}', "{% url 'results:download' 'csv' %}"),
]


@pytest.mark.parametrize(("jinja", "django"), JINJA_DJANGO)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_jinja_writes_what_django_writes(jinja, django, language):
    context = {
        "v": 'O\'Brien & <b>"Söder"</b>',
        "n": 1234567,
        "f": 12.5,
        "none": None,
        "flag": True,
        "items": ["a<b", "c'd"],
        "empty": "",
        "min_cell": "5 & <7>",
        "spec": {"a": "</script><b>"},
    }
    django_source = "{% load i18n %}" + (django or jinja)
    with translation.override(language):
        ours = engines["jinja2"].from_string(jinja).render(context)
        theirs = engines["django"].from_string(django_source).render(context)
    assert ours == theirs


def test_the_kept_series_follow_a_new_import(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LOFTE_HOME", str(tmp_path))
    header = "indicator,region,period,numerator,denominator,value,source,definition,note\n"
    key = ("pal_brytpunktssamtal", "sydost", "2024")
    first = tmp_path / "a.csv"
    first.write_text(header + 'pal_brytpunktssamtal,sydost,2024,,,70.5,"Källa A",,\n')
    import_indicators(first)
    assert standing.series_map()[key].source == "Källa A"
    assert standing.series_map()[key].source == "Källa A"  # kept
    second = tmp_path / "b.csv"
    second.write_text(header + 'pal_brytpunktssamtal,sydost,2024,,,71.5,"Källa B",,\n')
    import_indicators(second)
    assert standing.series_map()[key].source == "Källa B"  # the latest import wins


SERVING = """
import sys
from lofte.serve import as_installed
as_installed()
import django
django.setup()
import lofte.web.urls
import pyarrow as pa
pa.array(["a"], pa.string())  # pyarrow would import pandas here if it could
try:
    import pandas
    print("pandas imported")
except ModuleNotFoundError:
    pass
print(sorted(m for m in ("duckdb", "pandas", "lofte.cube.engine") if m in sys.modules))
"""


def test_serving_processes_import_neither_duckdb_nor_the_engine_nor_pandas(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-c", SERVING],
        env={
            "PATH": "/usr/bin:/bin",
            "LOFTE_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "lofte.web.settings",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
