"""Improvement grants (*stimulansmedel*, SPEC §11): funds, allocation keys, pools and the ledger.

``allocation`` is pure Python (no Django) so that the key arithmetic can be used and tested on its
own; ``models``, ``ledger`` and ``importer`` are the Django app (label ``grants``).
"""
