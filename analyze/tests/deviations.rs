//! Deviations keep workloads apart by namespace and kind, as supersets do.

use std::sync::Arc;

use bob_analyze::{Session, SessionOptions};
use bob_trace::{Class, Environment, Event, Kind, Source, TraceWriter};

/// A benign event of the container `api` of workload `api` on `os`.
fn api_event(kind: Kind, os: &str) -> Event {
    let mut env = Environment::default();
    env.set("os", os);
    let mut e = Event::new(kind, Arc::new(env));
    e.class = Class::Benign;
    e.container.workload_name = Some("api".into());
    e.container.name = Some("api".into());
    e
}

/// The deviations of the dataset at `dir`, paths generalized.
fn deviations(dir: &std::path::Path) -> Vec<bob_analyze::deviations::Group> {
    let s = Session::open(dir, &SessionOptions::default()).unwrap();
    bob_analyze::deviations::compute(&s, true).unwrap()
}

#[test]
fn same_name_in_two_namespaces_is_two_workloads() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "two").unwrap();
    for (ns, syscall) in [("prod", "read"), ("dev", "write")] {
        let mut e = api_event(Kind::Syscall, "debian-12");
        e.syscall = Some(syscall.into());
        e.container.namespace = Some(ns.into());
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let groups = deviations(dir.path());
    let seen: Vec<(Option<&str>, usize)> = groups
        .iter()
        .map(|g| (g.namespace.as_deref(), g.items.len()))
        .collect();
    assert_eq!(seen, [(Some("dev"), 1), (Some("prod"), 1)]);
}

/// `--against` judges what was opened, not its generalization: a profile
/// that lists the one process directory a run read covers it, and one that
/// lists another does not.
#[test]
fn against_compares_observed_paths_with_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "procs").unwrap();
    for (os, path) in [("debian-12", "/proc/1/stat"), ("debian-13", "/proc/7/stat")] {
        let mut e = api_event(Kind::Open, os);
        e.path = Some(path.into());
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let groups = deviations(dir.path());
    assert_eq!(groups.len(), 1);
    let item = groups[0].items.keys().next().unwrap().item.clone();
    assert_eq!(item, "/proc/⋯/stat");
    let profile = bob_profile::read_str(
        "apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1\n\
         kind: ApplicationProfile\nmetadata: {name: api}\n\
         spec:\n  containers:\n  - name: api\n    opens: [{path: /proc/1/stat}]\n",
        std::path::Path::new("p.yaml"),
    )
    .unwrap();
    let bob_profile::Bob::ApplicationProfile(ap) = profile else {
        panic!("not an ApplicationProfile")
    };
    let uncovered: Vec<(String, usize)> = groups[0]
        .per_environment(Some(&ap))
        .into_iter()
        .map(|d| (d.env.clone(), d.uncovered.unwrap().len()))
        .collect();
    assert_eq!(uncovered.len(), 2);
    assert_eq!(uncovered[0].1, 0, "{uncovered:?}");
    assert_eq!(uncovered[1].1, 1, "{uncovered:?}");
    assert!(uncovered[1].0.contains("debian-13"), "{uncovered:?}");
}
