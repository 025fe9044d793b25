//! `bob superset`: one BoB that covers every benign run.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bob_analyze::Session;
use bob_analyze::generalize::Config;
use bob_analyze::superset::{self, ContainerReport, Superset};
use bob_profile::{Bob, Format};

use super::sql::ViewArgs;
use crate::exit;

/// Build the superset ApplicationProfile of a dataset.
///
/// Unions all behaviour per workload and container with the queries in
/// queries/superset_*.sql, generalizes paths and arguments (reported on
/// stderr, and in full with --report), and writes a user-managed, completed
/// ApplicationProfile that kubectl accepts. Rows labelled `attack`, and rows
/// imported from alert logs (what a profile missed, not benign behaviour),
/// are left out unless --include-attacks. The output is deterministic.
///
/// Examples:
///   bob superset --traces redis.ds -o redis-bob.yaml
///   bob superset --traces all.ds --where "label = 'benign'" -o profiles/
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SupersetArgs {
    /// Dataset directory (or one trace file).
    #[arg(short, long, value_name = "DATASET")]
    pub traces: PathBuf,
    #[command(flatten)]
    pub view: ViewArgs,
    /// Include rows labelled `attack` and rows imported from alerts.
    #[arg(long)]
    pub include_attacks: bool,
    /// Output file, or a directory when the dataset holds several workloads.
    ///
    /// A directory gets one `<kind>-<name>.yaml` per workload.
    #[arg(short, long, value_name = "BOB.yaml|DIR")]
    pub output: PathBuf,
    #[command(flatten)]
    pub generalize: GeneralizeArgs,
    /// Write every generalization step as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// Generalization settings shared by superset and merge.
#[derive(clap::Args, Clone)]
pub struct GeneralizeArgs {
    /// Write the plain union: no rewrites, no collapsing, literal argv.
    #[arg(long)]
    pub no_generalize: bool,
    /// Skip the rewrites of volatile segments (timestamps, ids, numbers).
    #[arg(long)]
    pub no_rewrites: bool,
    /// Children a directory may have before it collapses to `⋯`. Default 50.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub collapse_threshold: usize,
    /// Per-prefix collapse threshold, PREFIX=N (repeatable).
    ///
    /// Defaults: /etc=100, /opt=50, /var/run=50, /app=50. A threshold of 1
    /// turns the directory into `*`.
    #[arg(long = "threshold", value_name = "PREFIX=N", value_parser = parse_threshold)]
    pub thresholds: Vec<(String, usize)>,
    /// Distinct argv of one executable kept literal before they merge. Default 3.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub argv_threshold: usize,
}

fn parse_threshold(s: &str) -> Result<(String, usize), String> {
    let (p, n) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not PREFIX=N"))?;
    let n: usize = n.parse().map_err(|_| format!("`{n}` is not a number"))?;
    if !p.starts_with('/') || n == 0 {
        return Err(format!(
            "`{s}`: the prefix must be absolute and N at least 1"
        ));
    }
    Ok((p.trim_end_matches('/').to_owned(), n))
}

impl GeneralizeArgs {
    /// The generalization these flags select.
    pub fn config(&self) -> Config {
        if self.no_generalize {
            return Config::none();
        }
        let mut c = Config {
            rewrites: !self.no_rewrites,
            collapse_threshold: self.collapse_threshold,
            argv_threshold: self.argv_threshold,
            ..Config::default()
        };
        for (p, n) in &self.thresholds {
            c.prefix_thresholds.retain(|(q, _)| q != p);
            c.prefix_thresholds.push((p.clone(), *n));
        }
        c
    }
}

pub fn run(args: SupersetArgs) -> anyhow::Result<ExitCode> {
    let extra = (!args.include_attacks).then_some(super::sql::BENIGN_ROWS);
    let session = Session::open(&args.traces, &args.view.options(extra))?;
    let unions = superset::collect(&session)?;
    if unions.is_empty() {
        anyhow::bail!(
            "{}: no behaviour to build a profile from (the dataset is empty or the filter selects no rows)",
            args.traces.display()
        );
    }
    let built = superset::build(unions, &args.generalize.config());
    print_report(&built.report);
    write_profiles(&built, &args.output)?;
    if let Some(path) = &args.report {
        let json = serde_json::to_string_pretty(&built.report)? + "\n";
        bob_profile::write_atomic(path, json.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    Ok(ExitCode::from(exit::OK))
}

/// Writes the profiles: to `out` if there is one, else into the directory
/// `out`. Each file is written atomically.
pub fn write_profiles(built: &Superset, out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let as_dir = out.is_dir() || out.to_string_lossy().ends_with('/') || built.profiles.len() > 1;
    if built.profiles.len() > 1 && out.extension().is_some() && !out.is_dir() {
        let names: Vec<String> = built.profiles.iter().map(|(w, _)| w.slug()).collect();
        anyhow::bail!(
            "{}: the dataset holds {} workloads ({}); give a directory to -o, or select one with --where",
            out.display(),
            names.len(),
            names.join(", ")
        );
    }
    let mut slugs: Vec<String> = built.profiles.iter().map(|(w, _)| w.slug()).collect();
    slugs.sort();
    if let Some(pair) = slugs.windows(2).find(|p| p[0] == p[1]) {
        anyhow::bail!(
            "{}: two workloads (in different namespaces) would both be written to `{}.yaml`; \
             select one with --where \"namespace = '...'\"",
            out.display(),
            pair[0]
        );
    }
    let mut written = Vec::new();
    for (w, ap) in &built.profiles {
        let path = if as_dir {
            out.join(format!("{}.yaml", w.slug()))
        } else {
            out.to_path_buf()
        };
        bob_profile::write_file(
            &path,
            &Bob::ApplicationProfile(ap.clone()),
            Format::from_path(&path),
        )?;
        tracing::info!("wrote {}", path.display());
        written.push(path);
    }
    Ok(written)
}

/// The generalization summary on stderr: counts before and after, and the
/// steps by rule.
pub fn print_report(report: &[ContainerReport]) {
    for c in report {
        let (b, a) = (c.before, c.after);
        tracing::info!(
            "{}/{}: opens {} -> {}, execs {} -> {}, syscalls {}, capabilities {}, {} generalization step(s)",
            c.workload,
            c.container,
            b.opens,
            a.opens,
            b.execs,
            a.execs,
            a.syscalls,
            a.capabilities,
            c.steps.len()
        );
        for s in &c.steps {
            tracing::debug!(
                "  {} [{}]: {} entr(ies) -> {}",
                s.rule,
                s.scope,
                s.from_count,
                s.to
            );
        }
    }
}
