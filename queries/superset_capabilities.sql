-- Superset: every capability per workload and container. Capability rows
-- with a negative ret were denied by the kernel; they are still behaviour
-- the workload shows, and a profile must list them to stay quiet.
SELECT namespace, workload_kind, workload_name, container, capability,
       SUM("count") AS observations, COUNT(DISTINCT env) AS environments
FROM events
WHERE kind = 'capability' AND capability IS NOT NULL
GROUP BY namespace, workload_kind, workload_name, container, capability
ORDER BY namespace, workload_kind, workload_name, container, capability;
