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
