//! `bob synth`, `bob replay`, `bob regress` and `bob explain` as a user
//! runs them: exit codes, outputs and messages for bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BOB: &str = env!("CARGO_BIN_EXE_bob");

fn bob(args: &[&str]) -> Output {
    Command::new(BOB).args(args).output().expect("bob runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A small synthetic dataset and its profiles.
fn synth(dir: &Path) -> (PathBuf, PathBuf) {
    let ds = dir.join("ds");
    let bobs = dir.join("bobs");
    let o = bob(&[
        "synth",
        "-o",
        ds.to_str().unwrap(),
        "--rows",
        "60000",
        "--envs",
        "3",
        "--rows-per-file",
        "20000",
        "--attack-runs",
        "1",
        "--profiles",
        bobs.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (ds, bobs)
}

#[test]
fn replay_scores_ranks_and_survives_a_broken_candidate() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, bobs) = synth(tmp.path());
    let redis = bobs.join("redis.yaml");
    let broken = tmp.path().join("broken.yaml");
    std::fs::write(&broken, "kind: Pod\napiVersion: v1\n").unwrap();
    let alerts = tmp.path().join("alerts.jsonl");
    let o = bob(&[
        "replay",
        "-p",
        redis.to_str().unwrap(),
        "-p",
        broken.to_str().unwrap(),
        "-t",
        ds.to_str().unwrap(),
        "--format",
        "json",
        "--alerts",
        alerts.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a broken candidate fails the run at the end"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON report");
    assert_eq!(v["candidates"][0]["events"], 60000);
    assert_eq!(v["labelled"], true);
    assert!(
        v["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not a BoB"),
        "{v}"
    );
    let lines = std::fs::read_to_string(&alerts).unwrap();
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert!(first["RuleID"].as_str().unwrap().starts_with('R'));

    let o = bob(&[
        "replay",
        "-p",
        redis.to_str().unwrap(),
        "-t",
        ds.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("| candidate |"));
}

#[test]
fn regress_fails_on_new_false_positives_and_writes_junit() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, bobs) = synth(tmp.path());
    let base = bobs.join("redis.yaml");
    // Drop the most frequent syscall: benign redis rows now alert.
    let text = std::fs::read_to_string(&base).unwrap();
    let first = first_syscall(&text);
    let changed = tmp.path().join("redis-v2.yaml");
    std::fs::write(&changed, text.replacen(&format!("  - {first}\n"), "", 1)).unwrap();
    let junit = tmp.path().join("junit.xml");
    let md = tmp.path().join("pr.md");
    let o = bob(&[
        "regress",
        "-b",
        base.to_str().unwrap(),
        "-c",
        changed.to_str().unwrap(),
        "-t",
        ds.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--markdown",
        md.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("new false positive"), "{}", stdout(&o));
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<failure")
    );
    assert!(std::fs::read_to_string(&md).unwrap().contains("regression"));
    let o = bob(&[
        "regress",
        "-b",
        base.to_str().unwrap(),
        "-c",
        base.to_str().unwrap(),
        "-t",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The first syscall listed in a profile written by `bob synth`.
fn first_syscall(yaml: &str) -> String {
    let mut lines = yaml.lines().skip_while(|l| l.trim() != "syscalls:");
    lines.next();
    lines
        .next()
        .unwrap()
        .trim()
        .trim_start_matches("- ")
        .to_owned()
}

#[test]
fn explain_names_the_nearest_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, bobs) = synth(tmp.path());
    let mut all: Vec<String> = std::fs::read_dir(&bobs)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    all.sort();
    let candidate = all.join(",");
    let alerts = tmp.path().join("alerts.jsonl");
    let o = bob(&[
        "replay",
        "-p",
        &candidate,
        "-t",
        ds.to_str().unwrap(),
        "--alerts",
        alerts.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = bob(&[
        "explain",
        "-p",
        &candidate,
        "--alert",
        alerts.to_str().unwrap(),
        "--line",
        "1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("fires with this profile"), "{text}");
    assert!(
        text.contains("nearest") || text.contains("does not match"),
        "{text}"
    );
    let o = bob(&[
        "explain",
        "-p",
        &candidate,
        "--alert",
        alerts.to_str().unwrap(),
        "--line",
        "999999",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no line 999999"), "{}", stderr(&o));
}

#[test]
fn unlabelled_traces_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/bob");
    let logs = vec![data.join("alerts/anomaly-redis.json")];
    let ds = tmp.path().join("ds");
    bob_trace::import::import_alerts(&logs, &ds, &Default::default()).unwrap();
    let profile = data.join("profiles/redis/bob6k3s.yaml");
    let o = bob(&[
        "replay",
        "-p",
        profile.to_str().unwrap(),
        "-t",
        ds.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("no row is labelled"), "{}", stdout(&o));
    assert!(stdout(&o).contains("R0003"), "{}", stdout(&o));
}

#[test]
fn a_profile_without_the_container_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let (ds, bobs) = synth(tmp.path());
    let text = std::fs::read_to_string(bobs.join("redis.yaml"))
        .unwrap()
        .replace("\n  name: redis\n", "\n  name: renamed\n");
    let p = tmp.path().join("renamed.yaml");
    std::fs::write(&p, text).unwrap();
    let o = bob(&[
        "replay",
        "-p",
        p.to_str().unwrap(),
        "-t",
        ds.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("has no profile for container `redis`"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("no profile for containers: redis"),
        "{}",
        stdout(&o)
    );
}
