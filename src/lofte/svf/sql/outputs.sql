-- Reading the assembly's outputs, and the events the import's quality check assembles.
-- Named statements (lofte.svf.queries): each runs on its own; values are bound to ? only.

-- name: instances
-- The instances table of instances.sql in the order of the instances file: patient, pathway,
-- instance number (the codes sort like the strings they stand for).
SELECT *
FROM instances
ORDER BY patient, pathway, instance_no;

-- name: event_flags
-- The warnings of assemble.sql in the order of the event-flags file.
SELECT delivery_id, line, pathway, suffix, event_date, flag
FROM event_flags
ORDER BY delivery_id, line, flag;

-- name: with_context
-- A delivery's own events and, from other regions' active deliveries (context), the events of
-- the same patients and pathways: a pathway started in another region is no orphan here.
SELECT *
FROM own_events
UNION ALL
SELECT c.*
FROM context AS c
WHERE EXISTS (
    SELECT 1
    FROM own_events AS o
    WHERE o.patient = c.patient AND o.pathway = c.pathway
);
