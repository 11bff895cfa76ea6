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
-- before ends; so along that order the number date * 4 + kind never decreases, and the largest
-- such number among the earlier starts and ends names the latest of them. "An instance is open
-- just before this event" is exactly "the latest earlier start or end is a start" (on a shared
-- day the start came first, so the end closed it).
--
-- The events of one instance (its opening start, the events while it is open, its end) share
-- their latest earlier end, and it grows from one instance to the next: for consecutive
-- instances with opening starts S1 and S2, the first ending with E1, the latest end before S1
-- < the day of S1 (an end on S1's day would sort after S1) <= the day of E1 <= the latest end
-- before S2. So the date of the latest earlier end (NULL before the first end) tells the
-- instances apart, in order: grp.

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
        -- The latest earlier start or end as date * 4 + kind (NULL: none).
        MAX(CASE WHEN kind <> 1 THEN (event_date - DATE '1970-01-01') * 4 + kind END) OVER (
            by_rule_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS latest_mark,
        -- The date of the latest earlier end (NULL: none), which names the event's group.
        MAX(CASE WHEN kind = 2 THEN event_date END) OVER (
            by_rule_2 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS grp
    FROM classified
    WINDOW by_rule_2 AS (
        PARTITION BY patient, pathway
        ORDER BY event_date, kind, suffix, reporting_region, residence_region NULLS FIRST,
                 delivery_id, line
    )
)
SELECT
    delivery_id, line, patient, pathway, suffix, event_date, reporting_region,
    residence_region, kind, is_national, grp,
    -- Rules 3–5: an instance is open just before this event.
    COALESCE(latest_mark % 4 = 0, FALSE) AS open_before
FROM stated;

-- Rules 3–5: warnings, one row per flagged event (an unmatched end may carry two flags).
-- A start while an instance is open is a duplicate; any other event while none is open is
-- ignored: after an end if a start came before it, else an orphan; an ignored end with a start
-- after it is "slut före start". Ignored events are few, so whether a start came before or
-- after one is looked up among the starts of its patient's pathway: on the event's own day a
-- start comes before it (rule 2), so "before" is a start on or before that day, "after" one on
-- a later day.
CREATE OR REPLACE TEMP TABLE event_flags AS
WITH ignored AS (
    SELECT delivery_id, line, patient, pathway, suffix, event_date, kind
    FROM sequenced WHERE kind <> 0 AND NOT open_before
),
starts AS (
    SELECT s.patient, s.pathway, MIN(s.event_date) AS first_start,
           MAX(s.event_date) AS last_start
    FROM sequenced AS s
    SEMI JOIN ignored AS i ON i.patient = s.patient AND i.pathway = s.pathway
    WHERE s.kind = 0
    GROUP BY s.patient, s.pathway
),
judged AS (
    SELECT i.*, COALESCE(s.first_start <= i.event_date, FALSE) AS start_before,
           COALESCE(s.last_start > i.event_date, FALSE) AS start_after
    FROM ignored AS i
    LEFT JOIN starts AS s ON s.patient = i.patient AND s.pathway = i.pathway
)
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'duplicate_start' AS flag
FROM sequenced WHERE kind = 0 AND open_before
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date,
       CASE WHEN start_before THEN 'after_end' ELSE 'orphan' END AS flag
FROM judged
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'end_before_start' AS flag
FROM judged WHERE kind = 2 AND start_after;
