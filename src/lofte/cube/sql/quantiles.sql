-- Input of the quartiles and medians of the SVF cells, SPEC §5 (computed exactly from day
-- histograms in lofte.cube.quantiles): the national-end facts at month level, since every end
-- date lies in exactly one month and the other period types are unions of months.

CREATE OR REPLACE TEMP TABLE quantile_facts AS
SELECT
    region_basis,
    county,
    pathway,
    treatment,
    month,
    lead_time_days,
    start_to_visit,
    visit_to_diagnosis,
    diagnosis_to_treatment,
    -- The same intervals of the pathways that missed their lead time (issue 16: where the days
    -- of those who waited too long went), NULL for every other pathway.
    CASE WHEN missed THEN start_to_visit END AS missed_start_to_visit,
    CASE WHEN missed THEN visit_to_diagnosis END AS missed_visit_to_diagnosis,
    CASE WHEN missed THEN diagnosis_to_treatment END AS missed_diagnosis_to_treatment
FROM facts
WHERE national_end;
