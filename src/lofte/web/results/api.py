"""The read-only JSON API (``/api/v1/``): the public cube, the catalogues and the report list.

Public means suppressed: cells come from :mod:`lofte.cube.query`, which only ever holds the
blanked public view. The API is a django-ninja router: query parameters are parsed and validated
by the typed schema in :mod:`lofte.web.results.schemas`, from which the OpenAPI 3.1 document
(``openapi.json``) is generated; a test checks every response against it. Every unknown
parameter, a scalar parameter given twice, or a bad value is a 400 with a JSON message; an
unknown path under ``/api/v1/`` is a JSON 404 (``lofte.web.errors``). See
docs/adr/0104-api-schema.md.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError
from pydantic import BaseModel

from lofte.catalog import load
from lofte.cube import query
from lofte.reports import store
from lofte.web.results import schemas, standing

CACHE = "public, max-age=60"
CACHE_SECONDS = 600

api = NinjaAPI(
    title="Löfte public results API",
    version="1.0.0",
    description=(
        "Read-only access to the published (disclosure-controlled) indicator cube of the "
        "cancer promises, the catalogues and the results reports. Cells with fewer than "
        "min_cell cases, and cells hidden so that no hidden count can be recovered, have "
        "suppressed = true and no numerator, denominator or value. Every unknown parameter or "
        "bad value is answered 400 with a JSON message."
    ),
    urls_namespace="api",
    openapi_url=None,  # served by the `openapi` operation below, with the request's server
    docs_url=None,
)


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


class BadQuery(Exception):
    """A query the typed schema cannot express: an unknown or repeated parameter."""


def _message(error: dict[str, Any]) -> str:
    where = [str(p) for p in error.get("loc", ()) if p not in ("query", "q")]
    text = str(error.get("msg", "bad value")).removeprefix("Value error, ")
    return f"{where[-1]}: {text}" if where else text


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error("; ".join(_message(e) for e in exc.errors))


@api.exception_handler(BadQuery)
def _bad_query(request: HttpRequest, exc: BadQuery) -> HttpResponse:
    return _error(str(exc))


def _check_names(request: HttpRequest, model: type[BaseModel] | None = None) -> None:
    """Refuse parameters the operation does not know, and scalars given more than once."""
    fields = model.model_fields if model is not None else {}
    unknown = sorted(set(request.GET) - set(fields))
    if unknown:
        known = ", ".join(fields) or "none"
        raise BadQuery(f"unknown parameter: {', '.join(unknown)} (known: {known})")
    for name, field in fields.items():
        is_list = "list" in str(field.annotation)
        if not is_list and len(request.GET.getlist(name)) > 1:
            raise BadQuery(f"{name}: given more than once; it takes one value")


ERRORS = {400: schemas.Error, 404: schemas.Error}


def _get(path: str, **options: Any) -> Any:
    """A GET operation that answers HEAD too (HEAD is left out of the document)."""
    return api.api_operation(["GET", "HEAD"], path, **options)


@_get(
    "/cube",
    response={200: schemas.CubePage, **ERRORS},
    url_name="cube",
    operation_id="cube",
    summary="Public cells of the indicator cube.",
    description="Every filter is optional; lists: comma-separated or repeated.",
)
def cube(request: HttpRequest, q: Query[schemas.CubeQuery]) -> HttpResponse:
    """Public cells; every filter optional; paginated by ``limit`` and ``offset``."""
    _check_names(request, schemas.CubeQuery)
    filters = query.Filters(
        indicator=q.indicator,
        regions=q.region,
        region_level=q.region_level,
        region_basis=q.region_basis,
        pathway=q.pathway,
        treatment=q.treatment,
        period_type=q.period_type,
        periods=q.period,
        period_from=q.period_from,
        period_to=q.period_to,
    )
    try:
        version = query.version()
    except query.CubeMissing:
        return _error("no cube has been computed yet", status=404)
    # A page depends only on the cube file, the host and the query: cache its bytes under those.
    key = (
        "lofte-api-cube:"
        + hashlib.sha256(
            f"{version}|{request.get_host()}|{request.get_full_path()}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        page = _cube_page(request, filters, version, q.limit, q.offset)
        body = json.dumps(page, ensure_ascii=False)
        cache.set(key, body, CACHE_SECONDS)
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    response["ETag"] = f'"{version}"'
    return response


def _cube_page(
    request: HttpRequest, filters: query.Filters, version: str, limit: int, offset: int
) -> dict[str, Any]:
    get = request.GET
    total, rows = query.counted_cells(filters, limit, offset)
    rows = _with_standing(rows)

    def page(start: int) -> str:
        params = get.copy()
        params["offset"] = str(start)
        params["limit"] = str(limit)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    data = {
        "cube_version": version,
        "count": total,
        "limit": limit,
        "offset": offset,
        "next": page(offset + limit) if offset + limit < total else None,
        "previous": page(max(0, offset - limit)) if offset > 0 else None,
        "results": rows,
    }
    return data


def _with_standing(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each cell with its verdict, the standing of its target and, for imported figures, its
    series (source, definition) and whether a break comes before it (issue 14)."""
    cat = load()
    # a parent counting a share above 100 % below it: no verdict either (ADR 0504)
    rows = standing.mark_parents(cat, rows)
    imported = {r["indicator"] for r in rows if r["region_basis"] is None}
    series = standing.series_map() if imported else {}
    for row in rows:
        ind = cat.indicators.get(row["indicator"])
        if ind is None:  # an indicator no longer in the catalogue: nothing to judge against
            row.update(verdict="no_target", target_kind=None, source=None, definition=None)
            row["series_break"] = False
            continue
        found = series.get((ind.code, row["region"], row["period"]))
        row["verdict"] = standing.status(cat, ind, row)
        row["target_kind"] = standing.target_kind(cat, ind, row["region"], row["period"])
        row["source"] = None if found is None else found.source
        row["definition"] = None if found is None else found.definition
        row["series_break"] = standing.series_break(series, ind, row["region"], row["period"])
    return rows


