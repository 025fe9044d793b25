//! Errors of reading and writing traces; each names the file concerned.
//!
//! The message says what failed and with which file; the cause is the
//! error's `source`, so a chain prints it once: `file: what: cause`.

use std::path::PathBuf;

/// An error about a trace file or dataset.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The file system refused (a missing directory, no permission, full disk).
    #[error("{path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not readable Parquet (truncated, corrupt or not Parquet).
    #[error("{path}: not a readable Parquet file")]
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    /// The file is Parquet but not a bob trace of a version this build reads.
    #[error("{path}: {message}")]
    Version { path: PathBuf, message: String },
    /// An Arrow error while building or reading batches: a bug in bob unless
    /// the message says otherwise.
    #[error("{path}")]
    Arrow {
        path: PathBuf,
        source: arrow::error::ArrowError,
    },
    /// The input of an importer is wrong: a bad label, a file name that does
    /// not fit the pattern.
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    /// A BoB document could not be read.
    #[error(transparent)]
    Profile(#[from] bob_profile::ProfileError),
}

impl TraceError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TraceError::Io {
            path: path.into(),
            source,
        }
    }
    pub(crate) fn input(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        TraceError::Input {
            path: path.into(),
            message: message.into(),
        }
    }
}
