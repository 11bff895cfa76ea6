"""Pseudonymisation of personnummer at ingest, SPEC §3.

The pseudonym is the HMAC-SHA-256 (hex) of the normalised 12-digit personnummer under the
installation's secret key. A keyed hash rather than a plain one: the space of personnummer is
small enough to hash exhaustively, so without the key every pseudonym could be reversed.
Only normalised numbers are accepted, because ``8803200016`` and ``198803200016`` must give the
same pseudonym for the same person.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence


def _prepared(key: bytes) -> hmac.HMAC:
    if not isinstance(key, bytes) or not key:
        raise ValueError("the pseudonym key must be non-empty bytes")
    return hmac.new(key, digestmod=hashlib.sha256)


def _checked(pnr12: str) -> bytes:
    if len(pnr12) != 12 or not (pnr12.isascii() and pnr12.isdigit()):
        # never echo the value: it may be a real personnummer
        raise ValueError("pseudonymise expects a normalised 12-digit personnummer")
    return pnr12.encode("ascii")


def pseudonymise(pnr12: str, key: bytes) -> str:
    """Return the 64-character hex HMAC-SHA-256 of a normalised 12-digit personnummer."""
    mac = _prepared(key)
    mac.update(_checked(pnr12))
    return mac.hexdigest()


def _pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states after the inner and outer HMAC pads (RFC 2104) of ``key``."""
    _prepared(key)  # the same key check as the one-by-one path
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def pseudonymise_many(values: Sequence[str], key: bytes) -> list[str]:
    """Pseudonymise a column of normalised personnummer (same results as :func:`pseudonymise`).

    HMAC written out over the two padded SHA-256 states (RFC 2104): copying a ``hashlib`` state
    is much cheaper than copying an ``hmac.HMAC`` object, and this runs for every patient of
    every delivery. The tests hold it to :func:`pseudonymise` (the ``hmac`` module).
    """
    inner, outer = _pads(key)
    # a patient has several events in a delivery: hash each distinct value once
    pseudonym_of = dict.fromkeys(values, "")
    for value in pseudonym_of:
        mac = inner.copy()
        mac.update(_checked(value))
        out = outer.copy()
        out.update(mac.digest())
        pseudonym_of[value] = out.hexdigest()
    return list(map(pseudonym_of.__getitem__, values))
