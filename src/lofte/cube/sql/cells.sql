-- What every closed instance contributes to the SVF indicators, SPEC §5: the numerator and
-- denominator conditions of each indicator, counted per finest key and month.
--
-- Inputs: instances (lofte.svf engine; patient, pathway and region columns are integer codes
--   that sort like the strings), pathway_info(pathway, mdk_measured, extended_marker),
--   day_month(day, month) (the month code of each day), treatment_codes(treatment, code),
--   register_pathways(pathway) (the pathways that the cancer register reports).
-- Output: month_counts — one row per (region_basis, county, pathway, treatment, month) with the
--   counts of every SVF indicator; facts — one row per closed instance and region basis, for
--   the quartiles and medians (quantiles.sql).
--
-- Every end date lies in exactly one month, and each quarter, half and year is a union of
-- months; the cells of every region level, pathway and treatment (`alla` included) and of all
-- four period types are sums of these month counts (lofte.cube.rollup adds them up), and `alla`
-- is therefore always computed from instances, never from cells. Region basis 0 is
-- `avslutande` (the region that reported the end), 1 is `bostad` (the start's residence).

CREATE OR REPLACE TEMP TABLE facts AS
WITH based AS (
    SELECT 0 AS region_basis, end_region AS county, i.* FROM instances AS i
    WHERE i.status = 'closed'
    UNION ALL
    SELECT 1 AS region_basis, residence_region AS county, i.* FROM instances AS i
    WHERE i.status = 'closed'
)
SELECT
    b.region_basis,
    b.county,
    b.pathway,
    t.code AS treatment,
    dm.month,
    b.end_suffix,
    b.national_end,
    b.target_days,
    b.within,
    -- Missed the lead time: closed by a national end with a target, and not within it.
    b.national_end AND b.target_days IS NOT NULL AND NOT b.within AS missed,
    b.lead_time_days,
    b.has_mdk,
    p.mdk_measured,
    b.pathway IN (SELECT pathway FROM register_pathways) AS registered,
    CAST(b.first_visit - b.start_date AS INTEGER) AS start_to_visit,
    CASE WHEN b.first_diagnosis >= b.first_visit
         THEN CAST(b.first_diagnosis - b.first_visit AS INTEGER) END AS visit_to_diagnosis,
    CAST(b.end_date - b.first_diagnosis AS INTEGER) AS diagnosis_to_treatment
FROM based AS b
JOIN pathway_info AS p ON p.pathway = b.pathway
JOIN treatment_codes AS t ON t.treatment = b.treatment
JOIN day_month AS dm ON dm.day = b.end_date;

CREATE OR REPLACE TEMP TABLE month_counts AS
SELECT
    region_basis,
    county,
    pathway,
    treatment,
    month,
    COUNT(*) AS n_closed,
    COUNT(CASE WHEN national_end AND target_days IS NOT NULL THEN 1 END) AS n_target,
    COUNT(CASE WHEN national_end AND within THEN 1 END) AS n_within,
    COUNT(CASE WHEN end_suffix IN (50, 52, 54, 58, 59, 60) THEN 1 END) AS n_treated,
    COUNT(CASE WHEN end_suffix IN (50, 52, 54, 58, 59, 60) AND lead_time_days <= 28
             THEN 1 END) AS n_within_28,
    COUNT(CASE WHEN national_end THEN 1 END) AS n_national,
    COUNT(CASE WHEN national_end AND mdk_measured THEN 1 END) AS n_mdk_base,
    COUNT(CASE WHEN national_end AND mdk_measured AND has_mdk THEN 1 END) AS n_mdk,
    COUNT(CASE WHEN national_end AND start_to_visit IS NOT NULL THEN 1 END) AS n_visit,
    COUNT(CASE WHEN national_end AND visit_to_diagnosis IS NOT NULL THEN 1 END)
        AS n_diagnosis,
    COUNT(CASE WHEN national_end AND diagnosis_to_treatment IS NOT NULL THEN 1 END)
        AS n_treatment,
    -- The populations of the intervals' medians among the pathways that missed the lead time.
    COUNT(CASE WHEN missed AND start_to_visit IS NOT NULL THEN 1 END) AS n_missed_visit,
    COUNT(CASE WHEN missed AND visit_to_diagnosis IS NOT NULL THEN 1 END) AS n_missed_diagnosis,
    COUNT(CASE WHEN missed AND diagnosis_to_treatment IS NOT NULL THEN 1 END)
        AS n_missed_treatment,
    -- svf_inklusion numerators: residence basis, national ends, only the pathways that the
    -- register reports (the register aggregate has no treatment and no symptom pathways).
    COUNT(CASE WHEN region_basis = 1 AND national_end AND registered THEN 1 END)
        AS n_included
FROM facts
GROUP BY region_basis, county, pathway, treatment, month;
