"""Commit subjects are at most 72 characters (CONTRIBUTING), from the filing of issue 17 on.

Checked: every commit made since the last commit before the issue was filed (the first work of
2026-12-05 descends from it), on every merged branch; older history is left as it was, and the
six commits of that day that went over the limit before the hook existed are listed by name.
The test needs the git history: a clone without it (an unpacked archive) has nothing to check,
and says so by skipping.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The last commit before issue 17 ("commit subjects ≤ 72 characters from now on") was filed.
SINCE = "22347ce"
LIMIT = 72
#: Commits merged over the limit before the hook (``.githooks/commit-msg``) stopped them; the
#: history is not rewritten, since later commits and documents refer to their descendants.
MERGED_OVER = {
    "ca11558": "store clean-up, 108 characters (2026-12-05 08:00, before the hook of bc201f3)",
    "06152ce": "English texts of the start page, 77 characters (2026-12-05 08:22, before the hook)",
    "b913a46": "test_integrity, 77 characters (2026-12-05 08:56, before the hook)",
    "5937997": "reader.sha256_of, 77 characters (2026-12-05 09:03, before the hook)",
    "55e9e6c": "URL x role test, 74 characters (helper branch begun before bc201f3 set the rule)",
    "c9977c0": "issue-17-results helper branch, 76 characters, merged in be13833 (2026-12-05)",
}


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )


def test_commit_subjects_fit_in_72_characters():
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("no git history here")
    if _git("cat-file", "-e", f"{SINCE}^{{commit}}").returncode != 0:
        pytest.skip(f"history does not reach {SINCE} (shallow clone)")
    log = _git("log", "--ancestry-path", "--format=%h %s", f"{SINCE}..HEAD")
    assert log.returncode == 0, log.stderr
    long = [
        line
        for line in log.stdout.splitlines()
        if len(line.split(" ", 1)[1]) > LIMIT and line.split(" ", 1)[0] not in MERGED_OVER
    ]
    assert not long, "commit subjects over 72 characters:\n" + "\n".join(long)
