//! `bob deviations`: what differs between environments.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_analyze::Session;
use bob_analyze::deviations_report::{ReportFormat, render};

use super::sql::ViewArgs;
use crate::exit;

/// Show, per item, which environments have it.
///
/// Items are syscalls, capabilities, exec paths, open paths (generalized
/// unless --raw), endpoints, DNS names and network peers, per workload and
/// container. The report gives the core (items in every environment), the
/// superset, and per environment what it adds beyond the core and what it
/// lacks. With --against, also what the given profile does not cover in
/// each environment. Rows labelled `attack`, and rows imported from alert
/// logs, are left out unless --include-attacks.
///
/// Examples:
///   bob deviations --traces redis.ds --by os,k8s_version
///   bob deviations --traces redis.ds --by os --against redis-bob.yaml --format markdown
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DeviationsArgs {
    /// Dataset directory (or one trace file).
    #[arg(short, long, value_name = "DATASET")]
    traces: PathBuf,
    #[command(flatten)]
    view: ViewArgs,
    /// Include rows labelled `attack` and rows imported from alerts.
    #[arg(long)]
    include_attacks: bool,
    /// Compare every environment with this profile.
    #[arg(long, value_name = "BOB.yaml")]
    against: Option<PathBuf>,
    /// Compare open paths as recorded, without the generalizing rewrites.
    #[arg(long)]
    raw: bool,
    /// Output format: table, markdown, csv or json. Default: table.
    #[arg(long, default_value = "table", value_parser = ["table", "markdown", "csv", "json"])]
    format: String,
    /// Write the report here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(args: DeviationsArgs) -> anyhow::Result<ExitCode> {
    let against = match &args.against {
        Some(p) => Some(
            bob_profile::read_file(p)?
                .to_application_profile()
                .with_context(|| {
                    format!(
                        "{}: a NetworkNeighborhood holds no process behaviour",
                        p.display()
                    )
                })?,
        ),
        None => None,
    };
    let extra = (!args.include_attacks).then_some(super::sql::BENIGN_ROWS);
    let session = Session::open(&args.traces, &args.view.options(extra))?;
    let groups = bob_analyze::deviations::compute(&session, !args.raw)
        .with_context(|| args.traces.display().to_string())?;
    let format = match args.format.as_str() {
        "markdown" => ReportFormat::Markdown,
        "csv" => ReportFormat::Csv,
        "json" => ReportFormat::Json,
        _ => ReportFormat::Table,
    };
    let text = render(&groups, against.as_ref(), format);
    match &args.output {
        Some(p) => bob_profile::write_atomic(p, text.as_bytes())
            .with_context(|| p.display().to_string())?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::from(exit::OK))
}
