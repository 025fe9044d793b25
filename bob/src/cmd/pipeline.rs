//! `bob pipeline`: the main job, from recorded traces to a scored BoB.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use bob_analyze::deviations_report::{ReportFormat, render};
use bob_analyze::generalize::Config;
use bob_analyze::{Session, SessionOptions, superset};
use bob_profile::Bob;
use bob_replay::alert::AlertSink;
use bob_replay::{Candidate, ReplayOptions, Scoreboard};

use super::sql::BENIGN_ROWS;
use crate::exit;

/// Run the whole job: superset, deviations, seccomp, replay and scoreboard.
///
/// For every dataset (default: each directory under `datasets/`):
///
/// 1. the superset BoB of its benign runs (`bob.yaml`), and the same built
///    without one environment (`bob-holdout.yaml`; the environment is the
///    last in sorted order unless --holdout says), to see how the BoB fares
///    on an environment it was not built from;
/// 2. the deviation report per environment (`deviations.md`, `.json`);
/// 3. the seccomp profile of the BoB (`seccomp.json`);
/// 4. replay of every run against both BoBs: the scoreboard
///    (`scoreboard.md`, `.json`), node-agent alert lines (`alerts.jsonl`,
///    `alerts-holdout.jsonl`),
///    and the outcome of each run (`runs.md`: an attack run is detected when
///    at least one of its rows alerts, a benign run is clean when none does;
///    `runs.json` has the same as JSON).
///
/// `summary.md` in the output folder gathers the numbers of all datasets.
///
/// Example:
///   bob pipeline                       # datasets/* into out/pipeline
///   bob pipeline datasets/redis -o out/redis
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct PipelineArgs {
    /// Dataset directories. Default: every directory under datasets/.
    datasets: Vec<PathBuf>,
    /// Output folder; one subfolder per dataset.
    #[arg(short, long, default_value = "out/pipeline", value_name = "DIR")]
    output: PathBuf,
    /// Labels that make up an environment, comma-separated. Default: os.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "os",
        value_name = "LABELS"
    )]
    by: Vec<String>,
    /// The environment left out of `bob-holdout.yaml`. Default: the last one.
    #[arg(long, value_name = "ENV")]
    holdout: Option<String>,
}

/// What one dataset gave, for the summary.
struct Outcome {
    name: String,
    environments: Vec<String>,
    holdout: Option<String>,
    board: Scoreboard,
    holdout_board: Option<Scoreboard>,
    runs: Vec<RunOutcome>,
}

#[derive(serde::Serialize)]
struct RunOutcome {
    run: String,
    env: String,
    class: String,
    scenario: String,
    events: u64,
    alerted: u64,
    rules: String,
}

pub fn run(args: PipelineArgs) -> anyhow::Result<ExitCode> {
    let datasets = if args.datasets.is_empty() {
        default_datasets()?
    } else {
        args.datasets.clone()
    };
    let mut outcomes = Vec::new();
    for (i, ds) in datasets.iter().enumerate() {
        let name = ds
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("dataset")
            .to_owned();
        tracing::info!("[{}/{}] {name}: {}", i + 1, datasets.len(), ds.display());
        let out = args.output.join(&name);
        let o =
            one(ds, &name, &out, &args).with_context(|| format!("pipeline of {}", ds.display()))?;
        outcomes.push(o);
    }
    let summary = summary(&outcomes);
    let path = args.output.join("summary.md");
    bob_profile::write_atomic(&path, summary.as_bytes())
        .with_context(|| path.display().to_string())?;
    print!("{summary}");
    tracing::info!("results under {}", args.output.display());
    Ok(ExitCode::from(exit::OK))
}

fn default_datasets() -> anyhow::Result<Vec<PathBuf>> {
    let root = Path::new("datasets");
    let entries = std::fs::read_dir(root).with_context(|| {
        "datasets/: not found; run from the repository root or name the datasets".to_owned()
    })?;
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.join("source=capture").is_dir())
        .collect();
    out.sort();
    if out.is_empty() {
        anyhow::bail!("datasets/: no dataset (a directory with source=capture/) found");
    }
    Ok(out)
}

fn session(ds: &Path, by: &[String], filter: &str) -> anyhow::Result<Session> {
    let opts = SessionOptions {
        env_by: by.to_vec(),
        filter: Some(filter.to_owned()),
    };
    Ok(Session::open(ds, &opts)?)
}

/// Builds the superset of the rows `filter` selects and writes it.
fn build_bob(ds: &Path, by: &[String], filter: &str, path: &Path) -> anyhow::Result<Bob> {
    let s = session(ds, by, filter)?;
    let built = superset::build(superset::collect(&s)?, &Config::default());
    super::superset::print_report(&built.report);
    // One BoB per dataset: the scoring and the per-run outcomes below are
    // of one candidate. A dataset of several workloads is split first (one
    // dataset directory per workload, as `datasets/` is laid out).
    if built.profiles.len() > 1 {
        let names: Vec<String> = built.profiles.iter().map(|(w, _)| w.slug()).collect();
        anyhow::bail!(
            "the dataset holds {} workloads ({}); the pipeline takes one workload per dataset",
            names.len(),
            names.join(", ")
        );
    }
    let Some((_, ap)) = built.profiles.into_iter().next() else {
        anyhow::bail!("no benign behaviour to build a profile from");
    };
    let bob = Bob::ApplicationProfile(ap);
    bob_profile::write_file(path, &bob, bob_profile::Format::Yaml)?;
    Ok(bob)
}

