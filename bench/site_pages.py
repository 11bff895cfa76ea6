"""Render a broad set of public result pages and JSON API answers to files, or compare them.

A before/after check for refactoring the results site (issue 17): run it on one ``LOFTE_HOME``
(``lofte demo --quick``) before a change with ``--out DIR``, after it with ``--out DIR2``, then
``--compare DIR DIR2``. Every tab, the funnel, a median, the waiting count, the inclusion (a
share above 100 %), an imported value with a series break, the nation, a healthcare region and
the healthcare-region level, in Swedish and English. The CSP nonce
and the CSRF token, the only things that differ between two renderings of one page, are
replaced by a fixed word.

    LOFTE_HOME=/tmp/home .venv/bin/python bench/site_pages.py --out /tmp/before
    LOFTE_HOME=/tmp/home .venv/bin/python bench/site_pages.py --compare /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import sys
from pathlib import Path

INDICATORS = (
    "svf_andel_inom_ledtid",  # a share with a target
    "svf_ledtid_median",  # a median: no n published
    "svf_pagaende_over_ledtid",  # the waiting count (months only)
    "svf_inklusion",  # a share that may exceed 100 %
    "svf_antal_avslutade",  # a count
    "pal_brytpunktssamtal",  # imported values with a series break
    "screening_cervix_tackning",  # a borrowed reference level
    "npe_delaktighet",  # a score
)
VIEWS = ("jamforelse", "trend", "tabell", "karta", "om")
AREAS = (
    {"region": "SE"},
    {"region": "sydost"},
    {"region": "SE", "level": "healthcare_region"},
)
EXTRA = (
    "/",
    "/?omrade=sydost",
    "/?indicator=svf_andel_inom_ledtid&view=jamforelse&chart=tratt",
    "/?indicator=svf_andel_inom_ledtid&region=vast&view=jamforelse&chart=tratt",
    "/?indicator=svf_andel_inom_ledtid&pathway=brost&treatment=kirurgi&ptype=quarter",
    "/?indicator=svf_andel_inom_ledtid&ptype=month&view=tabell",
    "/?indicator=svf_ledtid_median&pathway=prostata&view=tabell&ptype=year",
    "/?indicator=nonsense&view=nonsense",
    "/rapporter/",
    "/om-statistiken/",
    "/api/",
    "/api/v1/catalog/indicators",
    "/api/v1/reports",
    "/api/v1/cube?indicator=svf_andel_inom_ledtid&region=SE",
    "/api/v1/cube?indicator=svf_ledtid_median&period_type=year&limit=500",
    "/api/v1/cube?indicator=svf_inklusion&region_level=county&limit=500",
)
#: What differs between two renderings of one page: the CSP nonce and the CSRF token.
RANDOM = re.compile(
    r'nonce="[^"]*"|nonce-[A-Za-z0-9+/=_-]+|name="csrfmiddlewaretoken" value="[^"]*"'
)


def urls() -> list[str]:
    """Every page of the set, as a path with its query."""
    from urllib.parse import urlencode

    out = [
        "/?" + urlencode({"indicator": code, **area, "view": view})
        for code in INDICATORS
        for area in AREAS
        for view in VIEWS
    ]
    return out + list(EXTRA)


def render(out: Path) -> int:
    """Write every page in sv and en to ``out`` (one file per page); the number written."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lofte.web.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.test import Client

    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for lang in ("sv", "en"):
        client = Client()
        client.cookies["django_language"] = lang
        for url in urls():
            response = client.get(url)
            body = RANDOM.sub("random", response.content.decode("utf-8", "replace"))
            name = f"{lang}-{hashlib.sha256(url.encode()).hexdigest()[:12]}.txt"
            (out / name).write_text(f"{url}\n{response.status_code}\n{body}", encoding="utf-8")
            written += 1
    return written


def compare(before: Path, after: Path) -> int:
    """Print the differences between two renderings; the number of files that differ."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = 0
    for name in names:
        a, b = before / name, after / name
        left = a.read_text(encoding="utf-8") if a.exists() else ""
        right = b.read_text(encoding="utf-8") if b.exists() else ""
        if left != right:
            differ += 1
            sys.stdout.writelines(
                difflib.unified_diff(
                    left.splitlines(True), right.splitlines(True), str(a), str(b), n=1
                )
            )
    print(f"{len(names)} pages, {differ} differ")
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", type=Path, nargs=2)
    args = parser.parse_args()
    if args.compare:
        sys.exit(1 if compare(*args.compare) else 0)
    if args.out is None:
        parser.error("--out DIR or --compare BEFORE AFTER")
    print(f"{render(args.out)} pages written to {args.out}")


if __name__ == "__main__":
    main()
