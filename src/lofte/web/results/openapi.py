"""The OpenAPI 3.1 description of the public JSON API, written by hand.

Keep it true: ``tests/web/results/test_openapi.py`` validates real responses against these
schemas (every documented required field present, no undocumented field, types as declared).
"""

from __future__ import annotations

from typing import Any

from lofte.cube.query import COLUMNS, MAX_LIMIT, PERIOD_TYPES


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


CELL_PROPERTIES: dict[str, Any] = {
    "indicator": {"type": "string", "description": "Indicator code (see /catalog/indicators)."},
    "region": {"type": "string", "description": "SE, a healthcare region code or a county code."},
    "region_level": {"type": "string", "enum": ["nation", "healthcare_region", "county"]},
    "region_basis": _nullable(
        "string",
        description="bostad (patient's home county) or avslutande (the county that closed the "
        "pathway); null for imported aggregate indicators.",
    ),
    "pathway": {"type": "string", "description": "Pathway id, or alla (all pathways)."},
    "treatment": {"type": "string", "description": "Treatment, or alla."},
    "period": {"type": "string", "description": "2024, 2024H1, 2024Q3 or 2024-03."},
    "period_type": {"type": "string", "enum": list(PERIOD_TYPES)},
    "numerator": _nullable("integer", description="Null when suppressed or not counted."),
    "denominator": _nullable("integer", description="Null when suppressed or not counted."),
    "value": _nullable(
        "number", description="Percent 0–100, days, score or count; null when suppressed."
    ),
    "ci_low": _nullable("number", description="95 % Wilson interval, percent."),
    "ci_high": _nullable("number", description="95 % Wilson interval, percent."),
    "suppressed": {
        "type": "boolean",
        "description": "True: the cell is hidden by disclosure control (fewer than min_cell "
        "cases, or hidden so that another could not be recovered).",
    },
    "target": _nullable("number", description="Target level (the low level of a pair)."),
    "target_high": _nullable("number", description="High target level of a low/high pair."),
    "meets_target": _nullable("boolean"),
}
assert tuple(CELL_PROPERTIES) == COLUMNS

CELL = {
    "type": "object",
    "required": list(COLUMNS),
    "additionalProperties": False,
    "properties": CELL_PROPERTIES,
}

CUBE_PAGE = {
    "type": "object",
    "required": ["cube_version", "count", "limit", "offset", "next", "previous", "results"],
    "additionalProperties": False,
    "properties": {
        "cube_version": {
            "type": "string",
            "description": "Changes whenever the cube is recomputed.",
        },
        "count": {"type": "integer", "description": "Cells matching the filters (all pages)."},
        "limit": {"type": "integer"},
        "offset": {"type": "integer"},
        "next": _nullable("string", format="uri"),
        "previous": _nullable("string", format="uri"),
        "results": {"type": "array", "items": {"$ref": "#/components/schemas/Cell"}},
    },
}

TARGET = {
    "oneOf": [
        {"type": "null"},
        {"type": "object", "required": ["value"], "properties": {"value": {"type": "number"}}},
        {
            "type": "object",
            "required": ["low", "high"],
            "properties": {"low": {"type": "number"}, "high": {"type": "number"}},
        },
    ]
}

INDICATOR = {
    "type": "object",
    "required": [
        "code",
        "name_sv",
        "name_en",
        "description_sv",
        "description_en",
        "promise",
        "unit",
        "direction",
        "source",
        "target",
        "target_source",
        "min_cell",
    ],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string"},
        "name_sv": {"type": "string"},
        "name_en": {"type": "string"},
        "description_sv": {"type": "string"},
        "description_en": {
            "type": "string",
            "description": "The definition in English, a rendering of description_sv.",
        },
        "promise": _nullable("integer"),
        "unit": {"type": "string", "enum": ["percent", "days", "score", "count"]},
        "direction": _nullable("string"),
        "source": {"type": "string", "enum": ["svf", "aggregate"]},
        "target": TARGET,
        "target_source": {"type": "string"},
        "min_cell": {"type": "integer"},
    },
}

REGION = {
    "type": "object",
    "required": ["code", "name", "level", "parent", "population", "population_year"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string"},
        "name": {"type": "string"},
        "level": {"type": "string", "enum": ["nation", "healthcare_region", "county"]},
        "parent": _nullable("string"),
        "population": _nullable("integer"),
        "population_year": _nullable("integer"),
    },
}

