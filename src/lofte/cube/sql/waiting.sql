-- Väntande över ledtid (svf_pagaende_over_ledtid): for every month, the pathways still open at
-- its end – or, in the month of the cut-off of the region that reported the start, at that
-- cut-off – that have waited longer than their target on that day (lofte.svf.waiting states the
-- same rule in Python; the reference engine follows it).
--
-- Inputs: instances (lofte.svf engine, coded), stock_targets(pathway, valid_from, valid_to,
--   basic_longest, extended_longest) – per lead-time version, the longest target of its national
--   ends, without and with the extended marker – and stock_months(month_start, month_end).
-- Output: waiting_counts — one row per (region_basis, county, pathway, month_start) with the
--   count n. Basis 0 is the region that reported the start (an open pathway has no end yet), 1
--   the home region. Months only: a count at a cut-off does not add up over periods.

CREATE OR REPLACE TEMP TABLE waiting_counts AS
WITH shortest AS (
    -- Per pathway, the shortest target of any version (none: the pathway is never counted).
    SELECT pathway, LEAST(MIN(basic_longest), MIN(extended_longest)) AS days
    FROM stock_targets
    GROUP BY pathway
),
candidates AS (
    -- Only pathways open long enough to pass their shortest target at some cut-off: the last
    -- day they are open is the day before their end, or the cut-off.
    SELECT i.pathway, i.start_region, i.residence_region, i.start_date, i.end_date,
           i.extended_date, i.cutoff
    FROM instances AS i
    JOIN shortest AS s ON s.pathway = i.pathway
    WHERE i.cutoff IS NOT NULL
      AND i.start_date <= i.cutoff
      AND LEAST(
            COALESCE(CAST(i.end_date - i.start_date AS INTEGER) - 1,
                     CAST(i.cutoff - i.start_date AS INTEGER)),
            CAST(i.cutoff - i.start_date AS INTEGER)
          ) > s.days
),
at_cutoff AS (
    SELECT
        c.*,
        m.month_start,
        CASE WHEN m.month_end < c.cutoff THEN m.month_end ELSE c.cutoff END AS day
    FROM candidates AS c
    JOIN stock_months AS m ON m.month_end >= c.start_date AND m.month_start <= c.cutoff
),
waiting_over AS (
    SELECT a.start_region, a.residence_region, a.pathway, a.month_start
    FROM at_cutoff AS a
    JOIN stock_targets AS t
      ON t.pathway = a.pathway AND t.valid_from <= a.day AND a.day < t.valid_to
    WHERE a.start_date <= a.day
      AND (a.end_date IS NULL OR a.end_date > a.day)
      AND CAST(a.day - a.start_date AS INTEGER) > CASE
            WHEN a.extended_date <= a.day THEN t.extended_longest
            ELSE t.basic_longest
          END
)
SELECT 0 AS region_basis, start_region AS county, pathway, month_start, COUNT(*) AS n
FROM waiting_over
GROUP BY start_region, pathway, month_start
UNION ALL
SELECT 1 AS region_basis, residence_region AS county, pathway, month_start, COUNT(*) AS n
FROM waiting_over
GROUP BY residence_region, pathway, month_start;