def _promises() -> list[dict[str, Any]]:
    cat = load()
    return [
        {
            "number": p.number,
            "text_sv": p.text_sv,
            "text_en": p.text_en,
            "source": p.source,
            "indicators": [code for code, i in cat.indicators.items() if i.promise == p.number],
        }
        for p in cat.promises.values()
    ]


def _indicators() -> list[dict[str, Any]]:
    cat = load()
    out = []
    for item in cat.as_json("indicators"):
        ind = cat.indicator(item["code"])
        out.append(
            {
                **item,
                "description_sv": ind.description_sv,
                "description_en": ind.description_en,
                "target_source": ind.target_source,
                "target_source_en": ind.target_source_text("en"),
            }
        )
    return out


CATALOGS: dict[str, type[BaseModel]] = {
    "pathways": schemas.PathwayList,
    "indicators": schemas.IndicatorList,
    "regions": schemas.RegionList,
    "promises": schemas.PromiseList,
}


def catalog(request: HttpRequest, what: str) -> JsonResponse:
    """One catalogue in force (pathways, indicators, regions or promises) as JSON."""
    _check_names(request)
    if what == "promises":
        results = _promises()
    elif what == "indicators":
        results = _indicators()
    else:
        results = load().as_json(what)
    return _json({"results": results})


def _catalog_operation(what: str, listing: type[BaseModel]) -> None:
    def view(request: HttpRequest) -> JsonResponse:
        return catalog(request, what)

    view.__name__ = f"catalog_{what}"
    _get(
        f"/catalog/{what}",
        response={200: listing, 400: schemas.Error},
        url_name=f"catalog_{what}",
        operation_id=f"catalog_{what}",
        summary=f"The {what} catalogue in force.",
    )(view)


for _what, _listing in CATALOGS.items():
    _catalog_operation(_what, _listing)


@_get(
    "/reports",
    response={200: schemas.ReportList, 400: schemas.Error},
    url_name="reports",
    operation_id="reports",
    summary="Published results reports, newest period first.",
)
def reports(request: HttpRequest) -> JsonResponse:
    """Every published results report (healthcare region and half-year) with the address of
    each rendering: HTML, PDF and XLSX in Swedish and English."""
    _check_names(request)
    results = []
    for entry in store.list_reports():
        files = [
            {
                "language": language,
                "format": fmt,
                "url": request.build_absolute_uri(
                    reverse(
                        "results:report_file",
                        args=[entry.healthcare_region, entry.period, path.name],
                    )
                ),
            }
            for (language, fmt), path in sorted(entry.files.items())
        ]
        results.append(
            {
                "healthcare_region": entry.healthcare_region,
                "period": entry.period,
                "written": entry.written.isoformat(timespec="seconds"),
                "files": files,
            }
        )
    return _json({"results": results})


@_get(
    "/openapi.json",
    url_name="openapi",
    operation_id="openapi",
    summary="This description (OpenAPI 3.1 document).",
)
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 document of this API, generated from its typed schemas."""
    _check_names(request)
    return _json(document(request.build_absolute_uri("/api/v1")))


def docs(request: HttpRequest) -> Any:
    """A human-readable page about the API (the machine-readable one is openapi.json)."""
    return render(request, "results/api.html", {"spec": document("/api/v1")})


# --- the OpenAPI document -------------------------------------------------------------------


def _tidy(node: Any) -> Any:
    """Pydantic's JSON Schema in the plain subset our clients (and our checker) read:
    no titles or defaults, ``anyOf [X, null]`` of a simple type as ``type: [X, "null"]``, other
    ``anyOf`` (exclusive object shapes and null) as ``oneOf``."""
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _tidy(v) for k, v in node.items() if k not in ("title", "default")}
    options = out.pop("anyOf", None)
    if options is not None:
        simple = all(set(o) <= {"type", "format"} and "type" in o for o in options)
        formats = {o["format"] for o in options if "format" in o}
        if simple and len(formats) <= 1:
            out["type"] = [o["type"] for o in options]
            if formats:
                out["format"] = formats.pop()
        else:
            out["oneOf"] = options
    return out


@lru_cache(maxsize=16)
def _document(server: str) -> str:
    schema = dict(api.get_openapi_schema(path_prefix=""))
    schema["openapi"] = "3.1.0"
    schema["info"] = {**schema["info"], "license": {"name": "MIT", "identifier": "MIT"}}
    schema["servers"] = [{"url": server}]
    paths = {}
    for path, item in schema["paths"].items():
        paths["/" + path.lstrip("/")] = {m: op for m, op in item.items() if m != "head"}
    schema["paths"] = paths
    return json.dumps(_tidy(schema), ensure_ascii=False)


def document(server: str) -> dict[str, Any]:
    """The OpenAPI document generated from the operations and their typed schemas."""
    return dict(json.loads(_document(server)))
