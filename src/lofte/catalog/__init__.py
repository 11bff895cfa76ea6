"""Master data: geography, promises, development areas, SVF pathways, indicators and targets.

``load()`` returns the :class:`Catalog` in force (the package's YAML files, each replaceable by a
file of the same name in ``$LOFTE_HOME/catalog/``). See docs/contracts.md.
"""

from lofte.catalog.loader import load
from lofte.catalog.model import (
    Catalog,
    CatalogError,
    DevelopmentArea,
    Indicator,
    LeadTimeVersion,
    Pathway,
    Promise,
    Region,
    Target,
    TargetOverride,
)

__all__ = [
    "Catalog",
    "CatalogError",
    "DevelopmentArea",
    "Indicator",
    "LeadTimeVersion",
    "Pathway",
    "Promise",
    "Region",
    "Target",
    "TargetOverride",
    "load",
]
