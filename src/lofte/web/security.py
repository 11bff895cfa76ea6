"""The Content-Security-Policy of a stored, self-contained HTML file (a published report).

The report is one file meant to work offline, so its style and scripts (the Vega bundle
included) are inline. Served from the site it gets its own strict policy: exactly those inline
blocks by their SHA-256 hashes, nothing else, no eval (the report draws its charts with Vega's
interpreter), and ``sandbox allow-scripts``, which gives it an origin of its own (no cookies, no
access to the site). See docs/adr/0102-content-security-policy.md.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
_INLINE_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.S | re.I)


def _hashes(pattern: re.Pattern[bytes], html: bytes) -> list[str]:
    found = {
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode() + "'"
        for m in pattern.finditer(html)
    }
    return sorted(found)


def standalone_policy(html: bytes) -> str:
    """A CSP header value that allows the inline blocks of ``html`` and nothing else."""
    scripts = " ".join(_hashes(_INLINE_SCRIPT, html)) or "'none'"
    styles = " ".join(_hashes(_INLINE_STYLE, html)) or "'none'"
    return (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; img-src data:; "
        "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
        "sandbox allow-scripts"
    )
