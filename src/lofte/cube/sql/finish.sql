-- Uncertainty, targets and primary disclosure control for the raw cells, SPEC §5, §7, §8.
-- Inputs: raw_cells (long cells), indicator_info(indicator, unit, direction, min_cell),
--   cell_targets(indicator, region, period, target, target_high) for the cells' distinct keys.
-- Output: the finished cells, in no particular order (lofte.cube.engine sorts them by key).

WITH base AS (
    SELECT
        c.*,
        i.unit,
        i.direction,
        COALESCE(i.min_cell, 5) AS min_cell,
        t.target,
        t.target_high,
        CAST(c.numerator AS DOUBLE) / c.denominator AS p,
        CAST(c.denominator AS DOUBLE) AS n
    FROM raw_cells AS c
    LEFT JOIN indicator_info AS i ON i.indicator = c.indicator
    LEFT JOIN cell_targets AS t
      ON t.indicator = c.indicator AND t.region = c.region AND t.period = c.period
)
SELECT
    indicator, region, region_level, region_basis, pathway, treatment, period, period_type,
    numerator, denominator, value,
    -- 95 % Wilson score interval for shares, in percent (lofte.core.stats.wilson).
    CASE WHEN unit = 'percent' AND numerator IS NOT NULL THEN
        100 * ((p + 3.841458820694124 / (2 * n))
               - 1.959963984540054 * SQRT(p * (1 - p) / n + 3.841458820694124 / (4 * n * n)))
            / (1 + 3.841458820694124 / n)
    END AS ci_low,
    CASE WHEN unit = 'percent' AND numerator IS NOT NULL THEN
        100 * ((p + 3.841458820694124 / (2 * n))
               + 1.959963984540054 * SQRT(p * (1 - p) / n + 3.841458820694124 / (4 * n * n)))
            / (1 + 3.841458820694124 / n)
    END AS ci_high,
    -- A value imported without counts (already published by its source) has nothing to test.
    COALESCE(denominator < min_cell, FALSE) AS suppressed,
    unit IN ('percent', 'count') AND denominator IS NOT NULL AS additive,
    target,
    target_high,
    CASE
        WHEN target IS NULL OR value IS NULL THEN NULL
        WHEN direction = 'lower_better' THEN value <= target
        ELSE value >= target
    END AS meets_target
FROM base
