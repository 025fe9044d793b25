//! SQL over bob traces: supersets, generalization, deviations and seccomp.
//!
//! [`session`] opens a dataset as the DataFusion table `events`; the
//! queries of `queries/*.sql` (compiled into the binary, runnable by hand
//! with `bob sql -f`) compute unions and per-environment presence;
//! [`superset`] assembles their rows into an ApplicationProfile,
//! [`generalize`] turns run-specific paths and arguments into wildcards and
//! reports every step, [`deviations`] says what differs where, and
//! [`seccomp`] writes and compares OCI seccomp profiles.

mod columns;
pub mod deviations;
pub mod deviations_report;
pub mod env_label;
pub mod error;
pub mod format;
pub mod generalize;
pub mod merge;
pub mod output;
pub mod queries;
pub mod seccomp;
pub mod session;
pub mod superset;

pub use error::AnalyzeError;
pub use session::{Session, SessionOptions};
