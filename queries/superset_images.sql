-- The images and architectures each container ran with.
SELECT namespace, workload_kind, workload_name, container, image, image_digest, arch,
       COUNT(*) AS rows_seen
FROM events
GROUP BY namespace, workload_kind, workload_name, container, image, image_digest, arch
ORDER BY namespace, workload_kind, workload_name, container, image, image_digest, arch;
