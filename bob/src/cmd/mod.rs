//! One module per subcommand: its arguments (clap derive, the help text is
//! the manual) and a `run` that returns the exit code.

pub mod capture;
pub mod deviations;
pub mod explain;
pub mod import;
pub mod merge;
pub mod pipeline;
pub mod regress;
pub mod replay;
pub mod seccomp;
pub mod sql;
pub mod superset;
pub mod synth;
