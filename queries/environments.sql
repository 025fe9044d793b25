-- The environments of a dataset: each distinct `env` with its labels, its
-- runs and rows.
SELECT env, os, distribution, k8s_distribution, k8s_version, kernel, arch, runtime,
       COUNT(DISTINCT run) AS runs, COUNT(*) AS rows_seen
FROM events
GROUP BY env, os, distribution, k8s_distribution, k8s_version, kernel, arch, runtime
ORDER BY env;
