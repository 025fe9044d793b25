//! The SQL of `queries/`, compiled in so the binary runs exactly those files.

/// Syscalls per workload and container.
pub const SUPERSET_SYSCALLS: &str = include_str!("../../queries/superset_syscalls.sql");
/// Capabilities per workload and container.
pub const SUPERSET_CAPABILITIES: &str = include_str!("../../queries/superset_capabilities.sql");
/// Distinct (path, argv) per container.
pub const SUPERSET_EXECS: &str = include_str!("../../queries/superset_execs.sql");
/// Distinct (path, flags) per container.
pub const SUPERSET_OPENS: &str = include_str!("../../queries/superset_opens.sql");
/// HTTP endpoints per container.
pub const SUPERSET_ENDPOINTS: &str = include_str!("../../queries/superset_endpoints.sql");
/// Images, digests and architectures per container.
pub const SUPERSET_IMAGES: &str = include_str!("../../queries/superset_images.sql");
/// Per item, the environments that show it.
pub const DEVIATIONS: &str = include_str!("../../queries/deviations.sql");
/// The environments of a dataset.
pub const ENVIRONMENTS: &str = include_str!("../../queries/environments.sql");
