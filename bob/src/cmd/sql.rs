//! `bob sql`: DataFusion SQL over a dataset.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_analyze::output::{self, ResultFormat};
use bob_analyze::{Session, SessionOptions};

use crate::exit;

/// Run SQL over a dataset, as the table `events`.
///
/// `events` holds every row of the dataset (columns: docs/trace-format.md)
/// plus `env`, the labels chosen with --by joined by spaces. Statements in
/// a file (-f) run in order, separated by `;`; each result is printed.
///
/// Examples:
///   bob sql "SELECT kind, COUNT(*) FROM events GROUP BY kind" --traces redis.ds
///   bob sql -f queries/syscalls_per_environment.sql --traces redis.ds --format csv
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SqlArgs {
    /// The SQL to run (or use -f).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    query: Option<String>,
    /// Read the SQL from a file.
    #[arg(short, long, value_name = "FILE")]
    file: Option<PathBuf>,
    /// Dataset directory (or one trace file).
    #[arg(short, long, value_name = "DATASET")]
    traces: PathBuf,
    #[command(flatten)]
    view: ViewArgs,
    /// Output format: table, csv, json (lines) or parquet.
    ///
    /// Default: table. parquet needs -o.
    #[arg(long, default_value = "table", value_parser = ["table", "csv", "json", "parquet"])]
    format: String,
    /// Write the result to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// How `events` is seen: which rows, and what `env` means.
#[derive(clap::Args, Clone)]
pub struct ViewArgs {
    /// Only rows where this SQL condition holds, e.g. "label = 'benign'".
    #[arg(long = "where", value_name = "SQL")]
    pub filter: Option<String>,
    /// Labels that make up an environment (the `env` column), comma-separated.
    ///
    /// Well-known labels are columns; other keys are looked up in `labels`.
    /// Default: os,k8s_distribution,k8s_version,kernel,arch,runtime.
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub by: Vec<String>,
}

impl ViewArgs {
    /// The session options these flags select, with an extra condition.
    pub fn options(&self, extra: Option<&str>) -> SessionOptions {
        let mut o = SessionOptions::default();
        if !self.by.is_empty() {
            o.env_by = self.by.clone();
        }
        o.filter = match (&self.filter, extra) {
            (Some(f), Some(e)) => Some(format!("({f}) AND ({e})")),
            (Some(f), None) => Some(f.clone()),
            (None, e) => e.map(str::to_owned),
        };
        o
    }
}

/// The rows supersets and deviations use unless told otherwise: not
/// labelled `attack`, and not imported from alerts (an alert row is what a
/// profile missed, not evidence of benign behaviour).
pub const BENIGN_ROWS: &str = "label <> 'attack' AND alert_rule IS NULL";

/// The format named on the command line.
pub fn result_format(s: &str) -> ResultFormat {
    match s {
        "csv" => ResultFormat::Csv,
        "json" => ResultFormat::Json,
        "parquet" => ResultFormat::Parquet,
        _ => ResultFormat::Table,
    }
}

pub fn run(args: SqlArgs) -> anyhow::Result<ExitCode> {
    let sql = match (&args.query, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).with_context(|| format!("{}", f.display()))?
        }
        (None, None) => unreachable!("clap requires a query or a file"),
    };
    let session = Session::open(&args.traces, &args.view.options(None))?;
    let format = result_format(&args.format);
    let statements: Vec<&str> = split_statements(&sql);
    if statements.is_empty() {
        anyhow::bail!("no SQL statement given");
    }
    if args.output.is_some() && statements.len() > 1 {
        anyhow::bail!(
            "-o writes one result, but the SQL holds {} statements; run them one by one",
            statements.len()
        );
    }
    let mut all = Vec::new();
    for stmt in &statements {
        let batches = session.query(stmt)?;
        match &args.output {
            Some(_) => all.extend(batches),
            None => {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                output::write_text(&batches, format, &mut out)?;
                out.flush()?;
            }
        }
    }
    if let Some(path) = &args.output {
        output::write_file(&all, format, path)?;
    }
    Ok(ExitCode::from(exit::OK))
}

/// Splits on `;` outside quotes and comments; drops empty statements.
fn split_statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quote, mut comment) = (0, None::<char>, false);
    let bytes: Vec<char> = sql.chars().collect();
    let mut offset = 0;
    for (i, c) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        match (comment, quote, *c) {
            (true, _, '\n') => comment = false,
            (true, _, _) => {}
            (false, Some(q), ch) if ch == q => quote = None,
            (false, Some(_), _) => {}
            (false, None, '\'' | '"') => quote = Some(*c),
            (false, None, '-') if next == Some('-') => comment = true,
            (false, None, ';') => {
                out.push(&sql[start..offset]);
                start = offset + 1;
            }
            _ => {}
        }
        offset += c.len_utf8();
    }
    out.push(&sql[start..]);
    out.into_iter()
        .filter(|s| !strip_comments(s).trim().is_empty())
        .collect()
}

fn strip_comments(s: &str) -> String {
    s.lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::split_statements;

    #[test]
    fn statements_split_outside_quotes_and_comments() {
        let s = "-- a; comment\nSELECT ';' AS x;\nSELECT 2; -- trailing\n";
        let v = split_statements(s);
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].contains("';'"));
    }
}
