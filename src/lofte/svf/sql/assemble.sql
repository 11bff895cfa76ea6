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
-- Outputs: tables sequenced, event_flags and instances.

-- Rule 2: order by date, then 10 first, then info suffixes, then end suffixes (each ascending).
-- The remaining keys only make the order deterministic for identical date and suffix.
CREATE OR REPLACE TEMP TABLE sequenced AS
WITH classified AS (
    SELECT
        e.*,
        CASE WHEN e.suffix = 10 THEN 'S' WHEN x.suffix IS NOT NULL THEN 'E' ELSE 'I' END AS kind,
        CASE WHEN e.suffix = 10 THEN 0 WHEN x.suffix IS NOT NULL THEN 2 ELSE 1 END AS kind_rank,
        COALESCE(x.is_national, FALSE) AS is_national
    FROM events AS e
    LEFT JOIN end_suffixes AS x ON x.pathway = e.pathway AND x.suffix = e.suffix
),
positioned AS (
    SELECT
        *,
        ROW_NUMBER() OVER (
            PARTITION BY patient, pathway
            ORDER BY event_date, kind_rank, suffix, reporting_region,
                     residence_region NULLS FIRST, delivery_id, line
        ) AS pos
    FROM classified
)
-- grp counts the end events before this one: an end event closes its group, so each group holds
-- the events between two consecutive end events, the closing one included.
SELECT
    *,
    COALESCE(SUM(CASE WHEN kind = 'E' THEN 1 ELSE 0 END) OVER (
        PARTITION BY patient, pathway ORDER BY pos
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS grp
FROM positioned;

CREATE OR REPLACE TEMP TABLE groups AS
WITH g AS (
    SELECT
        patient,
        pathway,
        grp,
        MIN(CASE WHEN kind = 'S' THEN pos END) AS start_pos,
        MAX(CASE WHEN kind = 'E' THEN pos END) AS end_pos
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

-- Rules 3–5: warnings, one row per flagged event (an unmatched end may carry two flags).
CREATE OR REPLACE TEMP TABLE event_flags AS
WITH located AS (
    SELECT
        s.delivery_id, s.line, s.patient, s.pathway, s.suffix, s.event_date, s.kind, s.pos,
        g.start_pos, g.earlier_instance, g.later_start,
        (g.start_pos IS NULL OR s.pos < g.start_pos) AS closed_state
    FROM sequenced AS s
    JOIN groups AS g ON g.patient = s.patient AND g.pathway = s.pathway AND g.grp = s.grp
)
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'duplicate_start' AS flag
FROM located WHERE kind = 'S' AND pos > start_pos
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date,
       CASE WHEN earlier_instance = 1 THEN 'after_end' ELSE 'orphan' END AS flag
FROM located WHERE kind <> 'S' AND closed_state
UNION ALL
SELECT delivery_id, line, patient, pathway, suffix, event_date, 'end_before_start' AS flag
FROM located WHERE kind = 'E' AND closed_state AND later_start = 1;

-- Rules 3, 5–13: one row per instance.
CREATE OR REPLACE TEMP TABLE instances AS
WITH members AS (
    SELECT s.*, g.start_pos, g.end_pos, g.instance_no
    FROM sequenced AS s
    JOIN groups AS g ON g.patient = s.patient AND g.pathway = s.pathway AND g.grp = s.grp
    WHERE g.start_pos IS NOT NULL AND s.pos >= g.start_pos
),
points AS (
    SELECT
        m.patient,
        m.pathway,
        m.instance_no,
        MAX(CASE WHEN m.suffix = 35 THEN 1 ELSE 0 END) AS has_mdk,
        MAX(CASE WHEN m.suffix = p.extended_marker THEN 1 ELSE 0 END) AS has_extended,
        MIN(CASE WHEN m.suffix = 25 THEN m.event_date END) AS first_visit,
        MIN(CASE WHEN m.suffix = 40 THEN m.event_date END) AS first_diagnosis
    FROM members AS m
    JOIN pathway_info AS p ON p.pathway = m.pathway
    GROUP BY m.patient, m.pathway, m.instance_no
),
bounds AS (
    SELECT
        m.patient,
        m.pathway,
        m.instance_no,
        MAX(CASE WHEN m.pos = m.start_pos THEN m.event_date END) AS start_date,
        MAX(CASE WHEN m.pos = m.start_pos THEN m.reporting_region END) AS start_region,
        MAX(CASE WHEN m.pos = m.start_pos THEN m.residence_region END) AS start_residence,
        MAX(CASE WHEN m.pos = m.start_pos THEN m.delivery_id END) AS start_delivery_id,
        MAX(CASE WHEN m.pos = m.start_pos THEN m.line END) AS start_line,
        MAX(CASE WHEN m.pos = m.end_pos THEN m.event_date END) AS end_date,
        MAX(CASE WHEN m.pos = m.end_pos THEN m.suffix END) AS end_suffix,
        MAX(CASE WHEN m.pos = m.end_pos THEN m.reporting_region END) AS end_region,
        MAX(CASE WHEN m.pos = m.end_pos THEN m.delivery_id END) AS end_delivery_id,
        MAX(CASE WHEN m.pos = m.end_pos THEN m.line END) AS end_line,
        MAX(CASE WHEN m.pos = m.end_pos AND m.is_national THEN 1 ELSE 0 END) AS national_end
    FROM members AS m
    GROUP BY m.patient, m.pathway, m.instance_no
),
timed AS (
    SELECT
        b.*,
        pt.has_mdk,
        pt.has_extended,
        pt.first_visit,
        pt.first_diagnosis,
        CASE WHEN b.end_date IS NULL THEN 'ongoing' ELSE 'closed' END AS status,
        CAST(b.end_date - b.start_date AS INTEGER) AS lead_time_days,
        COALESCE(b.start_residence, b.start_region) AS residence_region
    FROM bounds AS b
    JOIN points AS pt
      ON pt.patient = b.patient AND pt.pathway = b.pathway AND pt.instance_no = b.instance_no
)
SELECT
    t.patient,
    t.pathway,
    t.instance_no,
    t.status,
    t.start_date,
    t.start_region,
    t.residence_region,
    t.start_delivery_id,
    t.start_line,
    t.end_date,
    t.end_suffix,
    t.end_region,
    t.end_delivery_id,
    t.end_line,
    t.national_end = 1 AS national_end,
    t.lead_time_days,
    -- Rule 10: the version in force on the end date decides; extended days only when the
    -- instance has the pathway's extended marker and the version gives extended days.
    CASE
        WHEN t.national_end = 0 THEN NULL
        WHEN t.has_extended = 1 AND d.extended_days IS NOT NULL THEN d.extended_days
        ELSE d.basic_days
    END AS target_days,
    t.has_mdk = 1 AS has_mdk,
    t.has_extended = 1 AS extended,
    t.first_visit,
    t.first_diagnosis,
    -- Rule 13: treatment from the end suffix; 72/73/78 only name a treatment when national ends.
    CASE
        WHEN t.end_date IS NULL THEN NULL
        WHEN t.end_suffix = 50 THEN 'kirurgi'
        WHEN t.end_suffix = 52 THEN 'lakemedel'
        WHEN t.end_suffix = 54 THEN 'stralning'
        WHEN t.end_suffix = 58 THEN 'palliativ'
        WHEN t.end_suffix = 59 THEN 'annan'
        WHEN t.end_suffix = 60 THEN 'expektans'
        WHEN t.end_suffix = 73 AND t.national_end = 1 THEN 'ingen_atgard'
        WHEN t.end_suffix IN (72, 78) AND t.national_end = 1 THEN 'avslutande_samtal'
        ELSE 'avslut'
    END AS treatment,
    c.cutoff,
    CASE WHEN t.end_date IS NULL THEN CAST(c.cutoff - t.start_date AS INTEGER) END
        AS waiting_days
FROM timed AS t
LEFT JOIN versions AS v
  ON v.pathway = t.pathway AND v.valid_from <= t.end_date AND t.end_date < v.valid_to
LEFT JOIN version_days AS d
  ON d.pathway = v.pathway AND d.valid_from = v.valid_from AND d.suffix = t.end_suffix
LEFT JOIN cutoffs AS c ON c.region = t.start_region;

-- Rule 10: within = lead time ≤ target (NULL when there is no target).
CREATE OR REPLACE TEMP TABLE instances AS
SELECT *, lead_time_days <= target_days AS within FROM instances;
