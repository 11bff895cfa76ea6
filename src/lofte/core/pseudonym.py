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


def pseudonymise_many(values: Sequence[str], key: bytes) -> list[str]:
    """Pseudonymise a column of normalised personnummer (same results as :func:`pseudonymise`)."""
    # the key schedule is done once; .copy() clones the keyed state for each value
    base = _prepared(key)
    # a patient has several events in a delivery: hash each distinct value once
    pseudonym_of = dict.fromkeys(values, "")
    for value in pseudonym_of:
        mac = base.copy()
        mac.update(_checked(value))
        pseudonym_of[value] = mac.hexdigest()
    return list(map(pseudonym_of.__getitem__, values))
