"""Synthetic SVF data for demonstrations and tests: delivery files as the regions send them.

``generate(out_dir, quick=False, seed=..., today=None)`` writes one delivery per region (plus a
rejected and a superseded one that tell the data-quality story), the register aggregate of new
cancer cases and ``SYNTETISK_manifest.json``, and returns the :class:`Manifest`. Every file name
starts with ``SYNTETISK_``: the data are invented (*Syntetiska data – inga verkliga patienter*).
"""

from lofte.demo.generate import (
    DemoDelivery,
    ExpectedError,
    Manifest,
    generate,
    last_complete_half_year_end,
)
from lofte.demo.story import NOTICE

__all__ = [
    "NOTICE",
    "DemoDelivery",
    "ExpectedError",
    "Manifest",
    "generate",
    "last_complete_half_year_end",
]
