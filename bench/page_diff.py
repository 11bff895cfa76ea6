"""Whether this tree's results pages are byte for byte those of a baseline revision.

Rendering work (templates, engines, caches of the page's frame) must not change a page. Each side
renders the same selections – drawn from the home's public file, each view in turn, some with
the other comparison level, the funnel chart or the about view, plus the start page – in Swedish
and English through Django's test client, in a process of its own; CSRF tokens are blanked.
Every page is asked twice, so a side that keeps something per process is compared kept too.

    .venv/bin/python bench/page_diff.py --home /tmp/lofte-nat --baseline REV [--pages 150]

Exit status 1 and the first differing lines when any page differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
VIEWS = ("jamforelse", "trend", "tabell", "karta", "om")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def urls(home: Path, pages: int, seed: int) -> list[str]:
    from load import selections

    drawn, _ = selections(home, pages, 1, seed)
    out = [re.sub(r"view=[a-z]+", f"view={VIEWS[i % len(VIEWS)]}", u) for i, u in enumerate(drawn)]
    extra = []
    for i, u in enumerate(out):
        if i % 3 == 0:
            extra.append(u + "&level=healthcare_region")
        if i % 4 == 1:
            extra.append(re.sub(r"view=[a-z]+", "view=jamforelse", u) + "&chart=tratt")
        if i % 7 == 2:
            extra.append(re.sub(r"view=[a-z]+", "view=om", u))
    return [*out, *extra, "/", "/?omrade=sydost"]


def worker(home: Path, url_file: Path, out_file: Path) -> None:
    """In the rendering process: every URL in sv and en, twice; write {key: html}."""
    os.environ.update(LOFTE_HOME=str(home), DJANGO_SETTINGS_MODULE="lofte.web.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.test import Client

    pages: dict[str, str] = {}
    for language in ("sv", "en"):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=language)
        for url in json.loads(url_file.read_text()):
            for turn in (1, 2):
                response = client.get(url)
                html = TOKEN.sub('name="csrfmiddlewaretoken" value="-"', response.content.decode())
                pages[f"{language} {turn} {url}"] = f"{response.status_code}\n{html}"
    out_file.write_text(json.dumps(pages))


def render(src: Path | None, home: Path, url_file: Path, out_file: Path) -> dict[str, str]:
    env = {**os.environ}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    command = [sys.executable, __file__, "--worker", "--home", str(home)]
    command += ["--urls", str(url_file), "--out", str(out_file)]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return dict(json.loads(out_file.read_text()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--baseline", metavar="REV")
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--seed", type=int, default=77)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.home, args.urls, args.out)
        return
    if not args.baseline:
        raise SystemExit("--baseline REV is needed (the revision to compare with)")
    from load import baseline_tree

    home = args.home.resolve()
    with tempfile.TemporaryDirectory() as tmp, baseline_tree(args.baseline) as base:
        url_file = Path(tmp) / "urls.json"
        url_file.write_text(json.dumps(urls(home, args.pages, args.seed)))
        ours = render(None, home, url_file, Path(tmp) / "ours.json")
        theirs = render(base, home, url_file, Path(tmp) / "theirs.json")
    differing = [key for key in ours if ours[key] != theirs.get(key)]
    print(f"{len(ours)} pages (sv and en, each asked twice): {len(differing)} differ")
    for key in differing[:3]:
        print(f"\n{key}")
        diff = difflib.unified_diff(
            theirs.get(key, "").splitlines(),
            ours[key].splitlines(),
            "baseline",
            "this tree",
            n=1,
            lineterm="",
        )
        print("\n".join(list(diff)[:30]))
    raise SystemExit(1 if differing else 0)


if __name__ == "__main__":
    main()
