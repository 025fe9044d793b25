-- Superset: every distinct (executable path, argv) per workload and
-- container. Generalization of argv happens after this query.
SELECT namespace, workload_kind, workload_name, container, path, argv,
       SUM("count") AS observations, COUNT(DISTINCT env) AS environments
FROM events
WHERE kind = 'exec' AND path IS NOT NULL
GROUP BY namespace, workload_kind, workload_name, container, path, argv
ORDER BY namespace, workload_kind, workload_name, container, path;
