"""Where written reports live, and how other parts of Löfte (the site, the API) find them.

A report for a healthcare region and a half-year is written to
``LOFTE_HOME/reports/<healthcare region code>/<period>/`` as ``report.<ext>`` (Swedish, the names
SPEC §9 gives) and ``report.en.<ext>`` (English) for each format (``html``, ``pdf``, ``xlsx``),
next to ``model.json`` (the
report model every rendering was made from). A report is complete when ``model.json`` exists: the
writer puts it there last, after every rendering is in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lofte import config

FORMATS = ("html", "pdf", "xlsx")
LANGUAGES = ("sv", "en")
MODEL_FILE = "model.json"


def root() -> Path:
    """The directory that holds every report."""
    return config.subdir("reports")


def report_dir(healthcare_region: str, period: str) -> Path:
    """The directory of one report (not created)."""
    return root() / healthcare_region / period


def file_name(language: str, fmt: str) -> str:
    """``report.pdf`` (Swedish, SPEC §9), ``report.en.pdf`` (English) and so on."""
    if language not in LANGUAGES or fmt not in FORMATS:
        raise ValueError(f"unknown report language or format: {language} {fmt}")
    return f"report.{fmt}" if language == "sv" else f"report.{language}.{fmt}"


@dataclass(frozen=True)
class ReportEntry:
    """A complete report on disk."""

    healthcare_region: str
    period: str
    directory: Path
    written: datetime
    files: dict[tuple[str, str], Path] = field(default_factory=dict)

    def path(self, language: str, fmt: str) -> Path | None:
        """The file of one language and format, if it was written."""
        return self.files.get((language, fmt))


def list_reports() -> list[ReportEntry]:
    """Every complete report, newest period first, then by healthcare region."""
    entries: list[ReportEntry] = []
    base = root()
    for model in base.glob(f"*/*/{MODEL_FILE}"):
        directory = model.parent
        files = {
            (lang, fmt): directory / file_name(lang, fmt)
            for lang in LANGUAGES
            for fmt in FORMATS
            if (directory / file_name(lang, fmt)).is_file()
        }
        entries.append(
            ReportEntry(
                healthcare_region=directory.parent.name,
                period=directory.name,
                directory=directory,
                written=datetime.fromtimestamp(model.stat().st_mtime),
                files=files,
            )
        )
    entries.sort(key=lambda e: (e.period, e.healthcare_region))
    entries.sort(key=lambda e: e.period, reverse=True)
    return entries
