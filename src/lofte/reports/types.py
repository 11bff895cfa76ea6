"""The report's shared types: a figure (:class:`Cell`), an indicator's section and its narrative
sentences, and the rules that compare two figures.

:mod:`lofte.reports.model` builds them and :mod:`lofte.reports.narrative` words them; both import
them from here, so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lofte.core.stats import two_proportion_test

#: Significance level of a change or a difference (SPEC §5).
ALPHA = 0.05
#: The *ingående ledtider* in the order of the pathway.
BOTTLENECK_STEPS = (
    ("svf_median_start_till_besok", "step_start_visit"),
    ("svf_median_besok_till_diagnos", "step_visit_diagnosis"),
    ("svf_median_diagnos_till_behandling", "step_diagnosis_treatment"),
)


#: The report's comparability line for a register's coverage (%): Svenska palliativregistret's
#: own level (its indicator's ``register_level`` target, "no formal target"). Below it a
#: register's figures are not compared, and low coverage is named as a cause of an inclusion
#: above 100 %; at or above it coverage is not the explanation (the cancer register has no level
#: of its own, so the report uses this one).
COVERAGE_LINE = 70.0
#: Indicators whose level is a comparability line, not a target: their sentences say *above /
#: below the comparability line*, never *når målnivån*, and they are no key finding.
COMPARABILITY_LINES = ("pal_tackningsgrad",)
#: The coverage measure of the register an indicator is counted on, where the cube has one.
COVERAGE_OF = {
    "svf_inklusion": "cancerregister_tackning",
    "studier_andel_inkluderade": "cancerregister_tackning",
    "overlevnad_tjocktarm_5ar": "cancerregister_tackning",
    "pal_munhalsobedomning": "pal_tackningsgrad",
    "pal_smartskattning": "pal_tackningsgrad",
    "pal_vidbehov_opioid": "pal_tackningsgrad",
    "pal_vidbehov_angestdampande": "pal_tackningsgrad",
    "pal_utan_trycksar": "pal_tackningsgrad",
    "pal_brytpunktssamtal": "pal_tackningsgrad",
}
#: Register and survey indicators whose register's coverage (or survey's response rate) the
#: data do not hold: the caveats say so rather than stay silent.
NO_COVERAGE_FIGURE = (
    "mdk_andel",
    "kontaktsjukskoterska_andel",
    "min_vardplan_andel",
    "npe_delaktighet",
)


@dataclass
class Cell:
    """One figure of the report. A suppressed or missing cell carries no numbers."""

    region: str
    period: str
    value: float | None
    numerator: int | None
    denominator: int | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    target: float | None
    target_high: float | None
    # met | partial | not_met | no_target | reference | data_quality | suppressed | missing
    # (lofte.catalog.verdict.classify)
    status: str
    #: The series of an imported value in words (source, and definition where it is not the
    #: catalogue's); None for figures computed here from SVF data.
    series: str | None = None
    #: Trend cells: which unbroken run of one series the cell belongs to, per region (0, 1, …);
    #: a chart draws one line per (region, segment) and never joins two.
    segment: int = 0
    #: "disclosure" when disclosure control hid the cell (:func:`hidden_by`), None when shown.
    #: Which rule hid it is never recorded: that would itself narrow small counts (ADR 0721).
    hidden_by: str | None = None
    #: A parent's (healthcare region's, nation's) shown regions below it whose share is above
    #: 100 % for this indicator and period: the parent's share is then a data-quality finding
    #: too (status ``data_quality``, ADR 0504). Empty for a county and where none is.
    over_100_children: list[str] = field(default_factory=list)


@dataclass
class SeriesBreak:
    """Where a region's series changes source or definition: nothing is compared across it."""

    region: str
    period: str  # the first period of the new series
    #: The series on either side (:class:`lofte.cube.aggregates.Series`: source and definition,
    #: worded per language when rendered); None where a figure has no imported series.
    before: Any
    after: Any


@dataclass
class Change:
    """A region's value against the same period a year earlier."""

    region: str
    period: str
    previous_period: str
    value: float | None
    previous: float | None
    p_value: float | None  # None: not testable (no counts, suppressed or missing)
    significant: bool
    better: bool | None  # None when there is no change or no direction
    previous_suppressed: bool = False
    previous_hidden_by: str | None = None
    #: The year before is another series (source or definition): no previous value, no test.
    series_break: bool = False


@dataclass
class Sentence:
    """A narrative sentence as a text key and its typed parameters (rendered per language)."""

    key: str
    params: dict[str, Any]


