//! The real node-agent alert logs, imported and replayed against the redis
//! profile they were raised against: the rules that fired in the cluster
//! fire again.
//!
//! Which profile each log was recorded against is not known exactly. Every
//! profile-based alert names `statefulset-bob-redis-master-668c4559b4` (or,
//! in the image-switch log, two later revisions of that StatefulSet that
//! are not among the stored profiles). Of the stored files of that name,
//! `bob6k3s.yaml` is the only one that lacks every syscall the three logs
//! flag; the 31 parameter-study profiles each list some of them (they were
//! learned on other clusters), so `bob6k3s.yaml` is the profile used here.
//!
//! The one R1001 alert ("Exec Binary Not In Base Image") is not replayed:
//! R1001 reads the overlay file system's upper layer, not the profile, and
//! is not one of the rules of SEMANTICS.md §3. Its row is of the workload
//! `bob-redis-bob-test-attack` (container `redis-attack-test`), not the
//! profile's `bob-redis-master`, and is counted apart as another workload.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use bob_replay::alert::AlertSink;
use bob_replay::scan::{open_dataset, scan};
use bob_replay::score::ScoreSink;
use bob_replay::{Candidate, ReplayOptions, Semantics};
use bob_trace::import::{ImportOptions, import_alerts};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data/bob");

fn logs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(DATA).join("alerts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

/// (rule, syscall) of every alert line of the upstream logs.
fn upstream(files: &[PathBuf]) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for f in files {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let Some(rule) = v["RuleID"].as_str() else {
                continue;
            };
            let sys = v["BaseRuntimeMetadata"]["arguments"]["syscall"]
                .as_str()
                .unwrap_or("");
            out.insert((rule.to_owned(), sys.to_owned()));
        }
    }
    out
}

#[test]
fn upstream_syscall_alerts_fire_again() {
    let files = logs();
    assert_eq!(files.len(), 3, "expected the three stored logs");
    let tmp = tempfile::tempdir().unwrap();
    let dataset = tmp.path().join("ds");
    import_alerts(&files, &dataset, &ImportOptions::default()).unwrap();
    let profile = Path::new(DATA).join("profiles/redis/bob6k3s.yaml");
    let candidates = vec![Candidate::load(profile.to_str().unwrap()).unwrap()];
    let opts = ReplayOptions {
        alert_columns: true,
        ..Default::default()
    };
    let out = tmp.path().join("alerts.jsonl");
    let data = open_dataset(&dataset).unwrap();
    let mut sink = (
        ScoreSink::new(&candidates, Semantics::Current),
        AlertSink::create(&out, &candidates, Semantics::Current).unwrap(),
    );
    scan(&data, &candidates, &opts, &mut sink).unwrap();
    let (scores, alerts) = sink;
    alerts.finish().unwrap();
    let board = &scores.finish()[0];

    let want = upstream(&files);
    let ours = upstream(std::slice::from_ref(&out));
    let want_r0003: BTreeSet<_> = want.iter().filter(|(r, _)| r == "R0003").collect();
    let ours_r0003: BTreeSet<_> = ours.iter().filter(|(r, _)| r == "R0003").collect();
    assert_eq!(want_r0003.len(), 44, "distinct syscalls flagged upstream");
    assert_eq!(
        ours_r0003, want_r0003,
        "every upstream R0003 fires again, and no other syscall"
    );
    assert!(want.iter().any(|(r, _)| r == "R1001"));
    assert!(
        !ours.iter().any(|(r, _)| r != "R0003"),
        "only R0003 fires: {ours:?}"
    );
    assert_eq!(
        board.other_workload, 1,
        "the R1001 row is of another workload"
    );
    assert_eq!(board.no_profile, 0);
    assert_eq!(board.alerts_by_rule.get("R0003"), Some(&73));
    assert!(!board.labelled, "alert logs carry no labels");
    assert!(board.precision.is_none());
}

#[test]
fn go_rule_names_match_the_logs() {
    let files = logs();
    let tmp = tempfile::tempdir().unwrap();
    let dataset = tmp.path().join("ds");
    import_alerts(&files[..1], &dataset, &ImportOptions::default()).unwrap();
    let profile = Path::new(DATA).join("profiles/redis/bob6k3s.yaml");
    let candidates = vec![Candidate::load(profile.to_str().unwrap()).unwrap()];
    let mut opts = ReplayOptions {
        alert_columns: true,
        ..Default::default()
    };
    opts.eval.semantics = Semantics::GoRules;
    let out = tmp.path().join("alerts.jsonl");
    let data = open_dataset(&dataset).unwrap();
    let mut sink = AlertSink::create(&out, &candidates, Semantics::GoRules).unwrap();
    scan(&data, &candidates, &opts, &mut sink).unwrap();
    sink.finish().unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let original = std::fs::read_to_string(&files[0]).unwrap();
    for (ours, theirs) in text.lines().zip(original.lines()) {
        let (a, b): (Value, Value) = (
            serde_json::from_str(ours).unwrap(),
            serde_json::from_str(theirs).unwrap(),
        );
        for field in [
            "alertName",
            "severity",
            "arguments",
            "infectedPID",
            "timestamp",
        ] {
            assert_eq!(
                a["BaseRuntimeMetadata"][field], b["BaseRuntimeMetadata"][field],
                "{field}"
            );
        }
        assert_eq!(a["RuleID"], b["RuleID"]);
        assert_eq!(a["message"], b["message"]);
        assert_eq!(
            a["RuntimeK8sDetails"]["containerID"],
            b["RuntimeK8sDetails"]["containerID"]
        );
    }
}
