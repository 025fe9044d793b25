//! Scoring, regression and alert output on a small hand-made dataset whose
//! every verdict is known.

use std::path::Path;
use std::sync::Arc;

use bob_replay::alert::AlertSink;
use bob_replay::regress::{ChangeKind, RegressSink};
use bob_replay::scan::{open_dataset, scan};
use bob_replay::score::ScoreSink;
use bob_replay::{Candidate, ReplayOptions, Semantics, replay};
use bob_trace::{Class, Environment, Event, Kind, Source, TraceWriter};

const BASE: &str = r#"
apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1
kind: ApplicationProfile
metadata:
  name: web-profile
  labels: {kubescape.io/workload-name: web}
spec:
  containers:
  - name: app
    syscalls: [read, write]
    execs: [{path: /usr/bin/app, args: [app, ⋯⋯]}]
    opens: [{path: /etc/app/⋯/conf}]
    rulePolicies:
      R0003: {processAllowed: [debugger]}
"#;

fn event(kind: Kind, class: Class, scenario: &str, env: &Arc<Environment>) -> Event {
    let mut e = Event::new(kind, env.clone());
    e.class = class;
    e.scenario = Some(scenario.into());
    e.run = Some(format!("{scenario}-run"));
    e.container.workload_name = Some("web".into());
    e.container.name = Some("app".into());
    e.process.comm = Some("app".into());
    e
}

fn syscall(name: &str, class: Class, scenario: &str, env: &Arc<Environment>) -> Event {
    let mut e = event(Kind::Syscall, class, scenario, env);
    e.syscall = Some(name.into());
    e
}

fn dataset(dir: &Path) {
    let mut a = Environment::default();
    a.set("os", "debian-12");
    let mut b = Environment::default();
    b.set("os", "ubuntu-24.04");
    let (a, b) = (Arc::new(a), Arc::new(b));
    let mut w = TraceWriter::create(dir, Source::Capture, "t").unwrap();
    w.write(syscall("read", Class::Benign, "functional", &a))
        .unwrap(); // TN
    w.write(syscall("ptrace", Class::Benign, "functional", &a))
        .unwrap(); // FP
    w.write(syscall("ptrace", Class::Benign, "functional", &b))
        .unwrap(); // FP, same distinct alert
    let mut allowed = syscall("ptrace", Class::Benign, "functional", &b); // silenced by policy
    allowed.process.comm = Some("debugger".into());
    w.write(allowed).unwrap();
    let mut shadow = event(Kind::Open, Class::Attack, "attack-shadow", &b); // TP: R0002 + R0010
    shadow.path = Some("/etc/shadow".into());
    w.write(shadow).unwrap();
    let mut conf = event(Kind::Open, Class::Benign, "attack-shadow", &b); // TN (wildcard)
    conf.path = Some("/etc/app/..2025_01_01/conf".into());
    w.write(conf).unwrap();
    let mut lotl = event(Kind::Exec, Class::Attack, "attack-lotl", &a); // FN
    lotl.path = Some("/usr/bin/app".into());
    lotl.argv = Some(vec!["app".into(), "--dump".into()]);
    w.write(lotl).unwrap();
    let mut sidecar = syscall("ptrace", Class::Attack, "attack-lotl", &a); // no profile: FN
    sidecar.container.name = Some("sidecar".into());
    w.write(sidecar).unwrap();
    let mut other = syscall("ptrace", Class::Benign, "functional", &a); // other workload
    other.container.workload_name = Some("db".into());
    w.write(other).unwrap();
    w.write(syscall("bpf", Class::Unknown, "unlabelled", &a))
        .unwrap(); // R0003 + R0009
    w.finish().unwrap();
}

fn candidate(yaml: &str, name: &str) -> Candidate {
    let bob = bob_profile::read_str(yaml, Path::new(name)).unwrap();
    Candidate::from_documents(name, &[bob]).unwrap()
}

#[test]
fn every_verdict_is_counted_where_it_belongs() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let files = open_dataset(tmp.path()).unwrap();
    let (boards, stats) = replay(
        &files,
        &[candidate(BASE, "base")],
        &ReplayOptions::default(),
    )
    .unwrap();
    let b = &boards[0];
    assert_eq!(
        (
            stats.rows,
            b.events,
            b.evaluated,
            b.other_workload,
            b.no_profile
        ),
        (10, 10, 9, 1, 1)
    );
    let c = b.confusion;
    assert_eq!((c.tp, c.fp, c.fn_, c.tn), (1, 2, 2, 3), "{c:?}");
    assert_eq!(b.alerted_events, 4);
    let rules: Vec<(&str, u64)> = b.alerts_by_rule.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(
        rules,
        [("R0002", 1), ("R0003", 3), ("R0009", 1), ("R0010", 1)]
    );
    assert_eq!(
        b.distinct_by_rule.get("R0003"),
        Some(&2),
        "two ptrace rows of one container are one alert"
    );
    assert_eq!(b.missing_containers.get("sidecar"), Some(&1));
    assert_eq!(b.precision, Some(1.0 / 3.0));
    assert_eq!(b.recall, Some(1.0 / 3.0));
    assert_eq!((b.attack_scenarios, b.detected_scenarios), (2, 1));
    assert_eq!((b.benign_scenarios, b.false_positive_scenarios), (1, 1));
    assert_eq!(b.by_scenario["attack-lotl"].outcome, "missed");
    assert_eq!(b.by_scenario["unlabelled"].outcome, "-");
    assert_eq!(b.by_environment["debian-12"].confusion.fp, 1);
    assert_eq!(b.by_environment["ubuntu-24.04"].confusion.tp, 1);
}

