"""Reading a plan file in either format (YAML: :mod:`lofte.web.plans.planfile`, CSV:
:mod:`lofte.web.plans.plancsv`) and importing it.

Above both readers, so that neither imports the other: the CSV reader builds on the YAML
reader's checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lofte.web.plans.plancsv import parse_csv
from lofte.web.plans.planfile import PlanFileError, parse_text, save_plan


def read(path: Path, *, name: str | None = None) -> dict[str, Any]:
    """Read and check a plan file; the plan as plain data, or :class:`PlanFileError`."""
    label = name or Path(path).name
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PlanFileError([f"{label}: filen kan inte läsas ({exc.strerror})"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError([f"{label}: filen är inte UTF-8 (byte {exc.start})"]) from None
    if Path(path).suffix.lower() == ".csv":
        return parse_csv(text, label)
    return parse_text(text, label)


def import_plan(path: Path, *, user: Any = None, username: str = "import") -> Any:
    """Check ``path`` completely, then create (or replace) the plan in one transaction."""
    spec = read(path)
    return save_plan(spec, user=user, username=username, label=Path(path).name)
