-- Long indicator cells from the wide cells and the inclusion data, SPEC §5 and §8: one row per
-- cell with denominator ≥ 1. Percent = 100 × numerator / denominator at full precision; counts
-- carry the count as numerator, denominator and value; medians and quartiles have no numerator.
--
-- Inputs: wide_cells (lofte.cube.rollup: key codes, counts, quartiles and medians),
--   inclusion_numerators(region, period, pathway, n_included) and register_cells(region_basis,
--   region, pathway, treatment, period, new_cases), all keys as codes of the same codebooks.

CREATE OR REPLACE TEMP TABLE cells AS
SELECT
    indicator, region_basis, region, pathway, treatment, period,
    CAST(numerator AS BIGINT) AS numerator,
    CAST(denominator AS BIGINT) AS denominator,
    CAST(value AS DOUBLE) AS value
FROM (
SELECT 'svf_andel_inom_ledtid' AS indicator, region_basis, region, pathway, treatment, period,
       n_within AS numerator, n_target AS denominator,
       CAST(100 * n_within AS DOUBLE) / n_target AS value
FROM wide_cells WHERE n_target > 0
UNION ALL
SELECT 'svf_andel_inom_28_dagar', region_basis, region, pathway, treatment, period,
       n_within_28, n_treated, CAST(100 * n_within_28 AS DOUBLE) / n_treated
FROM wide_cells WHERE n_treated > 0
UNION ALL
SELECT 'svf_ledtid_median', region_basis, region, pathway, treatment, period,
       NULL, n_national, lead_median
FROM wide_cells WHERE n_national > 0
UNION ALL
SELECT 'svf_ledtid_p25', region_basis, region, pathway, treatment, period,
       NULL, n_national, lead_p25
FROM wide_cells WHERE n_national > 0
UNION ALL
SELECT 'svf_ledtid_p75', region_basis, region, pathway, treatment, period,
       NULL, n_national, lead_p75
FROM wide_cells WHERE n_national > 0
UNION ALL
SELECT 'svf_andel_mdk', region_basis, region, pathway, treatment, period,
       n_mdk, n_mdk_base, CAST(100 * n_mdk AS DOUBLE) / n_mdk_base
FROM wide_cells WHERE n_mdk_base > 0
UNION ALL
SELECT 'svf_antal_avslutade', region_basis, region, pathway, treatment, period,
       n_closed, n_closed, CAST(n_closed AS DOUBLE)
FROM wide_cells WHERE n_closed > 0
UNION ALL
SELECT 'svf_median_start_till_besok', region_basis, region, pathway, treatment, period,
       NULL, n_visit, med_visit
FROM wide_cells WHERE n_visit > 0
UNION ALL
SELECT 'svf_median_besok_till_diagnos', region_basis, region, pathway, treatment, period,
       NULL, n_diagnosis, med_diagnosis
FROM wide_cells WHERE n_diagnosis > 0
UNION ALL
SELECT 'svf_median_diagnos_till_behandling', region_basis, region, pathway, treatment, period,
       NULL, n_treatment, med_treatment
FROM wide_cells WHERE n_treatment > 0
UNION ALL
SELECT 'svf_inklusion', r.region_basis, r.region, r.pathway, r.treatment, r.period,
       COALESCE(n.n_included, 0), r.new_cases,
       CAST(100 * COALESCE(n.n_included, 0) AS DOUBLE) / r.new_cases
FROM register_cells AS r
LEFT JOIN inclusion_numerators AS n
  ON n.region = r.region AND n.period = r.period AND n.pathway = r.pathway
WHERE r.new_cases > 0
) AS long_cells;
