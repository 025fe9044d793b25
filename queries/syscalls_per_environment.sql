-- How many distinct syscalls each (os, k8s_distribution, k8s_version)
-- recorded. Example: bob sql -f queries/syscalls_per_environment.sql --traces DATASET
SELECT os, k8s_distribution, k8s_version, COUNT(DISTINCT syscall) AS syscalls
FROM events
WHERE kind = 'syscall'
GROUP BY os, k8s_distribution, k8s_version
ORDER BY os, k8s_distribution, k8s_version;
