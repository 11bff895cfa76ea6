"""Nothing under src/ looks like a secret: no key files, no private keys, no credentials, no
high-entropy blobs, and no state directory (LOFTE_HOME) inside the package.

Every file on disk under src/ is read (not only the committed ones: what is there would ship in
the wheel). A generated Django key once sat at ``src/lofte/web/desk/var/secret/django.key``;
this test fails on such a file by its name, its folder and its content.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
SKIP_DIRS = {"__pycache__"}

SECRET_NAMES = re.compile(
    r"(\.key|\.pem|\.p12|\.pfx|\.jks|\.keystore|\.der|\.crt|\.env|\.netrc|\.pgpass|"
    r"^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?|^secrets?(\..*)?|\.sqlite3?|\.db)$",
    re.I,
)
SECRET_DIRS = {"var", "secret", "secrets", ".ssh"}
SECRET_TEXT = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "AWS access key id"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"), "GitHub token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "Slack token"),
    (re.compile(r"django-insecure-"), "Django development key"),
    (
        re.compile(
            r"""(SECRET_KEY|PSEUDONYM_KEY|PASSWORD|API_KEY|TOKEN)\s*=\s*["'][^"']{8,}["']"""
        ),
        "credential assigned in code",
    ),
    (re.compile(r"postgres(ql)?://[^:\s/]+:[^@\s]{3,}@"), "database URL with a password"),
]
#: Vendored third-party files whose minified code holds key-like runs (the base64 alphabet,
#: colour palettes as hex): exempt from the entropy check only at this exact content, so that a
#: changed file is looked at again (name and text checks still apply).
VENDORED = {
    "lofte/reports/static/vendor/vega-embed.bundle.js": (
        "3052839f13fa232fd0cf8dc148bb68790c4ab06b4bd14712910565c9b773cf44"
    ),
}
# Long runs of key-like characters; minified JavaScript has few such words, keys are all of them.
TOKEN = re.compile(r"[A-Za-z0-9+/_=-]{32,}")
HEX = re.compile(r"\b[0-9a-fA-F]{32,}\b")


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def looks_random(token: str) -> bool:
    """A key-like blob: base64 or hex that uses its alphabet evenly, with digits and letters."""
    if not (any(c.isdigit() for c in token) and any(c.isalpha() for c in token)):
        return False
    if HEX.fullmatch(token):
        return entropy(token) > 3.5
    mixed_case = any(c.islower() for c in token) and any(c.isupper() for c in token)
    return mixed_case and entropy(token) > 4.5


def files() -> list[Path]:
    return [
        p
        for p in sorted(SRC.rglob("*"))
        if p.is_file() and not SKIP_DIRS & set(p.relative_to(SRC).parts)
    ]


def problems(path: Path, root: Path = SRC) -> list[str]:
    rel = path.relative_to(root)
    found = []
    if SECRET_NAMES.search(path.name):
        found.append(f"{rel}: file name of a key or credential store")
    if SECRET_DIRS & {part.lower() for part in rel.parts[:-1]}:
        found.append(f"{rel}: inside a state or secret folder")
    data = path.read_bytes()
    if path.suffix == ".mo" or b"\0" in data[:4096]:
        return found  # binary: compiled translations are built from the .po beside them
    text = data.decode("utf-8", errors="replace")
    for pattern, what in SECRET_TEXT:
        if pattern.search(text):
            found.append(f"{rel}: {what}")
    vendored = VENDORED.get(rel.as_posix()) == hashlib.sha256(data).hexdigest()
    blobs = [] if vendored else [t for t in TOKEN.findall(text) if looks_random(t)]
    if blobs:
        found.append(f"{rel}: high-entropy blob(s) {[b[:12] + '…' for b in blobs[:3]]}")
    return found


def test_no_file_under_src_looks_like_a_secret():
    found = [problem for path in files() for problem in problems(path)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("web/desk/var/secret/django.key", "0123456789abcdef" * 4),
        ("web/desk/notes.txt", "4f9a1c0e7b2d8e6f3a5c9b1d0e7f2a4c6b8d0e1f3a5c7b9d2e4f6a8c0b1d3e5f"),
        ("lofte/deploy.pem", "-----BEGIN PRIVATE KEY-----\nMIIEv…\n-----END PRIVATE KEY-----"),
        ("lofte/settings_local.py", 'SECRET_KEY = "kq3Zr8vY2pL0xW7nM5tB9cF1hJ4gD6sA"'),
        ("lofte/blob.js", 'const k="Qm9vT3JZ2lXa8RkpW1vN5Lc7yEb0sHdGtFuJiPq3ZxV6"; f(k);'),
        ("lofte/conf.py", 'URL = "postgres://lofte:hemligt@db/lofte"'),
    ],
)
def test_the_check_finds_planted_secrets(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")
    assert problems(path, tmp_path), name


def test_ordinary_code_is_not_flagged(tmp_path):
    path = tmp_path / "lofte" / "module.py"
    path.parent.mkdir()
    path.write_text(
        'URL = "/api/v1/cube?indicator=svf_andel_inom_ledtid&region=SE"\n'
        "def compute_weighted_average_of_indicator_values(): ...\n"
        'PASSWORD = os.environ["DJANGO_PASSWORD"]\n',
        encoding="utf-8",
    )
    assert problems(path, tmp_path) == []


def test_state_cannot_be_created_inside_the_package(monkeypatch):
    from lofte import config

    monkeypatch.setenv("LOFTE_HOME", str(config.PACKAGE_DIR / "web" / "desk" / "var"))
    with pytest.raises(config.HomeError, match="LOFTE_HOME"):
        config.home()
    monkeypatch.chdir(config.PACKAGE_DIR / "web" / "desk")
    monkeypatch.delenv("LOFTE_HOME")
    with pytest.raises(config.HomeError):
        config.django_secret_key()
    assert not (config.PACKAGE_DIR / "web" / "desk" / "var").exists()
