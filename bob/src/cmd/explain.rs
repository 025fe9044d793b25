//! `bob explain`: why an alert fired.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_replay::Candidate;
use bob_replay::explain::explain;
use serde_json::Value;

use super::replay::SemanticsArg;
use crate::exit;

/// Say why an alert fired: the nearest profile entries and what failed.
///
/// Takes one node-agent alert (a JSON line) and a BoB, re-evaluates the
/// alert's event with the profile, and prints the nearest profile entries
/// with the part of each pattern that failed: the path segment or the
/// argument index. The alert comes from --alert FILE (the first alert line,
/// or line --line N), else from stdin.
///
/// Examples:
///   bob explain --profile redis-bob.yaml --alert alerts.jsonl --line 3
///   tail -1 alerts.jsonl | bob explain --profile redis-bob.yaml
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct ExplainArgs {
    /// The BoB to explain against (files joined with commas form one).
    #[arg(short, long, value_name = "BOB")]
    pub profile: String,
    /// File of alert lines; stdin when absent or `-`.
    #[arg(short, long, value_name = "FILE")]
    pub alert: Option<PathBuf>,
    /// The line of the alert in the file, counting from 1. Default: the
    /// first line that is an alert.
    #[arg(short, long, value_name = "N")]
    pub line: Option<usize>,
    /// Rule semantics: current, kubescape-4.0 or go-rules. Default current.
    #[arg(long, value_enum, default_value_t = SemanticsArg::Current)]
    pub semantics: SemanticsArg,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn read_alert(args: &ExplainArgs) -> anyhow::Result<Value> {
    let (text, name) = match args.alert.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(p) => (
            std::fs::read_to_string(p).with_context(|| format!("cannot read `{}`", p.display()))?,
            p.display().to_string(),
        ),
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("cannot read stdin")?;
            (s, "<stdin>".to_owned())
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    if let Some(n) = args.line {
        let line = lines
            .get(n.wrapping_sub(1))
            .with_context(|| format!("{name}: no line {n}, the input has {} lines", lines.len()))?;
        return serde_json::from_str(line).with_context(|| format!("{name}: line {n}: not JSON"));
    }
    lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v.get("RuleID").is_some())
        .with_context(|| format!("{name}: no alert line (a JSON object with `RuleID`)"))
}

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let candidate = Candidate::load(&args.profile)?;
    let alert = read_alert(&args)?;
    let ex = explain(&alert, &candidate, args.semantics.into())?;
    if args.json {
        let v = serde_json::json!({
            "rule": ex.rule,
            "container": ex.container,
            "fires": ex.fires,
            "reasons": ex.lines
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print!("{ex}");
    }
    Ok(ExitCode::from(exit::OK))
}
