-- Pathway assembly, SPEC §4. Portable SQL (window functions, CASE, joins) so the same statements
-- can be transpiled with sqlglot to Spark or Trino over the same Parquet files.
--
-- Inputs (relations registered by lofte.svf.engine):
--   events(delivery_id, line, patient, pathway, suffix, event_date, reporting_region,
--          residence_region)
--   end_suffixes(pathway, suffix, is_national)   -- national ends of the pathway + the exit set
--   pathway_info(pathway, mdk_measured, extended_marker)
--   versions(pathway, valid_from, valid_to)      -- lead-time versions, valid_to = next valid_from
--   version_days(pathway, valid_from, suffix, basic_days, extended_days)
--   cutoffs(region, cutoff)                      -- latest window end of the region's deliveries
-- Outputs: tables sequenced and event_flags; instances.sql builds the instances from sequenced.
--
-- One window (one sort) over each patient's events of a pathway in rule-2 order gives every
-- event its state. Rule 2 orders by date first and, on one day, starts before information
-- before ends; so "an instance is open just before this event" is exactly "the latest earlier
-- start is later than the latest earlier end" compared by date (on a shared day the start came
-- first, so the end closed it).

-- Rule 2: order by date, then 10 first, then info suffixes, then end suffixes (each ascending).
-- The remaining keys only make the order deterministic for identical date and suffix.
CREATE OR REPLACE TEMP TABLE sequenced AS
WITH classified AS (
    SELECT
        e.*,
        -- kind: 0 start (10), 1 information, 2 end (a national end or an exit); also the
        -- rank of rule 2 (starts first, end events last on the same day).
        CASE WHEN e.suffix = 10 THEN 0 WHEN x.suffix IS NOT NULL THEN 2 ELSE 1 END AS kind,
        COALESCE(x.is_national, FALSE) AS is_national
    FROM events AS e
    LEFT JOIN end_suffixes AS x ON x.pathway = e.pathway AND x.suffix = e.suffix
),
stated AS (
    SELECT
        *,
        -- grp counts the end events before this one: an end event closes its group, so each
        -- group holds the events between two consecutive end events, the closing one included.
        COALESCE(SUM(CASE WHEN kind = 2 THEN 1 ELSE 0 END) OVER (
            by_rule_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ), 0) AS grp,
        MAX(CASE WHEN kind = 0 THEN event_date END) OVER (
            by_rule_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS start_before,
        MAX(CASE WHEN kind = 2 THEN event_date END) OVER (
            by_rule_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS end_before,
        -- Whether a start follows (an unmatched end before it: "slut före start").
        COALESCE(MAX(CASE WHEN kind = 0 THEN 1 ELSE 0 END) OVER (
            by_rule_2 ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
        ), 0) AS start_after
    FROM classified
    WINDOW by_rule_2 AS (
        PARTITION BY patient, pathway
        ORDER BY event_date, kind, suffix, reporting_region, residence_region NULLS FIRST,
                 delivery_id, line
    )
)
SELECT
    delivery_id, line, patient, pathway, suffix, event_date, reporting_region,
    residence_region, kind, is_national, grp, start_before, start_after,
    -- Rules 3–5: an instance is open just before this event.
    COALESCE(start_before > end_before OR (start_before IS NOT NULL AND end_before IS NULL),
             FALSE) AS open_before
FROM stated;

-- Rules 3–5: warnings, one row per flagged event (an unmatched end may carry two flags).
-- A start while an instance is open is a duplicate; any other event while none is open is
-- ignored: after an end if an instance was opened before, else an orphan.
CREATE OR REPLACE TEMP TABLE event_flags AS
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'duplicate_start' AS flag
FROM sequenced WHERE kind = 0 AND open_before
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date,
       CASE WHEN start_before IS NOT NULL THEN 'after_end' ELSE 'orphan' END AS flag
FROM sequenced WHERE kind <> 0 AND NOT open_before
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'end_before_start' AS flag
FROM sequenced WHERE kind = 2 AND NOT open_before AND start_after = 1;
