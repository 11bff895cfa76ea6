"""Catalogue and target changes in the audit log.

The catalogue is YAML (SPEC §2): the package's files, or files of the same name in
``LOFTE_HOME/catalog/`` that take precedence. There is no web form that edits it, so changes are
detected: :func:`record_changes` fingerprints every catalogue file in force (SHA-256 of its
content, declared version, where it was read from) and compares with the last fingerprint in the
log. A changed ``targets.yaml`` is a *target change*; any other file a *catalogue change*. The
first call records the catalogue in force as the baseline. Compute runs call it, so the log shows
which catalogue every computation used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from lofte.web.audit.models import AuditEvent
from lofte.web.audit.service import mask, record

TARGETS_FILE = "targets.yaml"
_ACTIONS = (AuditEvent.Action.CATALOG_CHANGED, AuditEvent.Action.TARGET_CHANGED)


def fingerprint() -> dict[str, dict[str, str]]:
    """``{file name: {"sha256", "version", "path"}}`` of the catalogue in force (read afresh)."""
    from lofte.catalog import load

    cache_clear = getattr(load, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()  # see files changed since this process last read them
    files: dict[str, dict[str, str]] = {}
    for name, info in sorted(load().files.items()):
        path = Path(info.path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        files[name] = {"sha256": digest, "version": str(info.version), "path": str(path)}
    return files


def last_fingerprint() -> dict[str, dict[str, str]] | None:
    """The catalogue fingerprint of the newest catalogue or target change logged, or None."""
    event = AuditEvent.objects.filter(action__in=_ACTIONS).order_by("-at", "-id").first()
    if event is None:
        return None
    files = event.details.get("files")
    return files if isinstance(files, dict) else None


def record_changes(user: Any = None, username: str = "") -> list[AuditEvent]:
    """Record what changed in the catalogue since the last recorded fingerprint."""
    current = fingerprint()
    previous = last_fingerprint()
    if previous is None:
        return [
            record(
                AuditEvent.Action.CATALOG_CHANGED,
                user=user,
                username=username,
                object_type="catalog",
                details={"files": current, "changed": sorted(current), "baseline": True},
            )
        ]
    # Stored details went through the personnummer mask (a hex digest can hold a run of ten
    # digits), so compare like with like.
    masked = mask(current)
    changed = sorted(
        name for name in set(current) | set(previous) if masked.get(name) != previous.get(name)
    )
    events = []
    targets = [name for name in changed if name == TARGETS_FILE]
    others = [name for name in changed if name != TARGETS_FILE]
    for action, names in (
        (AuditEvent.Action.CATALOG_CHANGED, others),
        (AuditEvent.Action.TARGET_CHANGED, targets),
    ):
        if names:
            details = {
                "files": current,
                "changed": names,
                "before": {n: previous.get(n) for n in names},
            }
            events.append(
                record(
                    action,
                    user=user,
                    username=username,
                    object_type="catalog",
                    object_id=",".join(names)[:64],
                    details=details,
                )
            )
    return events
