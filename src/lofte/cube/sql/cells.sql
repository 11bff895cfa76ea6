-- Indicator cells from pathway instances, SPEC §5. Every cell of every level is aggregated from
-- instances (never by averaging cells): GROUPING SETS over geography, pathway and treatment.
--
-- Inputs: instances (lofte.svf engine), pathway_info(pathway, mdk_measured, extended_marker),
--   region_map(county, healthcare_region), period_map(day, period, period_type).
-- Output: wide_cells — one row per (region_basis, region, pathway, treatment, period) with the
--   numerators, denominators and quantiles of all SVF indicators.

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
JOIN period_map AS pm ON pm.day = b.end_date;

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
    period,
    COALESCE(county, healthcare_region, 'SE') AS region,
    COALESCE(pathway, 'alla') AS pathway,
    COUNT(*) AS n_included
FROM facts
WHERE region_basis = 'bostad' AND national_end
  AND pathway IN (SELECT DISTINCT pathway FROM register_cells WHERE pathway <> 'alla')
GROUP BY GROUPING SETS (
    (period, period_type, county, healthcare_region, pathway),
    (period, period_type, county, healthcare_region),
    (period, period_type, healthcare_region, pathway),
    (period, period_type, healthcare_region),
    (period, period_type, pathway),
    (period, period_type)
);
