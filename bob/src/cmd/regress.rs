//! `bob regress`: what a profile change lets through and what it flags.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_replay::regress::{self, RegressSink};
use bob_replay::scan::{open_dataset, scan};
use bob_replay::{Candidate, ReplayOptions};

use super::replay::{RuleArgs, emit};
use crate::exit;

/// List the verdicts that change from a base BoB to a candidate.
///
/// Both profiles are evaluated over the same traces, row by row. Benign rows
/// that now alert (new false positives) and attack rows that no longer alert
/// (lost detections) are regressions: the exit code is then 1. Fixed false
/// positives, new detections and changes on unlabelled rows are listed too.
/// Changes are grouped by container, event and the rules before and after.
///
/// Examples:
///   bob regress --base v1.yaml --candidate v2.yaml --traces all.ds
///   bob regress -b v1.yaml -c v2.yaml -t all.ds --junit report.xml --markdown pr.md
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct RegressArgs {
    /// The BoB shipped today (files joined with commas form one profile).
    #[arg(short, long, value_name = "OLD.yaml")]
    pub base: String,
    /// The changed BoB.
    #[arg(short, long, value_name = "NEW.yaml")]
    pub candidate: String,
    /// Dataset directory (or one trace file).
    #[arg(short, long, value_name = "DATASET")]
    pub traces: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Write a JUnit XML report for CI systems.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a markdown summary fit for a pull-request comment.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Print JSON on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: RegressArgs) -> anyhow::Result<ExitCode> {
    let base = Candidate::load(&args.base).context("cannot read the base profile")?;
    let cand = Candidate::load(&args.candidate).context("cannot read the candidate profile")?;
    let files = open_dataset(&args.traces).context("cannot read the traces")?;
    // Regressions compare verdicts, not de-duplicated counts: no times.
    let opts = ReplayOptions {
        eval: args.rules.options(),
        alert_columns: false,
        no_dedup_window: true,
    };
    let mut sink = RegressSink::default();
    let candidates = [base, cand];
    scan(&files, &candidates, &opts, &mut sink)?;
    let report = sink.finish(&args.base, &args.candidate);
    if let Some(p) = &args.junit {
        emit(Some(p), &regress::to_junit(&report))?;
    }
    if let Some(p) = &args.markdown {
        emit(Some(p), &regress::to_markdown(&report))?;
    }
    let text = if args.json {
        serde_json::to_string_pretty(&report)? + "\n"
    } else {
        regress::to_text(&report)
    };
    emit(None, &text)?;
    Ok(ExitCode::from(if report.regressions() > 0 {
        exit::FINDING
    } else {
        exit::OK
    }))
}
