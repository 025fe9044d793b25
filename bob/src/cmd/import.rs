//! `bob import`: Kubescape profiles and alert logs to trace rows.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_trace::import::{self, ImportOptions, ImportReport, name_pattern::NamePattern};
use bob_trace::{Class, Environment};

use crate::exit;

/// Import Kubescape profiles or node-agent alert logs into a dataset.
///
/// Each input file becomes one trace file under
/// `DATASET/source=<source>/<file stem>.parquet`; importing the same file
/// again replaces it. Environment labels come from `--label` and from the
/// file name (`--name-pattern`).
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// Learned profiles (ApplicationProfile, ContainerProfile, NetworkNeighborhood).
    ///
    /// One row per profile entry: execs, opens, syscalls, capabilities,
    /// endpoints, and network neighbours. Every file is read and checked
    /// before anything is written.
    ///
    /// Example:
    ///   bob import kubescape-profile profiles/bob-redis-*.yaml -o redis.ds \
    ///     --name-pattern 'bob-redis-{os}-{k8s_distribution}-{k8s_version}.yaml'
    #[command(verbatim_doc_comment)]
    KubescapeProfile(Common),
    /// node-agent alert logs (JSON lines, as the stdout exporter prints).
    ///
    /// Each alert becomes one row describing the event that raised it, with
    /// the rule in `alert_rule`. node-agent's own log lines are skipped and
    /// counted. Lines that are not JSON are reported with their numbers; the
    /// good lines are still imported and the exit code is 3 unless
    /// --allow-broken is given.
    #[command(verbatim_doc_comment)]
    KubescapeAlerts(AlertArgs),
}

#[derive(clap::Args)]
struct Common {
    /// Input files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Dataset directory to write into.
    ///
    /// Created if missing. Files of other imports and captures in it are
    /// kept.
    #[arg(short, long, value_name = "DATASET")]
    output: PathBuf,
    /// Environment label for every row, as key=value (repeatable).
    ///
    /// Well-known keys have their own column: os, distribution,
    /// k8s_distribution, k8s_version, kernel, arch, runtime. Any other key
    /// goes to the `labels` map. Overrides labels from file names.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    labels: Vec<(String, String)>,
    /// Take labels from file names, e.g. 'bob-redis-{os}-{k8s_version}.yaml'.
    ///
    /// `{key}` matches one or more characters, `{key:REGEX}` a regex,
    /// `{_}` anything without keeping it; the rest is literal. A file whose
    /// name does not fit is an error.
    #[arg(long, value_name = "PATTERN")]
    name_pattern: Option<String>,
    /// Ground truth for every row: benign, attack or unknown.
    ///
    /// Default: benign for profiles (learned from normal runs), unknown for
    /// alerts.
    #[arg(long, value_name = "CLASS", value_parser = ["benign", "attack", "unknown"])]
    class: Option<String>,
    /// Scenario name for every row. Default: the input file's stem.
    #[arg(long)]
    scenario: Option<String>,
}

#[derive(clap::Args)]
struct AlertArgs {
    #[command(flatten)]
    common: Common,
    /// Exit 0 even when some lines were not JSON.
    #[arg(long)]
    allow_broken: bool,
}

fn parse_label(s: &str) -> Result<(String, String), String> {
    bob_trace::env::parse_label(s)
}

impl Common {
    fn options(&self, default_class: Class) -> anyhow::Result<ImportOptions> {
        let mut env = Environment::default();
        for (k, v) in &self.labels {
            env.set(k, v);
        }
        let name_pattern = match &self.name_pattern {
            Some(p) => Some(NamePattern::new(p).map_err(anyhow::Error::msg)?),
            None => None,
        };
        let class = self
            .class
            .as_deref()
            .and_then(Class::parse)
            .unwrap_or(default_class);
        Ok(ImportOptions {
            env,
            name_pattern,
            class,
            scenario: self.scenario.clone(),
        })
    }
}

pub fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    match args.what {
        What::KubescapeProfile(c) => {
            let opts = c.options(Class::Benign)?;
            let report = import::import_profiles(&c.files, &c.output, &opts)
                .context("importing profiles")?;
            summary(&report, "profile");
            Ok(ExitCode::from(exit::OK))
        }
        What::KubescapeAlerts(a) => {
            let c = &a.common;
            let opts = c.options(Class::Unknown)?;
            let report = import::import_alerts(&c.files, &c.output, &opts)
                .context("importing alert logs")?;
            summary(&report, "alert log");
            let code = if report.broken.is_empty() || a.allow_broken {
                exit::OK
            } else {
                exit::PARTIAL
            };
            Ok(ExitCode::from(code))
        }
    }
}

fn summary(r: &ImportReport, what: &str) {
    tracing::info!(
        "imported {} {what} file(s): {} rows written, {} non-alert lines skipped, {} broken lines",
        r.files,
        r.rows,
        r.skipped,
        r.broken.len()
    );
    for (file, line, why) in &r.broken {
        eprintln!(
            "bob: {}: line {line}: not JSON, skipped: {why}",
            file.display()
        );
    }
}
