//! Deviations keep workloads apart by namespace and kind, as supersets do.

use std::sync::Arc;

use bob_analyze::{Session, SessionOptions};
use bob_trace::{Class, Environment, Event, Kind, Source, TraceWriter};

#[test]
fn same_name_in_two_namespaces_is_two_workloads() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "two").unwrap();
    for (ns, syscall) in [("prod", "read"), ("dev", "write")] {
        let mut env = Environment::default();
        env.set("os", "debian-12");
        let mut e = Event::new(Kind::Syscall, Arc::new(env));
        e.syscall = Some(syscall.into());
        e.class = Class::Benign;
        e.container.namespace = Some(ns.into());
        e.container.workload_name = Some("api".into());
        e.container.name = Some("api".into());
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let s = Session::open(dir.path(), &SessionOptions::default()).unwrap();
    let groups = bob_analyze::deviations::compute(&s, true).unwrap();
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
        let mut env = Environment::default();
        env.set("os", os);
        let mut e = Event::new(Kind::Open, Arc::new(env));
        e.path = Some(path.into());
        e.class = Class::Benign;
        e.container.workload_name = Some("api".into());
        e.container.name = Some("api".into());
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let s = Session::open(dir.path(), &SessionOptions::default()).unwrap();
    let groups = bob_analyze::deviations::compute(&s, true).unwrap();
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