#[test]
fn regressions_are_new_false_positives_and_lost_detections() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let files = open_dataset(tmp.path()).unwrap();
    // The new profile allows ptrace (fixes two false positives), drops
    // `read` (a new false positive) and allows /etc/shadow (loses R0002 and
    // R0010: a lost detection).
    let new = BASE.replace("[read, write]", "[write, ptrace]").replace(
        "opens: [{path: /etc/app/⋯/conf}]",
        "opens: [{path: /etc/app/⋯/conf}, {path: /etc/shadow}]",
    );
    let candidates = [candidate(BASE, "base"), candidate(&new, "new")];
    let mut sink = RegressSink::default();
    scan(&files, &candidates, &ReplayOptions::default(), &mut sink).unwrap();
    let r = sink.finish("base", "new");
    assert_eq!(r.rows.get(&ChangeKind::NewFalsePositive), Some(&1));
    assert_eq!(r.rows.get(&ChangeKind::LostDetection), Some(&1));
    assert_eq!(r.rows.get(&ChangeKind::FixedFalsePositive), Some(&2));
    assert_eq!(r.regressions(), 2);
    let lost = r
        .changes
        .iter()
        .find(|c| c.change == ChangeKind::LostDetection)
        .unwrap();
    assert_eq!(
        (
            lost.what.as_str(),
            lost.before.as_str(),
            lost.after.as_str()
        ),
        ("/etc/shadow", "R0002,R0010", "-")
    );
    let junit = bob_replay::regress::to_junit(&r);
    assert!(junit.contains("failures=\"2\""), "{junit}");
    assert!(bob_replay::regress::to_markdown(&r).contains("❌ regression"));
    let mut same = RegressSink::default();
    scan(
        &files,
        &[candidate(BASE, "base"), candidate(BASE, "base")],
        &ReplayOptions::default(),
        &mut same,
    )
    .unwrap();
    assert_eq!(same.finish("base", "base").regressions(), 0);
}

