-- Deviations: for every item (syscall, capability, exec path, open path,
-- DNS name, endpoint, network peer) of every workload and container, the
-- environments that show it. `env` joins the labels chosen with --by.
-- bob deviations generalizes the paths and derives core, superset and the
-- per-environment additions and gaps from these rows.
--
-- The inner query groups on the trace's own columns; the item strings are
-- made from its groups, not from every row. Rows without an item are
-- dropped before grouping by conditions on those columns: a condition on
-- `item` itself would be pushed below the grouping by the optimizer and
-- build the item of every row.
SELECT namespace, workload_kind, workload_name, container, kind, item, env,
       SUM(observations) AS observations
FROM (
  SELECT namespace, workload_kind, workload_name, container, kind, env, observations,
    CASE kind
      WHEN 'syscall' THEN CAST(syscall AS VARCHAR)
      WHEN 'capability' THEN CAST(capability AS VARCHAR)
      WHEN 'exec' THEN CAST(path AS VARCHAR)
      WHEN 'open' THEN CAST(path AS VARCHAR)
      WHEN 'http' THEN CAST(path AS VARCHAR)
      WHEN 'dns' THEN CAST(domain AS VARCHAR)
      WHEN 'network' THEN concat_ws(' ', direction, protocol, remote_addr, CAST(remote_port AS VARCHAR))
    END AS item
  FROM (
    SELECT namespace, workload_kind, workload_name, container, kind, env,
           syscall, capability, path, domain,
           direction, protocol, remote_addr, remote_port, SUM("count") AS observations
    FROM events
    WHERE (kind = 'syscall' AND syscall IS NOT NULL)
       OR (kind = 'capability' AND capability IS NOT NULL)
       OR (kind IN ('exec', 'open', 'http') AND path IS NOT NULL)
       OR (kind = 'dns' AND domain IS NOT NULL)
       OR kind = 'network'
    GROUP BY namespace, workload_kind, workload_name, container, kind, env,
             syscall, capability, path, domain,
             direction, protocol, remote_addr, remote_port
  ) AS grouped
) AS items
GROUP BY namespace, workload_kind, workload_name, container, kind, item, env
ORDER BY namespace, workload_kind, workload_name, container, kind, item, env;
