"""Whether the results site's pages and API answers are byte for byte those of a baseline.

Rendering work (templates, engines, page models, caches of the page's frame) must not change a
page. The set of URLs is a curated list – every tab of eight kinds of indicator (a share, a
median, the waiting count, inclusion above 100 %, a count, an imported series with a break, a
borrowed reference, a score) for the nation, a healthcare region and the healthcare-region
level; the funnel; the start page; the static pages; every API operation and ``openapi.json``
– plus random selections drawn from the home's public file (pages, each view in turn, some with
the other comparison level, the funnel chart or the about view; API cube queries). Each URL is
rendered in Swedish and English through Django's test client, in a process of its own, and
asked twice, so a side that keeps something per process is compared kept too. The CSP nonce
and the CSRF token, the only things that differ between two renderings of one page, are
replaced by a fixed word.

    # this tree against a revision (rendered from a temporary git worktree of it)
    .venv/bin/python bench/page_diff.py --home /tmp/home --baseline main [--pages 150 --apis 50]
    # before/after on one machine: render to a directory before and after, then compare
    .venv/bin/python bench/page_diff.py --home /tmp/home --out /tmp/before
    .venv/bin/python bench/page_diff.py --home /tmp/home --out /tmp/after
    .venv/bin/python bench/page_diff.py --compare /tmp/before /tmp/after

``--home`` defaults to ``$LOFTE_HOME``. ``--out`` renders the checkout this script is in (its
``src``), so for a before/after across branches run each checkout's copy. With ``--baseline``
and ``--out DIR`` both renderings are kept in ``DIR/baseline`` and ``DIR/tree``. Exit status
1, the number of differing files and the first differing lines when any page differs. Method
and latest run: bench/README.md ("Same pages"); ADR 0722.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

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
    "/api/v1/openapi.json",
    "/api/v1/catalog/pathways",
    "/api/v1/catalog/indicators",
    "/api/v1/catalog/regions",
    "/api/v1/catalog/promises",
    "/api/v1/reports",
    "/api/v1/cube?indicator=svf_andel_inom_ledtid&region=SE",
    "/api/v1/cube?indicator=svf_ledtid_median&period_type=year&limit=500",
    "/api/v1/cube?indicator=svf_inklusion&region_level=county&limit=500",
    "/api/v1/cube?indicator=nonsense",
)
LANGUAGES = ("sv", "en")
TURNS = (1, 2)
#: What differs between two renderings of one page: the CSP nonce and the CSRF token.
RANDOM = re.compile(
    r'nonce="[^"]*"|nonce-[A-Za-z0-9+/=_-]+|name="csrfmiddlewaretoken" value="[^"]*"'
)


def curated() -> list[str]:
    """The fixed part of the set: every tab of each kind of indicator and area, and EXTRA."""
    pages = [
        "/?" + urlencode({"indicator": code, **area, "view": view})
        for code in INDICATORS
        for area in AREAS
        for view in VIEWS
    ]
    return pages + list(EXTRA)


def drawn(home: Path, pages: int, apis: int, seed: int) -> list[str]:
    """Random selections over what the home's public file holds (none when both are 0)."""
    if pages == 0 and apis == 0:
        return []
    from load import selections

    page_urls, api_urls = selections(home, pages, apis, seed)
    out = [
        re.sub(r"view=[a-z]+", f"view={VIEWS[i % len(VIEWS)]}", u) for i, u in enumerate(page_urls)
    ]
    extra = []
    for i, u in enumerate(out):
        if i % 3 == 0:
            extra.append(u + "&level=healthcare_region")
        if i % 4 == 1:
            extra.append(re.sub(r"view=[a-z]+", "view=jamforelse", u) + "&chart=tratt")
        if i % 7 == 2:
            extra.append(re.sub(r"view=[a-z]+", "view=om", u))
    return [*out, *extra, *api_urls]


def file_name(language: str, turn: int, url: str) -> str:
    return f"{language}-{turn}-{hashlib.sha256(url.encode()).hexdigest()[:16]}.txt"


