-- Quartiles and medians of the SVF cells, SPEC §5, for one period type at a time ($period_type).
-- Quantiles are holistic (they need every value, not a sum): they run over the national ends
-- only, in statements of their own, one period type each, which keeps the buffered values to a
-- quarter of what one statement over all period types would hold.

INSERT INTO wide_quantiles
SELECT
    region_basis,
    period,
    COALESCE(county, healthcare_region, 'SE') AS region,
    COALESCE(pathway, 'alla') AS pathway,
    COALESCE(treatment, 'alla') AS treatment,
    QUANTILE_CONT(lead_time_days, 0.25) AS lead_p25,
    QUANTILE_CONT(lead_time_days, 0.5) AS lead_median,
    QUANTILE_CONT(lead_time_days, 0.75) AS lead_p75,
    QUANTILE_CONT(start_to_visit, 0.5) AS med_visit,
    QUANTILE_CONT(visit_to_diagnosis, 0.5) AS med_diagnosis,
    QUANTILE_CONT(diagnosis_to_treatment, 0.5) AS med_treatment
FROM facts
WHERE national_end AND period_type = $period_type
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