fn one(ds: &Path, name: &str, out: &Path, args: &PipelineArgs) -> anyhow::Result<Outcome> {
    let benign = format!("{BENIGN_ROWS} AND label = 'benign'");
    tracing::info!("{name}: superset of the benign runs");
    let bob = build_bob(ds, &args.by, &benign, &out.join("bob.yaml"))?;

    let s = session(ds, &args.by, "true")?;
    let runs = run_table(&s)?;
    // Rows without environment labels (imported alerts, say) are no
    // environment of their own.
    let mut environments: Vec<String> = runs
        .values()
        .map(|r| r.0.clone())
        .filter(|e| !e.is_empty())
        .collect();
    environments.sort();
    environments.dedup();
    if let Some(h) = &args.holdout
        && !environments.contains(h)
    {
        anyhow::bail!(
            "--holdout `{h}` is none of the environments: {}",
            environments.join(", ")
        );
    }
    let holdout = args
        .holdout
        .clone()
        .or_else(|| environments.last().cloned())
        .filter(|_| environments.len() > 1);
    let holdout_bob = match &holdout {
        Some(env) => {
            tracing::info!("{name}: superset without environment `{env}`");
            let filter = format!("{benign} AND env <> '{}'", env.replace('\'', "''"));
            Some(build_bob(
                ds,
                &args.by,
                &filter,
                &out.join("bob-holdout.yaml"),
            )?)
        }
        None => None,
    };

    tracing::info!("{name}: deviations by {}", args.by.join(","));
    let dev = bob_analyze::deviations::compute(&session(ds, &args.by, BENIGN_ROWS)?, true)?;
    let ap = bob.to_application_profile();
    for (file, format) in [
        ("deviations.md", ReportFormat::Markdown),
        ("deviations.json", ReportFormat::Json),
    ] {
        let text = render(&dev, ap.as_ref(), format);
        bob_profile::write_atomic(&out.join(file), text.as_bytes())?;
    }
    if let Some(ap) = &ap {
        let sc = bob_analyze::seccomp::profile(ap, &[])?;
        bob_profile::write_atomic(
            &out.join("seccomp.json"),
            (serde_json::to_string_pretty(&sc)? + "\n").as_bytes(),
        )?;
    }

    tracing::info!("{name}: replay");
    let mut candidates = vec![Candidate::from_documents(
        "bob.yaml",
        std::slice::from_ref(&bob),
    )?];
    if let Some(h) = &holdout_bob {
        candidates.push(Candidate::from_documents(
            "bob-holdout.yaml",
            std::slice::from_ref(h),
        )?);
    }
    let files = bob_replay::open_dataset(ds)?;
    let opts = ReplayOptions::default();
    let (boards, _) = bob_replay::replay(&files, &candidates, &opts)?;
    let text = bob_replay::report::render(&boards, &[], bob_replay::report::Format::Markdown);
    bob_profile::write_atomic(&out.join("scoreboard.md"), text.as_bytes())?;
    let json = serde_json::to_string_pretty(&bob_replay::report::to_json(&boards, &[]))? + "\n";
    bob_profile::write_atomic(&out.join("scoreboard.json"), json.as_bytes())?;
    let alert_opts = ReplayOptions {
        alert_columns: true,
        ..ReplayOptions::default()
    };
    for (i, file) in ["alerts.jsonl", "alerts-holdout.jsonl"]
        .iter()
        .enumerate()
        .take(candidates.len())
    {
        let one = &candidates[i..i + 1];
        let mut sink = AlertSink::create(&out.join(file), one, alert_opts.eval.semantics)?;
        bob_replay::scan::scan(&files, one, &alert_opts, &mut sink)?;
        sink.finish()?;
    }

    // Each run on its own, against the BoB that did not see the holdout.
    let judge = candidates.last().expect("at least one candidate");
    let mut outcomes = Vec::new();
    for (i, f) in bob_trace::Dataset::open(ds)?.files.iter().enumerate() {
        let run = f
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_owned();
        let (boards, _) = bob_replay::replay(&files[i..i + 1], std::slice::from_ref(judge), &opts)?;
        let b = &boards[0];
        let (env, class, scenario) = runs.get(&run).cloned().unwrap_or_default();
        let rules = b
            .alerts_by_rule
            .iter()
            .map(|(r, n)| format!("{r}×{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        outcomes.push(RunOutcome {
            run,
            env,
            class,
            scenario,
            events: b.evaluated,
            alerted: b.alerted_events,
            rules,
        });
    }
    bob_profile::write_atomic(
        &out.join("runs.md"),
        runs_table(&outcomes, holdout.as_deref()).as_bytes(),
    )?;
    let json = serde_json::to_string_pretty(&outcomes)? + "\n";
    bob_profile::write_atomic(&out.join("runs.json"), json.as_bytes())?;
    let mut boards = boards.into_iter();
    Ok(Outcome {
        name: name.to_owned(),
        environments,
        holdout,
        board: boards.next().expect("one board per candidate"),
        holdout_board: boards.next(),
        runs: outcomes,
    })
}

