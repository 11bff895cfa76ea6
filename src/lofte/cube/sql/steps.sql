-- The small steps of a cube run between its scripts (lofte.cube.engine, lofte.cube.waiting).
-- Named statements (lofte.svf.queries): each runs on its own.

-- name: drop_sequenced
-- The assembly's intermediate table is large at national scale and not needed after it.
DROP TABLE sequenced;

-- name: end_span
-- The first and last end date of the instances: the months the cells cover.
SELECT MIN(end_date), MAX(end_date)
FROM instances;

-- name: month_counts
-- The counts of cells.sql, for the numpy roll-up (lofte.cube.rollup).
SELECT *
FROM month_counts;

-- name: quantile_facts
-- The lead times of quantiles.sql, for the roll-up's medians and percentiles.
SELECT *
FROM quantile_facts;

-- name: drop_cell_tables
DROP TABLE quantile_facts;
DROP TABLE facts;
DROP TABLE month_counts;

-- name: waiting_span
-- The first start and the last cut-off of the ongoing pathways: the months waiting.sql counts.
SELECT MIN(start_date), MAX(cutoff)
FROM instances
WHERE cutoff IS NOT NULL;

-- name: waiting_counts
SELECT region_basis, county, pathway, month_start, n
FROM waiting_counts;

-- name: drop_waiting_counts
DROP TABLE waiting_counts;
