"""The read-only JSON API (``/api/v1/``): the public cube, the catalogues and the report list.

Public means suppressed: cells come from :mod:`lofte.cube.query`, which only ever holds the
blanked public view. The OpenAPI 3.1 description (``openapi.json``) is written by hand in
:mod:`lofte.web.results.openapi`; a test checks every response against it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from lofte.catalog import load
from lofte.cube import query
from lofte.reports import store
from lofte.web.results.openapi import document

DEFAULT_LIMIT = 1000
CACHE = "public, max-age=60"
CACHE_SECONDS = 600


def _json(data: Any, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, status: int = 400) -> JsonResponse:
    return _json({"error": message}, status=status)


def _list(request: HttpRequest, name: str) -> list[str] | None:
    values = [v for raw in request.GET.getlist(name) for v in raw.split(",") if v]
    return values or None


@require_safe
def cube(request: HttpRequest) -> HttpResponse:
    """Public cells; every filter optional; paginated by ``limit`` and ``offset``."""
    cat = load()
    get = request.GET
    try:
        limit = int(get.get("limit", DEFAULT_LIMIT))
        offset = int(get.get("offset", 0))
    except ValueError:
        return _error("limit and offset must be whole numbers")
    if not 1 <= limit <= query.MAX_LIMIT or offset < 0:
        return _error(f"limit must be 1–{query.MAX_LIMIT} and offset ≥ 0")
    indicator = get.get("indicator") or None
    if indicator is not None and indicator not in cat.indicators:
        return _error(f"unknown indicator: {indicator}")
    regions = _list(request, "region")
    unknown = [r for r in regions or [] if r not in cat.regions]
    if unknown:
        return _error(f"unknown region: {', '.join(unknown)}")
    level = get.get("region_level") or None
    if level is not None and level not in ("nation", "healthcare_region", "county"):
        return _error("region_level must be nation, healthcare_region or county")
    ptype = get.get("period_type") or None
    if ptype is not None and ptype not in query.PERIOD_TYPES:
        return _error(f"period_type must be one of {', '.join(query.PERIOD_TYPES)}")
    basis = get.get("region_basis")
    if basis is not None and basis not in ("", "bostad", "avslutande"):
        return _error("region_basis must be bostad, avslutande or empty")
    filters = query.Filters(
        indicator=indicator,
        regions=regions,
        region_level=level,
        region_basis=basis,
        pathway=get.get("pathway") or None,
        treatment=get.get("treatment") or None,
        period_type=ptype,
        periods=_list(request, "period"),
        period_from=get.get("period_from") or None,
        period_to=get.get("period_to") or None,
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
        body = json.dumps(_cube_page(request, filters, version, limit, offset), ensure_ascii=False)
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
    table = query.select(filters)
    total = table.num_rows
    rows = table.slice(offset, limit).to_pylist()

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
            }
        )
    return out


@require_safe
def catalog(request: HttpRequest, what: str) -> JsonResponse:
    if what == "promises":
        results = _promises()
    elif what == "indicators":
        results = _indicators()
    else:
        results = load().as_json(what)
    return _json({"results": results})


@require_safe
def reports(request: HttpRequest) -> JsonResponse:
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


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    return _json(document(request.build_absolute_uri("/api/v1")))


@require_safe
def docs(request: HttpRequest) -> Any:
    """A human-readable page about the API (the machine-readable one is openapi.json)."""
    return render(request, "results/api.html", {"spec": document("/api/v1")})
