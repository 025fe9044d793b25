//! Importers: Kubescape documents and logs to trace rows.

pub mod alerts;
pub mod name_pattern;
pub mod profile;

/// What an import did, for the summary line and the exit code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Input files read.
    pub files: usize,
    /// Rows written.
    pub rows: u64,
    /// Input lines that were not valid JSON: `(file, line number, why)`.
    pub broken: Vec<(std::path::PathBuf, usize, String)>,
    /// Valid lines that were not alerts (node-agent's own log lines).
    pub skipped: usize,
    /// Files written.
    pub outputs: Vec<std::path::PathBuf>,
}

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::env::Environment;
use crate::error::TraceError;
use crate::event::{Class, Source};
use crate::writer::TraceWriter;
use name_pattern::NamePattern;

/// Options shared by the importers.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Labels for every row; they override labels from file names.
    pub env: Environment,
    /// Labels taken from each file's name.
    pub name_pattern: Option<NamePattern>,
    /// The `label` column of every row.
    pub class: Class,
    /// The `scenario` column; the file's stem when `None`.
    pub scenario: Option<String>,
}

impl ImportOptions {
    /// The environment of one input file: its name's labels, then `env`.
    fn env_for(&self, file: &Path) -> Result<Arc<Environment>, TraceError> {
        let mut env = Environment::default();
        if let Some(p) = &self.name_pattern {
            let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let labels = p.labels(name).ok_or_else(|| {
                TraceError::input(
                    file,
                    format!("file name does not fit the pattern `{}`", p.as_str()),
                )
            })?;
            for (k, v) in labels {
                env.set(&k, &v);
            }
        }
        env.overlay(&self.env);
        Ok(Arc::new(env))
    }
}

fn stem(file: &Path) -> String {
    file.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("input")
        .to_owned()
}

/// One run name per input file: its stem, with `-2`, `-3`, ... added to
/// stems that an earlier input of the same import already has, so that
/// `a/redis.yaml` and `b/redis.yaml` do not write the same trace file.
fn run_names(files: &[PathBuf]) -> Vec<String> {
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    files
        .iter()
        .map(|f| {
            let s = stem(f);
            let n = seen.entry(s.clone()).or_default();
            *n += 1;
            if *n == 1 { s } else { format!("{s}-{n}") }
        })
        .collect()
}

/// Imports learned profiles into `dataset`, one trace file per input file.
/// Inputs are all read and checked before anything is written.
pub fn import_profiles(
    files: &[PathBuf],
    dataset: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, TraceError> {
    let mut docs = Vec::with_capacity(files.len());
    for f in files {
        docs.push((f, bob_profile::read_file(f)?, opts.env_for(f)?));
    }
    let mut report = ImportReport::default();
    for ((file, bob, env), run) in docs.into_iter().zip(run_names(files)) {
        let scenario = opts.scenario.clone().unwrap_or_else(|| stem(file));
        let ctx = profile::ProfileRows {
            env,
            class: opts.class,
            run: &run,
            scenario: &scenario,
        };
        let mut w = TraceWriter::create(dataset, Source::KubescapeProfile, &run)?;
        for e in profile::rows(&bob, &ctx) {
            w.write(e)?;
        }
        report.rows += w.rows();
        report.outputs.push(w.finish()?);
        report.files += 1;
    }
    Ok(report)
}

/// Imports node-agent alert logs into `dataset`. Broken lines are reported
/// in the result and the good lines still imported.
pub fn import_alerts(
    files: &[PathBuf],
    dataset: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, TraceError> {
    let mut report = ImportReport::default();
    let class = if opts.class == Class::default() {
        Class::Unknown
    } else {
        opts.class
    };
    for (file, run) in files.iter().zip(run_names(files)) {
        let text = std::fs::read_to_string(file).map_err(|e| TraceError::io(file, e))?;
        let env = opts.env_for(file)?;
        let scenario = opts.scenario.clone().unwrap_or_else(|| run.clone());
        let ctx = alerts::AlertRows {
            env,
            class,
            run: &run,
            scenario: &scenario,
        };
        let mut w = TraceWriter::create(dataset, Source::KubescapeAlert, &run)?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match alerts::parse_line(line, &ctx) {
                alerts::Line::Alert(e) => w.write(*e)?,
                alerts::Line::Other => report.skipped += 1,
                alerts::Line::Broken(why) => {
                    tracing::debug!("{}: line {}: not JSON: {why}", file.display(), i + 1);
                    report.broken.push((file.clone(), i + 1, why));
                }
            }
        }
        report.rows += w.rows();
        report.outputs.push(w.finish()?);
        report.files += 1;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_stems_get_distinct_runs() {
        let files: Vec<PathBuf> = ["a/redis.yaml", "b/redis.json", "c/other.yaml"]
            .map(PathBuf::from)
            .into();
        assert_eq!(run_names(&files), ["redis", "redis-2", "other"]);
    }
}
