-- What the results report reads of the stored cube (lofte.cube.service.read_report_cells).
-- Table: cube (the cube file). Values are bound to ? only.

-- name: report_cells
-- Treatment alla of the report's regions (?1: a list of codes); SVF half-years by one region
-- basis (?2) and every aggregate indicator (no basis); every pathway only below the nation and
-- for the periods of the detail tables (?3: a list of period labels), otherwise alla.
SELECT *
FROM cube
WHERE treatment = 'alla'
  AND list_contains(?, region)
  AND ((region_basis = ? AND period_type = 'half') OR region_basis IS NULL)
  AND (pathway = 'alla' OR (region <> 'SE' AND list_contains(?, period)));
