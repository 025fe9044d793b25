//! The errors of a capture, one variant per thing that can fail.
//!
//! Each message names the object (map, program, file, command) and says
//! whose fault it is: the environment (privileges, kernel), the input
//! (a command that does not exist, a path that is not a cgroup), or a limit.

use std::path::PathBuf;

/// Why a capture could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    /// The process lacks a capability that loading eBPF programs needs.
    #[error(
        "missing capability {missing}: loading the capture programs needs CAP_BPF and \
         CAP_PERFMON (or CAP_SYS_ADMIN); run as root or grant them"
    )]
    Privilege {
        /// The capabilities that are missing, e.g. `CAP_BPF, CAP_PERFMON`.
        missing: String,
    },
    /// The kernel's BTF could not be read (needed for CO-RE and attaching).
    #[error("failed to read kernel BTF from /sys/kernel/btf/vmlinux")]
    Btf(#[source] aya::BtfError),
    /// The embedded eBPF object did not load.
    #[error("failed to load the capture eBPF object")]
    Load(#[source] Box<aya::EbpfError>),
    /// A program did not load (verifier) or attach.
    #[error("failed to {action} program `{program}` (BTF tracepoint `{program}`)")]
    Program {
        action: &'static str,
        program: &'static str,
        #[source]
        source: Box<aya::programs::ProgramError>,
    },
    /// A map is missing from the object or has an unexpected type (a bug).
    #[error("map `{name}` of the capture object: {message}")]
    Map { name: &'static str, message: String },
    /// Reading or writing a map failed.
    #[error("failed to access map `{name}`")]
    MapAccess {
        name: &'static str,
        #[source]
        source: Box<aya::maps::MapError>,
    },
    /// `--cgroup` is not a cgroup v2 directory.
    #[error("`{path}` is not a cgroup v2 directory: {message}")]
    Cgroup { path: PathBuf, message: String },
    /// The command to trace could not be started.
    #[error("failed to start `{command}`")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    /// Neither a command nor a cgroup was given (the caller's bug or usage).
    #[error("nothing to trace: give a command after `--` or --cgroup PATH")]
    NoTarget,
    /// A system call of the capture itself failed.
    #[error("failed to {what}")]
    Os {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// Writing the trace failed.
    #[error(transparent)]
    Trace(#[from] bob_trace::TraceError),
}

impl CaptureError {
    /// An [`CaptureError::Os`] from the current `errno`.
    pub(crate) fn last_os(what: impl Into<String>) -> Self {
        CaptureError::Os {
            what: what.into(),
            source: std::io::Error::last_os_error(),
        }
    }

    pub(crate) fn map(name: &'static str, source: aya::maps::MapError) -> Self {
        CaptureError::MapAccess {
            name,
            source: Box::new(source),
        }
    }
}