#[test]
fn alert_lines_are_deterministic_and_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let ds = tmp.path().join("ds");
    dataset(&ds);
    let files = open_dataset(&ds).unwrap();
    let candidates = [candidate(BASE, "base")];
    let opts = ReplayOptions {
        alert_columns: true,
        ..Default::default()
    };
    let mut outputs = Vec::new();
    for n in 0..2 {
        let out = tmp.path().join(format!("a{n}.jsonl"));
        let mut sink = (
            ScoreSink::new(&candidates, Semantics::Current),
            AlertSink::create(&out, &candidates, Semantics::Current).unwrap(),
        );
        scan(&files, &candidates, &opts, &mut sink).unwrap();
        assert_eq!(sink.1.finish().unwrap(), 6);
        outputs.push(std::fs::read_to_string(&out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    let lines: Vec<serde_json::Value> = outputs[0]
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rules: Vec<&str> = lines
        .iter()
        .map(|l| l["RuleID"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["R0003", "R0003", "R0002", "R0010", "R0003", "R0009"]
    );
    assert_eq!(
        lines[2]["BaseRuntimeMetadata"]["arguments"]["path"],
        "/etc/shadow"
    );
    assert_eq!(
        lines[2]["BaseRuntimeMetadata"]["profileMetadata"]["name"],
        "web-profile"
    );
    assert_eq!(
        lines[0]["BaseRuntimeMetadata"]["uniqueID"],
        lines[1]["BaseRuntimeMetadata"]["uniqueID"]
    );
}

#[test]
fn kubescape_40_semantics_treat_star_as_literal() {
    let tmp = tempfile::tempdir().unwrap();
    let env = Arc::new(Environment::default());
    let mut w = TraceWriter::create(tmp.path(), Source::Capture, "t").unwrap();
    let mut e = event(Kind::Open, Class::Benign, "s", &env);
    e.path = Some("/etc/ssl/certs/a.pem".into());
    w.write(e).unwrap();
    w.finish().unwrap();
    let files = open_dataset(tmp.path()).unwrap();
    let yaml = BASE.replace(
        "opens: [{path: /etc/app/⋯/conf}]",
        "opens: [{path: /etc/ssl/*}]",
    );
    let c = [candidate(&yaml, "star")];
    let mut opts = ReplayOptions::default();
    let (b, _) = replay(&files, &c, &opts).unwrap();
    assert_eq!(b[0].alerts, 0);
    opts.eval.semantics = Semantics::Kubescape40;
    let (b, _) = replay(&files, &c, &opts).unwrap();
    assert_eq!(b[0].alerts_by_rule.get("R0002"), Some(&1));
}

#[test]
fn go_rules_compare_open_flags_in_a_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let env = Arc::new(Environment::default());
    let mut w = TraceWriter::create(tmp.path(), Source::Capture, "t").unwrap();
    for flag in ["O_RDONLY", "O_WRONLY"] {
        let mut e = event(Kind::Open, Class::Benign, "s", &env);
        e.path = Some("/etc/passwd".into());
        e.flags = Some(vec![flag.into()]);
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let files = open_dataset(tmp.path()).unwrap();
    let yaml = BASE.replace(
        "opens: [{path: /etc/app/⋯/conf}]",
        "opens: [{path: /etc/passwd, flags: [O_RDONLY]}]",
    );
    let c = [candidate(&yaml, "flags")];
    let mut opts = ReplayOptions::default();
    let (b, _) = replay(&files, &c, &opts).unwrap();
    assert_eq!(b[0].alerts, 0, "current rules ignore flags");
    opts.eval.semantics = Semantics::GoRules;
    let (b, _) = replay(&files, &c, &opts).unwrap();
    assert_eq!(
        b[0].alerts_by_rule.get("R0002"),
        Some(&1),
        "only the O_WRONLY open"
    );
    assert_eq!(b[0].semantics, "go-rules");
}

#[test]
fn one_bob_in_memory_scores_a_dataset() {
    let tmp = tempfile::tempdir().unwrap();
    dataset(tmp.path());
    let bob = bob_profile::read_str(BASE, Path::new("base.yaml")).unwrap();
    let board = bob_replay::score_bob(tmp.path(), "base", &bob, &ReplayOptions::default()).unwrap();
    assert_eq!(
        (board.candidate.as_str(), board.events, board.alerted_events),
        ("base", 10, 4)
    );
}

/// node-agent drops repeats of an alert for an hour after reporting it:
/// the distinct count follows the rows' times, and an aggregated row counts
/// as seen at its first and last time.
#[test]
fn repeats_an_hour_after_a_report_are_reported_again() {
    const MIN: i64 = 60 * 1_000_000_000;
    let tmp = tempfile::tempdir().unwrap();
    let env = Arc::new(Environment::default());
    let mut w = TraceWriter::create(tmp.path(), Source::Capture, "t").unwrap();
    // ptrace at 0, 30 and 59 minutes: one report; at 61: a second; at 100:
    // dropped (39 minutes after the second).
    for t in [59, 0, 100, 30, 61] {
        let mut e = syscall("ptrace", Class::Benign, "functional", &env);
        e.first_seen = Some(t * MIN);
        e.last_seen = Some(t * MIN);
        w.write(e).unwrap();
    }
    // One aggregated row of `bpf` over three hours: its first and its last
    // time, two reports.
    let mut e = syscall("bpf", Class::Benign, "functional", &env);
    e.count = 500;
    e.first_seen = Some(0);
    e.last_seen = Some(180 * MIN);
    w.write(e).unwrap();
    // No time at all: one report.
    w.write(syscall("mount", Class::Benign, "functional", &env))
        .unwrap();
    w.finish().unwrap();
    let files = open_dataset(tmp.path()).unwrap();
    let (boards, _) = replay(
        &files,
        &[candidate(BASE, "base")],
        &ReplayOptions::default(),
    )
    .unwrap();
    let b = &boards[0];
    assert_eq!(b.alerts_by_rule.get("R0003"), Some(&7));
    assert_eq!(b.distinct_by_rule.get("R0003"), Some(&(2 + 2 + 1)));
}

/// Times are decoded only when the dataset spans an hour or more.
#[test]
fn times_are_read_only_for_datasets_spanning_an_hour() {
    const MIN: i64 = 60 * 1_000_000_000;
    let env = Arc::new(Environment::default());
    let span_of = |times: &[(Option<i64>, Option<i64>)]| {
        let tmp = tempfile::tempdir().unwrap();
        let mut w = TraceWriter::create(tmp.path(), Source::Capture, "t").unwrap();
        for &(first, last) in times {
            let mut e = syscall("read", Class::Benign, "functional", &env);
            e.first_seen = first;
            e.last_seen = last;
            w.write(e).unwrap();
        }
        w.finish().unwrap();
        bob_replay::scan::needs_times(&open_dataset(tmp.path()).unwrap())
    };
    let span = |times: &[Option<i64>]| span_of(&times.iter().map(|&t| (t, t)).collect::<Vec<_>>());
    assert!(!span(&[None, None]));
    assert!(!span(&[Some(0), Some(59 * MIN), None]));
    assert!(span(&[Some(0), None, Some(60 * MIN)]));
    // Only first times, two hours apart.
    assert!(span_of(&[(Some(0), None), (Some(120 * MIN), None)]));
    // Only last times.
    assert!(span_of(&[(None, Some(0)), (None, Some(120 * MIN))]));
}
