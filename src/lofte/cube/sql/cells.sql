-- Indicator cells from pathway instances, SPEC §5. Every cell of every level is aggregated from
-- instances (never by averaging cells): GROUPING SETS over geography, pathway and treatment.
--
-- Inputs: instances (lofte.svf engine), pathway_info(pathway, mdk_measured, extended_marker),
--   region_map(county, healthcare_region), period_map(day, period, period_type).
-- Output: wide_cells — one row per (region_basis, region, pathway, treatment, period) with the
--   numerators and denominators of all SVF indicators (the quantiles come from
--   lofte.cube.quantiles); inclusion_numerators for svf_inklusion.
--
-- Every end date lies in exactly one month, and each quarter, half and year is a union of
-- months, so the facts are kept at month level only and the counts are first summed per finest
-- key and month (month_counts); the grouping sets then sum those partial counts for all four
-- period types (month_periods). Sums are distributive, so this equals counting the facts of
-- each period type directly, on a much smaller input.

CREATE OR REPLACE TEMP TABLE facts AS
WITH based AS (
    SELECT 'avslutande' AS region_basis, end_region AS county, i.* FROM instances AS i
    WHERE i.status = 'closed'
    UNION ALL
    SELECT 'bostad' AS region_basis, residence_region AS county, i.* FROM instances AS i
    WHERE i.status = 'closed'
)
SELECT
    b.region_basis,
    b.county,
    r.healthcare_region,
    b.pathway,
    b.treatment,
    pm.period,
    pm.period_type,
    b.end_suffix,
    b.national_end,
    b.target_days,
    b.within,
    b.lead_time_days,
    b.has_mdk,
    p.mdk_measured,
    CAST(b.first_visit - b.start_date AS INTEGER) AS start_to_visit,
    CASE WHEN b.first_diagnosis >= b.first_visit
         THEN CAST(b.first_diagnosis - b.first_visit AS INTEGER) END AS visit_to_diagnosis,
    CAST(b.end_date - b.first_diagnosis AS INTEGER) AS diagnosis_to_treatment
FROM based AS b
JOIN region_map AS r ON r.county = b.county
JOIN pathway_info AS p ON p.pathway = b.pathway
JOIN period_map AS pm ON pm.day = b.end_date AND pm.period_type = 'month';

-- Each month with the period of each of the four period types that contains it.
CREATE OR REPLACE TEMP TABLE month_periods AS
SELECT DISTINCT m.period AS month, p.period, p.period_type
FROM period_map AS m
JOIN period_map AS p ON p.day = m.day
WHERE m.period_type = 'month';

CREATE OR REPLACE TEMP TABLE month_counts AS
SELECT
    region_basis,
    county,
    healthcare_region,
    pathway,
    treatment,
    period AS month,
    COUNT(*) AS n_closed,
    SUM(CASE WHEN national_end AND target_days IS NOT NULL THEN 1 ELSE 0 END) AS n_target,
    SUM(CASE WHEN national_end AND within THEN 1 ELSE 0 END) AS n_within,
    SUM(CASE WHEN end_suffix IN (50, 52, 54, 58, 59, 60) THEN 1 ELSE 0 END) AS n_treated,
    SUM(CASE WHEN end_suffix IN (50, 52, 54, 58, 59, 60) AND lead_time_days <= 28
             THEN 1 ELSE 0 END) AS n_within_28,
    SUM(CASE WHEN national_end THEN 1 ELSE 0 END) AS n_national,
    SUM(CASE WHEN national_end AND mdk_measured THEN 1 ELSE 0 END) AS n_mdk_base,
    SUM(CASE WHEN national_end AND mdk_measured AND has_mdk THEN 1 ELSE 0 END) AS n_mdk,
    SUM(CASE WHEN national_end AND start_to_visit IS NOT NULL THEN 1 ELSE 0 END) AS n_visit,
    SUM(CASE WHEN national_end AND visit_to_diagnosis IS NOT NULL THEN 1 ELSE 0 END)
        AS n_diagnosis,
    SUM(CASE WHEN national_end AND diagnosis_to_treatment IS NOT NULL THEN 1 ELSE 0 END)
        AS n_treatment
FROM facts
GROUP BY region_basis, county, healthcare_region, pathway, treatment, period;

CREATE OR REPLACE TEMP TABLE wide_cells AS
SELECT
    region_basis,
    period,
    period_type,
    COALESCE(county, healthcare_region, 'SE') AS region,
    CASE WHEN county IS NOT NULL THEN 'county'
         WHEN healthcare_region IS NOT NULL THEN 'healthcare_region'
         ELSE 'nation' END AS region_level,
    COALESCE(pathway, 'alla') AS pathway,
    COALESCE(treatment, 'alla') AS treatment,
    SUM(c.n_closed) AS n_closed,
    SUM(c.n_target) AS n_target,
    SUM(c.n_within) AS n_within,
    SUM(c.n_treated) AS n_treated,
    SUM(c.n_within_28) AS n_within_28,
    SUM(c.n_national) AS n_national,
    SUM(c.n_mdk_base) AS n_mdk_base,
    SUM(c.n_mdk) AS n_mdk,
    SUM(c.n_visit) AS n_visit,
    SUM(c.n_diagnosis) AS n_diagnosis,
    SUM(c.n_treatment) AS n_treatment
FROM month_counts AS c
JOIN month_periods AS mp ON mp.month = c.month
GROUP BY GROUPING SETS (
    (region_basis, period, period_type, county, healthcare_region, pathway, treatment),
    (region_basis, period, period_type, county, healthcare_region, pathway),
    (region_basis, period, period_type, county, healthcare_region, treatment),
    (region_basis, period, period_type, county, healthcare_region),
    (region_basis, period, period_type, healthcare_region, pathway, treatment),
    (region_basis, period, period_type, healthcare_region, pathway),
    (region_basis, period, period_type, healthcare_region, treatment),
    (region_basis, period, period_type, healthcare_region),
    (region_basis, period, period_type, pathway, treatment),
    (region_basis, period, period_type, pathway),
    (region_basis, period, period_type, treatment),
    (region_basis, period, period_type)
);

-- svf_inklusion numerators: residence basis, all treatments, national ends, only pathways that
-- the register reports (the register aggregate has no treatment and no symptom pathways).
CREATE OR REPLACE TEMP TABLE inclusion_numerators AS
SELECT
    mp.period,
    COALESCE(f.county, f.healthcare_region, 'SE') AS region,
    COALESCE(f.pathway, 'alla') AS pathway,
    COUNT(*) AS n_included
FROM facts AS f
JOIN month_periods AS mp ON mp.month = f.period
WHERE f.region_basis = 'bostad' AND f.national_end
  AND f.pathway IN (SELECT DISTINCT pathway FROM register_cells WHERE pathway <> 'alla')
GROUP BY GROUPING SETS (
    (mp.period, mp.period_type, f.county, f.healthcare_region, f.pathway),
    (mp.period, mp.period_type, f.county, f.healthcare_region),
    (mp.period, mp.period_type, f.healthcare_region, f.pathway),
    (mp.period, mp.period_type, f.healthcare_region),
    (mp.period, mp.period_type, f.pathway),
    (mp.period, mp.period_type)
);
