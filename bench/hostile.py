"""Hostile delivery files and the event-store check, measured (issue 12). A script, not a test.

    uv run python bench/hostile.py                 # hostile files: time and peak memory
    uv run python bench/hostile.py --home DIR      # also: verifying DIR's event store

Each hostile file is read by ``lofte.svf.reader.read_delivery`` in a child process of its own, so
that its peak resident memory (``ru_maxrss``) is its own; the goal is a refusal within 2 s and
300 MB. The files are made here, in ``bench/out/hostile/`` (git ignores ``bench/out``):

- ``bomb.xlsx``: about 1 MB, one sheet part that unpacks to 1 GiB;
- ``rows.xlsx``: more rows than Excel's 1 048 576 (1.2 million short rows);
- ``enhet.xlsx``: a 128 MiB ``enhet`` value that barely compresses less than the ratio limit;
- ``header.csv``: a 1 MB header line; ``mixed.csv``: UTF-8 and Windows-1252 in one file.

With ``--home`` the script also times :func:`lofte.svf.integrity.problems` over the home's active
deliveries (the check compute runs before reading), against the bytes it hashes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out" / "hostile"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ["personnummer", "kva", "datum", "rapporterande_region", "lan", "enhet"]

_PACKAGE = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><sheets><sheet name="SVF" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def _xlsx(path: Path, chunks) -> Path:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in _PACKAGE.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            sheet.write(('<row r="1">' + "".join(_inline(h) for h in HEADER) + "</row>").encode())
            for chunk in chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return path


def make_files() -> dict[str, Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def bomb():  # type: ignore[no-untyped-def]
        yield b'<row r="2"><c t="inlineStr"><is><t>'
        block = b"A" * (1 << 20)
        for _ in range(1024):
            yield block
        yield b"</t></is></c></row>"

    files["bomb.xlsx"] = _xlsx(OUT / "bomb.xlsx", bomb())

    def rows():  # type: ignore[no-untyped-def]
        # Numbered rows and values, so that the part compresses like a real sheet (not a bomb);
        # 1.2 million rows: what matters is that the reader stops after Excel's 1 048 576.
        for start in range(2, 1_200_002, 100_000):
            yield b"".join(
                b'<row r="%d"><c><v>%d</v></c></row>' % (n, n * 7919 % 100003)
                for n in range(start, start + 100_000)
            )

    files["rows.xlsx"] = _xlsx(OUT / "rows.xlsx", rows())

    def enhet():  # type: ignore[no-untyped-def]
        import random

        rng = random.Random(1)
        letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        yield b'<row r="2">' + b"".join(
            _inline(v).encode() for v in ["1", "VG910", "2024-01-01", "05", "05"]
        )
        yield b'<c t="inlineStr"><is><t>'
        for _ in range(128):
            yield bytes(rng.choices(letters, k=1 << 20))
        yield b"</t></is></c></row>"

    files["enhet.xlsx"] = _xlsx(OUT / "enhet.xlsx", enhet())

    header = OUT / "header.csv"
    header.write_text(";".join(HEADER) + ";" + "x" * (1 << 20) + "\n19500301-1234;VG910\n")
    files["header.csv"] = header
    mixed = OUT / "mixed.csv"
    mixed.write_bytes(
        (";".join(HEADER) + "\n195003011234;VG910;2024-03-01;05;05;Östergötland\n").encode()
        + "195003011234;VG935;2024-03-10;05;05;Växjö\n".encode("cp1252")
    )
    files["mixed.csv"] = mixed
    return files


_CHILD = """
import json, resource, sys, time
from lofte.svf.reader import DeliveryFileError, read_delivery
started = time.perf_counter()
try:
    read_delivery(sys.argv[1])
    outcome = "read"
except DeliveryFileError as exc:
    outcome = "refused: " + str(exc)
print(json.dumps({"seconds": time.perf_counter() - started, "outcome": outcome,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def verify_home(home: Path) -> dict[str, object]:
    os.environ["LOFTE_HOME"] = str(home)
    from lofte.django_setup import setup

    setup()
    from lofte.svf import integrity
    from lofte.svf.models import Delivery

    active = list(Delivery.objects.filter(status="active").exclude(events_path=""))
    size = sum(d.events_bytes or 0 for d in active)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        found = integrity.problems(active)
        timings.append(time.perf_counter() - started)
    return {"files": len(active), "bytes": size, "seconds": sorted(timings), "problems": len(found)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, help="a LOFTE_HOME whose event store to verify")
    args = parser.parse_args()
    print(f"{'file':<12} {'size':>10} {'seconds':>8} {'peak MiB':>9}  outcome")
    for name, path in make_files().items():
        result = measure(path)
        print(
            f"{name:<12} {path.stat().st_size:>10} {result['seconds']:>8.2f} "
            f"{result['peak_mib']:>9.0f}  {str(result['outcome'])[:90]}"
        )
    if args.home:
        found = verify_home(args.home)
        print(
            f"verify {found['files']} event files, {found['bytes'] / 2**20:.1f} MiB: "
            f"{', '.join(f'{s:.3f}' for s in found['seconds'])} s"
            f" ({found['problems']} problems)"
        )


if __name__ == "__main__":
    main()
