"""The engine property tests run on both engine configurations (issue 17, Build 4).

The ``engine_config`` fixture (``tests/conftest.py``) puts each of :data:`CONFIGS` in force for
a test in turn: the tuned engine and the plain one (:meth:`lofte.svf.tuning.EngineConfig.plain`:
one thread everywhere, sorts only, glibc's heap). A property test draws its examples inside, in
a function decorated with :func:`examples`, so that the plain run draws fewer of them: the plain
engine shares every rule with the tuned one and differs only in how it computes, which a quarter
of the examples exercises, and the suite takes about a quarter longer rather than twice as long.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

from lofte.svf.tuning import EngineConfig

TUNED = EngineConfig()
PLAIN = EngineConfig.plain()
#: (configuration, test id) of every configuration the engine property tests run.
CONFIGS = ((TUNED, "tuned"), (PLAIN, "plain"))


def plain_share(max_examples: int) -> int:
    """The examples the plain engine draws where the tuned one draws ``max_examples``."""
    return max(5, max_examples // 4)


def examples(config: EngineConfig, max_examples: int) -> Callable[[Any], Any]:
    """Hypothesis settings for a property test of the engine in ``config``: ``max_examples``
    on the tuned engine, :func:`plain_share` of them on the plain one, no deadline."""
    return settings(
        max_examples=max_examples if config != PLAIN else plain_share(max_examples),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