/// run → (env, label, scenario), from the rows themselves.
fn run_table(s: &Session) -> anyhow::Result<BTreeMap<String, (String, String, String)>> {
    let sql = "SELECT DISTINCT CAST(run AS VARCHAR) AS run, env, CAST(label AS VARCHAR) AS label, \
               CAST(scenario AS VARCHAR) AS scenario FROM events ORDER BY run";
    let mut out = BTreeMap::new();
    for b in s.query(sql)? {
        let col = |n: &str| {
            arrow::compute::cast(
                b.column_by_name(n).expect("selected"),
                &arrow::datatypes::DataType::Utf8,
            )
        };
        let (r, e, l, sc) = (col("run")?, col("env")?, col("label")?, col("scenario")?);
        use arrow::array::{Array, AsArray};
        let get = |a: &arrow::array::ArrayRef, i: usize| {
            let s = a.as_string::<i32>();
            if s.is_valid(i) {
                s.value(i).to_owned()
            } else {
                String::new()
            }
        };
        for i in 0..b.num_rows() {
            out.insert(get(&r, i), (get(&e, i), get(&l, i), get(&sc, i)));
        }
    }
    Ok(out)
}

fn verdict(r: &RunOutcome) -> &'static str {
    match (r.class.as_str(), r.alerted > 0) {
        ("attack", true) => "detected",
        ("attack", false) => "MISSED",
        ("benign", true) => "FALSE POSITIVE",
        ("benign", false) => "clean",
        _ => "-",
    }
}

fn runs_table(runs: &[RunOutcome], holdout: Option<&str>) -> String {
    let mut s = String::from(
        "| run | environment | label | scenario | events | alerted | rules | outcome |\n",
    );
    s.push_str("|---|---|---|---|---:|---:|---|---|\n");
    for r in runs {
        let env = if Some(r.env.as_str()) == holdout {
            format!("{} (held out)", r.env)
        } else {
            r.env.clone()
        };
        let _ = writeln!(
            s,
            "| {} | {env} | {} | {} | {} | {} | {} | {} |",
            r.run,
            r.class,
            r.scenario,
            r.events,
            r.alerted,
            r.rules,
            verdict(r)
        );
    }
    s
}

fn summary(outcomes: &[Outcome]) -> String {
    let mut s = String::from("# bob pipeline\n\n");
    for o in outcomes {
        let attacks: Vec<_> = o.runs.iter().filter(|r| r.class == "attack").collect();
        let detected = attacks.iter().filter(|r| r.alerted > 0).count();
        let held: Vec<_> = o
            .runs
            .iter()
            .filter(|r| r.class == "benign" && Some(&r.env) == o.holdout.as_ref())
            .collect();
        let clean = held.iter().filter(|r| r.alerted == 0).count();
        let _ = writeln!(s, "## {}\n", o.name);
        let _ = writeln!(s, "- environments: {}", o.environments.join(", "));
        let _ = writeln!(s, "- runs: {} ({} attack)", o.runs.len(), attacks.len());
        let _ = writeln!(
            s,
            "- attack runs detected by bob-holdout.yaml: {detected} of {}",
            attacks.len()
        );
        if let Some(h) = &o.holdout {
            let _ = writeln!(
                s,
                "- benign runs of the held-out environment `{h}` without any alert: {clean} of {}",
                held.len()
            );
        }
        for (label, b) in [
            ("bob.yaml", Some(&o.board)),
            ("bob-holdout.yaml", o.holdout_board.as_ref()),
        ] {
            let Some(b) = b else { continue };
            let _ = writeln!(
                s,
                "- {label}: {} events, {} alerts ({} distinct), attack scenarios detected \
                 {}/{}, benign scenarios with alerts {}/{}",
                b.evaluated,
                b.alerts,
                b.distinct_alerts,
                b.detected_scenarios,
                b.attack_scenarios,
                b.false_positive_scenarios,
                b.benign_scenarios
            );
        }
        for r in o
            .runs
            .iter()
            .filter(|r| verdict(r) == "MISSED" || verdict(r) == "FALSE POSITIVE")
        {
            let _ = writeln!(
                s,
                "- {}: {} ({}, {}) {}",
                verdict(r),
                r.run,
                r.env,
                r.scenario,
                r.rules
            );
        }
        let _ = writeln!(s);
    }
    s
}
