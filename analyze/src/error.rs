//! Errors of the analysis stage, each saying whose fault it is.

use std::path::PathBuf;

/// An error of `bob sql`, `superset`, `deviations`, `merge` or `seccomp`.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// The dataset could not be opened or a file in it is not a bob trace.
    #[error(transparent)]
    Trace(#[from] bob_trace::TraceError),
    /// A profile could not be read.
    #[error(transparent)]
    Profile(#[from] bob_profile::ProfileError),
    /// DataFusion refused the query: usually the user's SQL or filter.
    #[error("query failed: {0}")]
    Query(datafusion::error::DataFusionError),
    /// Formatting results failed.
    #[error("could not format results: {0}")]
    Arrow(arrow::error::ArrowError),
    /// The input selects nothing or lacks what the job needs.
    #[error("{0}")]
    Input(String),
    /// A file could not be written or read; the cause is the `source`.
    #[error("{path}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl AnalyzeError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        AnalyzeError::Io {
            path: path.into(),
            source,
        }
    }
}

// Conversions by hand: the message carries the cause, so it is not also
// given as a `source` (which would print it twice in a chain).
impl From<datafusion::error::DataFusionError> for AnalyzeError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        AnalyzeError::Query(e)
    }
}

impl From<arrow::error::ArrowError> for AnalyzeError {
    fn from(e: arrow::error::ArrowError) -> Self {
        AnalyzeError::Arrow(e)
    }
}
