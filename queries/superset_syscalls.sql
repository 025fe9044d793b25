-- Superset: every syscall per workload and container, how often it was
-- seen and in how many environments. bob superset reads the rows; run it by
-- hand with: bob sql -f queries/superset_syscalls.sql --traces DATASET
SELECT namespace, workload_kind, workload_name, container, syscall,
       SUM("count") AS observations, COUNT(DISTINCT env) AS environments
FROM events
WHERE kind = 'syscall' AND syscall IS NOT NULL
GROUP BY namespace, workload_kind, workload_name, container, syscall
ORDER BY namespace, workload_kind, workload_name, container, syscall;
