"""Pure domain rules of Löfte: no framework, no database, no I/O.

- ``personnummer``: normalising, validating and masking personnummer (SPEC §3)
- ``pseudonym``: the keyed pseudonym that replaces the personnummer at ingest (SPEC §3)
- ``periods``: year, half, quarter and month labels (SPEC §4 rule 12)
- ``stats``: percent, rounding, quantiles, Wilson interval, two-proportion test (SPEC §5)
- ``disclosure``: primary and secondary suppression (SPEC §7)

Modules here import only the standard library and python-stdnum (``tests/core/test_purity.py``).
"""
