-- Superset: HTTP endpoints (`:port/path`) with their methods.
SELECT namespace, workload_kind, workload_name, container, path, flags, direction,
       SUM("count") AS observations
FROM events
WHERE kind = 'http' AND path IS NOT NULL
GROUP BY namespace, workload_kind, workload_name, container, path, flags, direction
ORDER BY namespace, workload_kind, workload_name, container, path;
