-- Pathway instances, SPEC §4 rules 3 and 5–13, from the table sequenced of assemble.sql and
-- the catalogue relations versions, version_days, pathway_info and cutoffs.

-- Rules 3, 5–13: one row per instance.
CREATE OR REPLACE TEMP TABLE instances AS
WITH bounds AS (
    -- The members of an instance are its opening start (a start while none is open) and the
    -- events while it is open; its end is the only end event among them.
    SELECT
        m.patient,
        m.pathway,
        m.grp,
        MAX(CASE WHEN m.suffix = 35 THEN 1 ELSE 0 END) AS has_mdk,
        MAX(CASE WHEN m.suffix = p.extended_marker THEN 1 ELSE 0 END) AS has_extended,
        MIN(CASE WHEN m.suffix = p.extended_marker THEN m.event_date END) AS extended_date,
        MIN(CASE WHEN m.suffix = 25 THEN m.event_date END) AS first_visit,
        MIN(CASE WHEN m.suffix = 40 THEN m.event_date END) AS first_diagnosis,
        MAX(CASE WHEN m.kind = 0 AND NOT m.open_before THEN m.event_date END) AS start_date,
        MAX(CASE WHEN m.kind = 0 AND NOT m.open_before THEN m.reporting_region END)
            AS start_region,
        MAX(CASE WHEN m.kind = 0 AND NOT m.open_before THEN m.residence_region END)
            AS start_residence,
        MAX(CASE WHEN m.kind = 0 AND NOT m.open_before THEN m.delivery_id END)
            AS start_delivery_id,
        MAX(CASE WHEN m.kind = 0 AND NOT m.open_before THEN m.line END) AS start_line,
        MAX(CASE WHEN m.kind = 2 THEN m.event_date END) AS end_date,
        MAX(CASE WHEN m.kind = 2 THEN m.suffix END) AS end_suffix,
        MAX(CASE WHEN m.kind = 2 THEN m.reporting_region END) AS end_region,
        MAX(CASE WHEN m.kind = 2 THEN m.delivery_id END) AS end_delivery_id,
        MAX(CASE WHEN m.kind = 2 THEN m.line END) AS end_line,
        MAX(CASE WHEN m.kind = 2 AND m.is_national THEN 1 ELSE 0 END) AS national_end
    FROM sequenced AS m
    JOIN pathway_info AS p ON p.pathway = m.pathway
    WHERE m.kind = 0 OR m.open_before
    GROUP BY m.patient, m.pathway, m.grp
),
numbered AS (
    -- A later 10 opens a new instance of the same pathway (rule 5): number them in order.
    SELECT *, ROW_NUMBER() OVER (PARTITION BY patient, pathway ORDER BY grp NULLS FIRST)
        AS instance_no
    FROM bounds
),
timed AS (
    SELECT
        b.*,
        CASE WHEN b.end_date IS NULL THEN 'ongoing' ELSE 'closed' END AS status,
        CAST(b.end_date - b.start_date AS INTEGER) AS lead_time_days,
        COALESCE(b.start_residence, b.start_region) AS residence_region
    FROM numbered AS b
)
-- Rule 10: within = lead time ≤ target (NULL when there is no target).
SELECT *, lead_time_days <= target_days AS within
FROM (
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
    -- The first extended-marker event: whether an ongoing pathway had it by a given day.
    t.extended_date,
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
LEFT JOIN cutoffs AS c ON c.region = t.start_region
) AS rule_10;
