"""A strict checker for the JSON Schema subset the OpenAPI document uses.

Supported: ``type`` (a name or a list), ``required``, ``properties``, ``additionalProperties``
(False or a schema), ``items``, ``enum``, ``oneOf``, ``minimum``/``maximum`` and local ``$ref``.
Anything else in a schema is an error, so the document cannot drift into untested keywords.
"""

from __future__ import annotations

from typing import Any

KNOWN = {
    "type",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "enum",
    "oneOf",
    "$ref",
    "description",
    "format",
    "minimum",
    "maximum",
}
TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "object": dict,
    "array": list,
    "null": type(None),
}


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[kind])


def errors(
    value: Any, schema: dict[str, Any], document: dict[str, Any], at: str = "$"
) -> list[str]:
    unknown = set(schema) - KNOWN
    if unknown:
        return [f"{at}: unsupported schema keywords {sorted(unknown)}"]
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return errors(value, document["components"]["schemas"][name], document, at)
    if "oneOf" in schema:
        matching = [s for s in schema["oneOf"] if not errors(value, s, document, at)]
        return [] if len(matching) == 1 else [f"{at}: matches {len(matching)} of oneOf"]
    found: list[str] = []
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is(value, k) for k in kinds):
            return [f"{at}: {value!r} is not {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{at}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{at}: missing required field {name!r}")
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                found += errors(item, props[name], document, f"{at}.{name}")
            elif extra is False:
                found.append(f"{at}: undocumented field {name!r}")
            elif isinstance(extra, dict):
                found += errors(item, extra, document, f"{at}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            found += errors(item, schema["items"], document, f"{at}[{i}]")
    return found