PATHWAY = {
    "type": "object",
    "required": [
        "id",
        "name_sv",
        "kva_prefix",
        "end_suffixes",
        "mdk_measured",
        "extended_marker",
        "icd10",
        "lead_times",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "name_sv": {"type": "string"},
        "kva_prefix": _nullable("string"),
        "end_suffixes": {"type": "array", "items": {"type": "integer"}},
        "mdk_measured": {"type": "boolean"},
        "extended_marker": _nullable("integer"),
        "icd10": {"type": "array", "items": {"type": "string"}},
        "lead_times": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["valid_from", "basic", "extended", "verified", "source"],
                "properties": {
                    "valid_from": {"type": "string", "format": "date"},
                    "basic": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "extended": {
                        "type": ["object", "null"],
                        "additionalProperties": {"type": "integer"},
                    },
                    "verified": {"type": "boolean"},
                    "source": {"type": "string"},
                },
            },
        },
    },
}

PROMISE = {
    "type": "object",
    "required": ["number", "text_sv", "text_en", "source", "indicators"],
    "additionalProperties": False,
    "properties": {
        "number": {"type": "integer"},
        "text_sv": {"type": "string"},
        "text_en": {"type": "string"},
        "source": {"type": "string"},
        "indicators": {"type": "array", "items": {"type": "string"}},
    },
}

REPORT = {
    "type": "object",
    "required": ["healthcare_region", "period", "written", "files"],
    "additionalProperties": False,
    "properties": {
        "healthcare_region": {"type": "string"},
        "period": {"type": "string"},
        "written": {"type": "string", "format": "date-time"},
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["language", "format", "url"],
                "additionalProperties": False,
                "properties": {
                    "language": {"type": "string", "enum": ["sv", "en"]},
                    "format": {"type": "string", "enum": ["html", "pdf", "xlsx"]},
                    "url": {"type": "string", "format": "uri"},
                },
            },
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {"type": "string"}},
}


def _listing(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["results"],
        "additionalProperties": False,
        "properties": {
            "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}
        },
    }


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _param(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def document(server: str) -> dict[str, Any]:
    """The OpenAPI document; ``server`` is the API's base URL."""
    catalog_paths = {
        f"/catalog/{what}": {
            "get": {
                "operationId": f"catalog_{what}",
                "summary": f"The {what} catalogue in force.",
                "responses": {"200": _ok(f"{schema}List", f"Every {what[:-1]}.")},
            }
        }
        for what, schema in (
            ("pathways", "Pathway"),
            ("indicators", "Indicator"),
            ("regions", "Region"),
            ("promises", "Promise"),
        )
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Löfte public results API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the published (disclosure-controlled) indicator cube of the "
                "cancer promises, the catalogues and the results reports. Cells with fewer than "
                "min_cell cases, and cells hidden so that no hidden count can be recovered, have "
                "suppressed = true and no numerator, denominator or value."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": server}],
        "paths": {
            "/cube": {
                "get": {
                    "operationId": "cube",
                    "summary": "Public cells of the indicator cube.",
                    "description": "Every filter is optional; lists: comma-separated or repeated.",
                    "parameters": [
                        _param("indicator", "Indicator code."),
                        _param("region", "Region code(s): SE, healthcare region, county."),
                        _param(
                            "region_level",
                            "nation, healthcare_region or county.",
                            {"type": "string", "enum": ["nation", "healthcare_region", "county"]},
                        ),
                        _param(
                            "region_basis",
                            "bostad or avslutande; empty for cells without a basis.",
                            {"type": "string", "enum": ["", "bostad", "avslutande"]},
                        ),
                        _param("pathway", "Pathway id or alla."),
                        _param("treatment", "Treatment or alla."),
                        _param(
                            "period_type",
                            "year, half, quarter or month.",
                            {"type": "string", "enum": list(PERIOD_TYPES)},
                        ),
                        _param("period", "Period label(s)."),
                        _param("period_from", "First period (inclusive)."),
                        _param("period_to", "Last period (inclusive)."),
                        _param(
                            "limit",
                            f"Page size, 1–{MAX_LIMIT} (default 1000).",
                            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                        ),
                        _param("offset", "Cells to skip.", {"type": "integer", "minimum": 0}),
                    ],
                    "responses": {
                        "200": _ok("CubePage", "One page of matching public cells."),
                        "400": _ok("Error", "A filter value is not valid."),
                        "404": _ok("Error", "No cube has been computed yet."),
                    },
                }
            },
            **catalog_paths,
            "/reports": {
                "get": {
                    "operationId": "reports",
                    "summary": "Published results reports, newest period first.",
                    "responses": {"200": _ok("ReportList", "Every complete report.")},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description.",
                    "responses": {"200": {"description": "OpenAPI 3.1 document."}},
                }
            },
        },
        "components": {
            "schemas": {
                "Cell": CELL,
                "CubePage": CUBE_PAGE,
                "Indicator": INDICATOR,
                "IndicatorList": _listing("Indicator"),
                "Region": REGION,
                "RegionList": _listing("Region"),
                "Pathway": PATHWAY,
                "PathwayList": _listing("Pathway"),
                "Promise": PROMISE,
                "PromiseList": _listing("Promise"),
                "Report": REPORT,
                "ReportList": _listing("Report"),
                "Error": ERROR,
            }
        },
    }