def worker(home: Path, url_file: Path, out: Path) -> None:
    """In the rendering process: every URL in sv and en, twice, one file each in ``out``."""
    os.environ.update(LOFTE_HOME=str(home), DJANGO_SETTINGS_MODULE="lofte.web.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # a 4xx is an answer here
    from django.test import Client

    out.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
        for url in json.loads(url_file.read_text()):
            for turn in TURNS:
                response = client.get(url)
                body = RANDOM.sub("random", response.content.decode("utf-8", "replace"))
                head = f"{url}\n{response.status_code} {response.get('Content-Type', '')}\n"
                (out / file_name(language, turn, url)).write_text(head + body, encoding="utf-8")


def render(src: Path | None, home: Path, urls: list[str], out: Path) -> int:
    """Render ``urls`` with the ``lofte`` of ``src`` (this tree's by default) into ``out``."""
    if out.is_dir() and any(out.glob("*.txt")):
        # Files of an earlier set would count as pages missing on the other side.
        raise SystemExit(f"{out} holds rendered pages already: give an empty or new directory")
    out.mkdir(parents=True, exist_ok=True)
    url_file = out / "urls.json"  # kept: the set the files are of
    url_file.write_text(json.dumps(urls, indent=0))
    # The tree the script is in, not whatever the interpreter's packages point at.
    env = {**os.environ, "PYTHONPATH": str(src or ROOT / "src")}
    command = [sys.executable, __file__, "--worker", "--home", str(home)]
    command += ["--urls", str(url_file), "--out", str(out)]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return len(urls) * len(LANGUAGES) * len(TURNS)


def compare(before: Path, after: Path, show: int = 3) -> int:
    """Print how many files differ and the first lines of the first ``show``; their number."""
    for side in (before, after):
        if not side.is_dir():
            raise SystemExit(f"{side} is no directory of rendered pages")
    names = sorted({p.name for p in before.glob("*.txt")} | {p.name for p in after.glob("*.txt")})
    differing = []
    for name in names:
        a, b = before / name, after / name
        left = a.read_text(encoding="utf-8") if a.exists() else ""
        right = b.read_text(encoding="utf-8") if b.exists() else ""
        if left != right:
            differing.append((name, left, right))
    print(f"{len(names)} pages and API answers (sv and en, each asked twice): ", end="")
    print(f"{len(differing)} differ")
    for name, left, right in differing[:show]:
        url = (left or right).split("\n", 1)[0]
        print(f"\n{name[:4]} {url}")
        diff = difflib.unified_diff(
            left.splitlines(),
            right.splitlines(),
            str(before / name),
            str(after / name),
            n=1,
            lineterm="",
        )
        print("\n".join(list(diff)[:30]))
    if len(differing) > show:
        print(f"\n… and {len(differing) - show} more")
    return len(differing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=os.environ.get("LOFTE_HOME"))
    parser.add_argument("--baseline", metavar="REV", help="render REV too and compare")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write the rendered files here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--pages", type=int, default=150, help="random page selections")
    parser.add_argument("--apis", type=int, default=50, help="random API cube queries")
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--show", type=int, default=3, help="differing files to print")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.home, args.urls, args.out)
        return
    if args.compare:
        before, after = args.compare
        raise SystemExit(1 if compare(before, after, show=args.show) else 0)
    if not args.baseline and args.out is None:
        parser.error("--baseline REV, --out DIR or --compare BEFORE AFTER")
    if args.home is None:
        parser.error("--home DIR (or LOFTE_HOME) is needed")
    home = args.home.resolve()
    if not (home / "cube").is_dir():
        raise SystemExit(f"{home} is no Löfte home with a cube (run `lofte demo --quick` there)")
    urls = list(dict.fromkeys(curated() + drawn(home, args.pages, args.apis, args.seed)))
    if not args.baseline:
        print(f"{render(None, home, urls, args.out)} pages and API answers written to {args.out}")
        return
    from load import baseline_tree

    with tempfile.TemporaryDirectory() as tmp, baseline_tree(args.baseline) as base:
        keep = Path(args.out or tmp)
        render(None, home, urls, keep / "tree")
        render(base, home, urls, keep / "baseline")
        differing = compare(keep / "baseline", keep / "tree", show=args.show)
    raise SystemExit(1 if differing else 0)


if __name__ == "__main__":
    main()
