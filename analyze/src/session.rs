//! A DataFusion session with a dataset registered as the table `events`.
//!
//! The files are listed and version-checked by [`bob_trace::Dataset`] first,
//! so a corrupt or foreign file is reported by name before any query runs.
//! `events` is a view over the raw table (`events_raw`) that adds one column,
//! `env`: the environment labels chosen with [`SessionOptions::env_by`],
//! joined by spaces. A filter (`--where`) is applied in the same view, so
//! every query in `queries/` sees only the selected rows.

use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::DataType;
use arrow::record_batch::RecordBatch;
use bob_trace::Dataset;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::ListingOptions;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::error::AnalyzeError;
use crate::format::{TraceFormat, sql_schema};

/// The environment columns `env` is built from unless told otherwise.
pub const DEFAULT_ENV_BY: &[&str] = &[
    "os",
    "k8s_distribution",
    "k8s_version",
    "kernel",
    "arch",
    "runtime",
];

/// How a dataset is opened.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Columns (or `labels['key']` expressions) joined into `env`.
    pub env_by: Vec<String>,
    /// A SQL boolean expression over the columns; rows where it is not true
    /// are invisible to every query.
    pub filter: Option<String>,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            env_by: DEFAULT_ENV_BY.iter().map(|s| s.to_string()).collect(),
            filter: None,
        }
    }
}

/// A dataset opened for SQL.
pub struct Session {
    pub ctx: SessionContext,
    pub dataset: Dataset,
    runtime: tokio::runtime::Runtime,
}

impl Session {
    /// Opens `path` (a dataset directory or one trace file).
    pub fn open(path: &Path, opts: &SessionOptions) -> Result<Session, AnalyzeError> {
        let dataset = Dataset::open(path)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| AnalyzeError::io(path, e))?;
        // Filters are not pushed into the Parquet decoder: on the benchmark
        // (`analyze/bench/bench.py`) every query but one ran slower with
        // them, the selective ones by half, because decoding the filter
        // column first and the others row-selected costs more than decoding
        // all and filtering batches.
        let config = SessionConfig::new()
            .with_information_schema(true)
            .set_bool("datafusion.execution.parquet.pushdown_filters", false);
        let ctx = SessionContext::new_with_config(config);
        ctx.register_udf(crate::env_label::udf());
        let session = Session {
            ctx,
            dataset,
            runtime,
        };
        session.register(path, opts)?;
        Ok(session)
    }

    fn register(&self, path: &Path, opts: &SessionOptions) -> Result<(), AnalyzeError> {
        let partitions: Vec<(String, DataType)> = self
            .dataset
            .partition_keys()
            .into_iter()
            .map(|k| (k, DataType::Utf8))
            .collect();
        let mut url = std::fs::canonicalize(path)
            .map_err(|e| AnalyzeError::io(path, e))?
            .to_string_lossy()
            .into_owned();
        if path.is_dir() && !url.ends_with('/') {
            url.push('/');
        }
        // The format takes the session's Parquet options.
        let parquet =
            ParquetFormat::default().with_options(self.ctx.state().default_table_options().parquet);
        let format = TraceFormat::new(&self.dataset, parquet)?;
        let options = ListingOptions::new(Arc::new(format))
            .with_file_extension(".parquet")
            .with_table_partition_cols(if path.is_dir() {
                partitions
            } else {
                Vec::new()
            });
        let env = env_expression(&opts.env_by);
        let filter = opts
            .filter
            .as_deref()
            .map(|f| format!(" WHERE {f}"))
            .unwrap_or_default();
        let view = format!(
            "CREATE VIEW events AS SELECT * FROM (SELECT *, {env} AS env FROM events_raw) AS with_env{filter}"
        );
        self.block_on(self.ctx.register_listing_table(
            "events_raw",
            &url,
            options,
            Some(sql_schema()),
            None,
        ))?;
        self.block_on(self.ctx.sql(&view))
            .map(drop)
            .map_err(|e| match opts.filter.as_deref() {
                Some(f) => AnalyzeError::Input(format!(
                    "the filter `{f}` is not valid SQL over events: {e}"
                )),
                None => AnalyzeError::Query(e),
            })
    }

    /// Runs a future on this session's runtime.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// Runs one SQL statement and collects its result.
    pub fn query(&self, sql: &str) -> Result<Vec<RecordBatch>, AnalyzeError> {
        self.block_on(async {
            let df = self.ctx.sql(sql).await?;
            df.collect().await
        })
        .map_err(AnalyzeError::Query)
    }

    /// Runs a statement and streams its batches to `sink` without collecting.
    pub fn query_each(
        &self,
        sql: &str,
        mut sink: impl FnMut(&RecordBatch) -> Result<(), AnalyzeError>,
    ) -> Result<(), AnalyzeError> {
        use futures::StreamExt;
        self.block_on(async {
            let df = self.ctx.sql(sql).await?;
            let mut stream = df.execute_stream().await?;
            while let Some(batch) = stream.next().await {
                sink(&batch?)?;
            }
            Ok(())
        })
    }
}

/// The SQL of the `env` column: the chosen labels joined by spaces, absent
/// labels skipped, as `concat_ws(' ', ...)` joins them (which is how the
/// benchmark defines `env` for DuckDB), computed by [`crate::env_label`].
pub fn env_expression(by: &[String]) -> String {
    if by.is_empty() {
        return "''".to_owned();
    }
    let cols: Vec<String> = by.iter().map(|c| env_column(c)).collect();
    format!("{}({})", crate::env_label::NAME, cols.join(", "))
}

/// A label name as SQL: a well-known label is its column, any other key is
/// looked up in the free-form `labels` map.
pub fn env_column(key: &str) -> String {
    let key = key.trim();
    if bob_trace::env::KNOWN_KEYS.contains(&key) || key.contains('[') || key.contains('(') {
        key.to_owned()
    } else {
        format!("labels['{}']", key.replace('\'', "''"))
    }
}
