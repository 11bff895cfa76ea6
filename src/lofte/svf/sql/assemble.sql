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
-- Outputs: tables sequenced, groups, located and event_flags; instances.sql builds the
-- instances from located.

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
)
-- pos numbers the events of a patient and pathway in rule-2 order; grp counts the end events
-- before this one: an end event closes its group, so each group holds the events between two
-- consecutive end events, the closing one included. Both use one window (one sort).
SELECT
    *,
    ROW_NUMBER() OVER by_rule_2 AS pos,
    COALESCE(SUM(CASE WHEN kind = 2 THEN 1 ELSE 0 END) OVER (
        by_rule_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS grp
FROM classified
WINDOW by_rule_2 AS (
    PARTITION BY patient, pathway
    ORDER BY event_date, kind, suffix, reporting_region, residence_region NULLS FIRST,
             delivery_id, line
);

CREATE OR REPLACE TEMP TABLE groups AS
WITH g AS (
    SELECT
        patient,
        pathway,
        grp,
        MIN(CASE WHEN kind = 0 THEN pos END) AS start_pos,
        MAX(CASE WHEN kind = 2 THEN pos END) AS end_pos
    FROM sequenced
    GROUP BY patient, pathway, grp
)
SELECT
    *,
    -- Whether an instance opened in an earlier group (then closed-state events are "after end").
    COALESCE(MAX(CASE WHEN start_pos IS NOT NULL THEN 1 ELSE 0 END) OVER (
        PARTITION BY patient, pathway ORDER BY grp
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS earlier_instance,
    -- Whether a start follows in a later group (an unmatched end before it: "slut före start").
    COALESCE(MAX(CASE WHEN start_pos IS NOT NULL THEN 1 ELSE 0 END) OVER (
        PARTITION BY patient, pathway ORDER BY grp
        ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
    ), 0) AS later_start,
    SUM(CASE WHEN start_pos IS NOT NULL THEN 1 ELSE 0 END) OVER (
        PARTITION BY patient, pathway ORDER BY grp
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS instance_no
FROM g;

-- Each event with what its group says about it: the group's start and end, the instance it
-- belongs to, and whether it comes before the group's start (closed state).
CREATE OR REPLACE TEMP TABLE located AS
SELECT
    s.*,
    g.start_pos,
    g.end_pos,
    g.instance_no,
    g.earlier_instance,
    g.later_start,
    (g.start_pos IS NULL OR s.pos < g.start_pos) AS closed_state
FROM sequenced AS s
JOIN groups AS g ON g.patient = s.patient AND g.pathway = s.pathway AND g.grp = s.grp;

-- Rules 3–5: warnings, one row per flagged event (an unmatched end may carry two flags).
CREATE OR REPLACE TEMP TABLE event_flags AS
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'duplicate_start' AS flag
FROM located WHERE kind = 0 AND pos > start_pos
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date,
       CASE WHEN earlier_instance = 1 THEN 'after_end' ELSE 'orphan' END AS flag
FROM located WHERE kind <> 0 AND closed_state
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'end_before_start' AS flag
FROM located WHERE kind = 2 AND closed_state AND later_start = 1;
