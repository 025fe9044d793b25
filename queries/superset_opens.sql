-- Superset: every opened path per workload and container with each
-- distinct set of flags it was opened with; bob unions the flag sets.
SELECT namespace, workload_kind, workload_name, container, path, flags,
       SUM("count") AS observations, COUNT(DISTINCT env) AS environments
FROM events
WHERE kind = 'open' AND path IS NOT NULL
GROUP BY namespace, workload_kind, workload_name, container, path, flags
ORDER BY namespace, workload_kind, workload_name, container, path;