@dataclass
class IndicatorSection:
    """One indicator of the report: its cells in the period shown (counties, healthcare region,
    nation), its trend, the changes from a year earlier and its narrative."""

    code: str
    name_sv: str
    name_en: str
    description_sv: str
    description_en: str
    unit: str
    direction: str | None
    source: str
    target: float | None
    target_high: float | None
    target_source: str
    period: str | None  # the period shown (None: no figures at all)
    cells: list[Cell]  # counties, healthcare region, nation (in that order)
    trend: list[Cell]
    changes: list[Change]
    difference_p: float | None  # highest against lowest county, when testable
    narrative: list[Sentence] = field(default_factory=list)
    #: decided_national | decided_regional | register_level | reference (no verdict) | None
    target_kind: str | None = None
    target_source_en: str = ""
    breaks: list[SeriesBreak] = field(default_factory=list)
    #: Whether the counts add up over regions (:attr:`lofte.catalog.Indicator.additive`).
    additive: bool = True


@dataclass
class BottleneckRow:
    """One region's *ingående ledtider*: median days of each step, and why a hidden one is."""

    region: str
    steps: list[float | None]  # median days per step of BOTTLENECK_STEPS
    hidden_by: list[str | None] = field(default_factory=list)


def comparable(a: Cell, b: Cell) -> bool:
    """Two figures of one region may be compared: same series, and neither is a share above
    100 % (a data-quality finding, not a share)."""
    return a.series == b.series and "data_quality" not in (a.status, b.status)


def testable(cell: Cell) -> bool:
    """A share with counts that a two-proportion test can take (inclusion may exceed 100 %)."""
    return (
        not cell.suppressed
        and cell.numerator is not None
        and cell.denominator is not None
        and 0 <= cell.numerator <= cell.denominator
        and cell.denominator > 0
    )


def compare(a: Cell, b: Cell, unit: str) -> float | None:
    """p-value of a against b for shares with counts; None when that cannot be tested."""
    if unit != "percent" or not (testable(a) and testable(b)):
        return None
    assert a.numerator is not None and a.denominator is not None
    assert b.numerator is not None and b.denominator is not None
    return two_proportion_test(a.numerator, a.denominator, b.numerator, b.denominator)


@dataclass
class PathwayRow:
    """One pathway of a region: share within the lead time (with its n and the change from a
    year earlier), median lead time and the medians of its steps."""

    pathway: str
    name_sv: str
    name_en: str
    n: int | None
    share: float | None
    share_suppressed: bool
    has_lead_time: bool
    median: float | None
    previous_share: float | None
    change_pp: float | None
    p_value: float | None
    significant: bool
    share_hidden_by: str | None = None
    median_hidden_by: str | None = None
    #: The *ingående ledtider* of the pathway: median days per step of BOTTLENECK_STEPS.
    steps: list[float | None] = field(default_factory=list)
    steps_hidden_by: list[str | None] = field(default_factory=list)


@dataclass
class PromiseSection:
    """One promise with its indicators and, for the lead-time promise, the per-pathway tables,
    the *ingående ledtider* and the what-if table."""

    number: int
    text_sv: str
    text_en: str
    indicators: list[IndicatorSection]
    pathway_table: list[PathwayRow] = field(default_factory=list)
    bottleneck: list[BottleneckRow] = field(default_factory=list)
    bottleneck_narrative: list[Sentence] = field(default_factory=list)
    #: The per-pathway table of every county and the healthcare region (report order).
    pathway_tables: dict[str, list[PathwayRow]] = field(default_factory=dict)
    #: Issue 16: "which interval, shortened by 7 days, helps most" (lofte.reports.whatif).
    whatif: Any = None
    #: The promise's data-quality caveats that the figures support (register coverage and the
    #: causes of a share above 100 %, delivery warnings that stand out, comparability:
    #: :func:`lofte.reports.narrative.caveat_sentences`).
    caveats: list[Sentence] = field(default_factory=list)


@dataclass
class QualityRow:
    """A region's SVF deliveries: active and rejected, rows stored, warnings and errors."""

    region: str
    active: int
    rejected: int
    data_to: str | None
    rows: int
    warnings: int
    errors: int
    last_delivered: str | None
    #: Warnings per kind (the check's issue code: ``orphan``, ``duplicate_row``, …), most
    #: first; counted from the warnings a delivery stores (at most
    #: :data:`lofte.svf.validate.MAX_ISSUES` each) unless the delivery recorded its counts.
    warning_kinds: dict[str, int] = field(default_factory=dict)
    #: How many warnings the kinds count: ``warnings`` when every one was counted.
    warnings_counted: int = 0
