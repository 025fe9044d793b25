//! `bob replay`: score traces against candidate BoBs.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_replay::alert::AlertSink;
use bob_replay::report::{self, Broken, Format};
use bob_replay::scan::{open_dataset, scan};
use bob_replay::score::ScoreSink;
use bob_replay::{Candidate, EvalOptions, ReplayOptions, RuleSet, Semantics};

use crate::exit;

/// Score traces against candidate BoBs with node-agent's rules.
///
/// Every event of the dataset is evaluated against each candidate with the
/// rules R0001-R0011 and R0040 and the candidate's rulePolicies, as
/// Kubescape's node-agent would. The scoreboard gives, per candidate, the
/// events, the alerts per rule, the distinct alerts after upstream's
/// de-duplication (one report per rule, container and unique id, and
/// another an hour or more after it, by the rows' times) and, where rows
/// are labelled benign or attack, true and
/// false positives, precision, recall and false-positive rate, per
/// environment and per scenario. Several candidates are ranked: no false
/// positive on benign rows first, then most attacks detected. A candidate
/// that cannot be read is reported and the others are still scored; the
/// exit code is then 2.
///
/// Examples:
///   bob replay --profile redis-bob.yaml --traces redis.ds
///   bob replay -p specific.yaml -p generalized.yaml -t all.ds --format markdown
///   bob replay -p app.yaml,network.yaml -t ds --alerts alerts.jsonl
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ReplayArgs {
    /// A candidate BoB; repeat for several.
    ///
    /// One file, or several joined with commas that form one candidate
    /// (an ApplicationProfile and its NetworkNeighborhood, or the profiles
    /// of several workloads). ApplicationProfile, ContainerProfile and
    /// NetworkNeighborhood are read, YAML or JSON.
    #[arg(short, long = "profile", value_name = "BOB[,BOB...]", required = true)]
    pub profiles: Vec<String>,
    /// Dataset directory (or one trace file).
    #[arg(short, long, value_name = "DATASET")]
    pub traces: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Write every alert as a JSON line in node-agent's format.
    ///
    /// Lines are in dataset order (file, row, candidate, rule). With several
    /// candidates each line also carries "ReplayCandidate".
    #[arg(long, value_name = "FILE")]
    pub alerts: Option<PathBuf>,
    /// Report format: table, markdown or json. Default table.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Write the report to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The rule settings shared by replay and regress.
#[derive(clap::Args, Clone)]
pub struct RuleArgs {
    /// Rule semantics: current, kubescape-4.0 or go-rules. Default current.
    ///
    /// `kubescape-4.0` knows only `⋯` in paths (`*` is literal). `go-rules`
    /// are the Go rules before December 2025: R0002 also needs the event's
    /// flags among the entry's and watches every path outside /proc, the
    /// token directories and /tmp; alerts carry the old names and
    /// severities.
    #[arg(long, value_enum, default_value_t = SemanticsArg::Current)]
    pub semantics: SemanticsArg,
    /// Evaluate only these rules, comma-separated (default: all twelve).
    #[arg(long, value_name = "R0001,...", value_parser = parse_rules)]
    pub rules: Option<RuleSet>,
    /// Address of the Kubernetes API server, for R0007's network half.
    ///
    /// Repeatable; an IP or CIDR. Traces do not record it, so without this
    /// flag R0007 fires only for kubectl execs.
    #[arg(long, value_name = "IP")]
    pub api_server: Vec<String>,
}

fn parse_rules(s: &str) -> Result<RuleSet, String> {
    RuleSet::parse(s)
}

impl RuleArgs {
    /// The evaluation options these flags ask for.
    pub fn options(&self) -> EvalOptions {
        EvalOptions {
            semantics: self.semantics.into(),
            rules: self.rules,
            api_servers: self.api_server.clone(),
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum SemanticsArg {
    Current,
    #[value(name = "kubescape-4.0")]
    Kubescape40,
    GoRules,
}

impl From<SemanticsArg> for Semantics {
    fn from(s: SemanticsArg) -> Semantics {
        match s {
            SemanticsArg::Current => Semantics::Current,
            SemanticsArg::Kubescape40 => Semantics::Kubescape40,
            SemanticsArg::GoRules => Semantics::GoRules,
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum FormatArg {
    Table,
    Markdown,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Json => Format::Json,
        }
    }
}

/// Loads every candidate; the broken ones are returned apart.
pub fn load_candidates(specs: &[String]) -> (Vec<Candidate>, Vec<Broken>) {
    let (mut ok, mut broken) = (Vec::new(), Vec::new());
    for spec in specs {
        match Candidate::load(spec) {
            Ok(c) => ok.push(c),
            Err(e) => {
                tracing::error!("{e}");
                broken.push(Broken {
                    candidate: spec.clone(),
                    error: e.to_string(),
                });
            }
        }
    }
    (ok, broken)
}

/// Writes `text` to `path`, or to stdout.
pub fn emit(path: Option<&PathBuf>, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match path {
        Some(p) => {
            std::fs::write(p, text).with_context(|| format!("cannot write `{}`", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            Ok(out.flush()?)
        }
    }
}

pub fn run(args: ReplayArgs) -> anyhow::Result<ExitCode> {
    let (candidates, broken) = load_candidates(&args.profiles);
    if candidates.is_empty() {
        anyhow::bail!("no candidate could be read: {}", broken[0].error);
    }
    let files = open_dataset(&args.traces).context("cannot read the traces")?;
    let opts = ReplayOptions {
        eval: args.rules.options(),
        alert_columns: args.alerts.is_some(),
        no_dedup_window: false,
    };
    let semantics = opts.eval.semantics;
    let mut scores = ScoreSink::new(&candidates, semantics);
    let stats = match &args.alerts {
        Some(path) => {
            let alerts = AlertSink::create(path, &candidates, semantics)?;
            let mut both = (scores, alerts);
            let stats = scan(&files, &candidates, &opts, &mut both)?;
            let n = both.1.finish()?;
            tracing::info!("wrote {n} alerts to {}", path.display());
            scores = both.0;
            stats
        }
        None => scan(&files, &candidates, &opts, &mut scores)?,
    };
    let boards = scores.finish();
    tracing::info!(
        "{} events in {} files in {:.2} s ({:.0} events/s)",
        stats.rows,
        stats.files,
        stats.elapsed.as_secs_f64(),
        stats.rows as f64 / stats.elapsed.as_secs_f64().max(1e-9)
    );
    for b in &boards {
        for (name, n) in &b.missing_containers {
            tracing::warn!(
                "candidate `{}` has no profile for container `{name}` ({n} rows): \
                 those rows get no profile-based verdict",
                b.candidate
            );
        }
    }
    emit(
        args.output.as_ref(),
        &report::render(&boards, &broken, args.format.into()),
    )?;
    Ok(ExitCode::from(if broken.is_empty() {
        exit::OK
    } else {
        exit::ERROR
    }))
}
