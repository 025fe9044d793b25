//! Errors of replay; each names the candidate, file or alert concerned.

use std::path::PathBuf;

/// An error while loading candidates, reading traces or writing results.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// A candidate file is not a BoB (the input's fault).
    #[error("candidate `{candidate}`: {source}")]
    Candidate {
        candidate: String,
        source: bob_profile::ProfileError,
    },
    /// A candidate is a BoB but holds nothing replay can evaluate.
    #[error("candidate `{candidate}`: {message}")]
    EmptyCandidate { candidate: String, message: String },
    /// The traces could not be listed or a file is not a bob trace.
    #[error(transparent)]
    Trace(#[from] bob_trace::TraceError),
    /// A trace file could not be decoded (corrupt, or written by another
    /// schema than its version claims).
    #[error("{path}: {message}")]
    Decode { path: PathBuf, message: String },
    /// An output file could not be written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// An alert given to `explain` is not one node-agent would print.
    #[error("alert: {0}")]
    Alert(String),
}

impl ReplayError {
    pub(crate) fn decode(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        ReplayError::Decode {
            path: path.into(),
            message: e.to_string(),
        }
    }
}
