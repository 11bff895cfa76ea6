-- What the desk's patient lists read from the engine outputs (lofte.cube.lists).
-- Tables: instances (the instances file), event_flags (the event-flags file) and events (the
-- event-store files of the region's active deliveries). Values are bound to ? only.

-- name: closed_outside_target
-- Closed pathways of a region (the one that reported the start) whose lead time exceeds the
-- target, newest end first.
SELECT patient, pathway, start_date, end_date, treatment, lead_time_days, target_days,
       start_delivery_id AS delivery_id, start_line AS line, end_delivery_id, end_line
FROM instances
WHERE start_region = ? AND status = 'closed' AND NOT within
ORDER BY end_date DESC, pathway, patient;

-- name: ongoing
-- The region's ongoing pathways at its cut-off (the region reported their start).
SELECT patient, pathway, instance_no, start_date, cutoff, waiting_days, extended_date,
       start_delivery_id AS delivery_id, start_line AS line
FROM instances
WHERE start_region = ? AND status = 'ongoing' AND cutoff IS NOT NULL;

-- name: flagged_events
-- The engine's warnings on the events of the given deliveries, with the event's patient.
SELECT e.patient, f.pathway, f.suffix, f.event_date, f.flag, f.delivery_id, f.line
FROM event_flags AS f
JOIN events AS e USING (delivery_id, line)
ORDER BY f.delivery_id, f.line, f.flag;
