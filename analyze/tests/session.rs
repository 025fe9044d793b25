//! How SQL sees a dataset: string columns as views, `env` as `concat_ws`.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use bob_analyze::{Session, SessionOptions};
use bob_trace::{Environment, Event, Kind, Source, TraceWriter};

fn dataset() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "envs").unwrap();
    // Runs of equal labels, a label missing, and a change back.
    for (os, k8s, syscall) in [
        (Some("debian-12"), Some("1.30"), "read"),
        (Some("debian-12"), Some("1.30"), "write"),
        (None, Some("1.30"), "read"),
        (Some("debian-13"), None, "read"),
        (Some("debian-12"), Some("1.30"), "openat"),
    ] {
        let mut env = Environment::default();
        if let Some(os) = os {
            env.set("os", os);
        }
        if let Some(k8s) = k8s {
            env.set("k8s_version", k8s);
        }
        let mut e = Event::new(Kind::Syscall, Arc::new(env));
        e.syscall = Some(syscall.into());
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    dir
}

fn strings(s: &Session, sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    for b in s.query(sql).unwrap() {
        let c = cast(b.column(0), &DataType::Utf8).unwrap();
        let c = c.as_string::<i32>();
        out.extend((0..c.len()).map(|i| c.value(i).to_owned()));
    }
    out
}

#[test]
fn string_columns_are_read_as_views() {
    let dir = dataset();
    let s = Session::open(dir.path(), &SessionOptions::default()).unwrap();
    let types = strings(
        &s,
        "SELECT DISTINCT concat(arrow_typeof(kind), ' ', arrow_typeof(syscall), ' ', \
         arrow_typeof(env)) FROM events",
    );
    assert_eq!(types, ["Utf8View Utf8View Utf8View"]);
}

#[test]
fn env_is_what_concat_ws_makes_of_the_labels() {
    let dir = dataset();
    let opts = SessionOptions {
        env_by: vec!["os".into(), "k8s_version".into()],
        filter: None,
    };
    let s = Session::open(dir.path(), &opts).unwrap();
    let rows = strings(
        &s,
        "SELECT concat(env, '|', concat_ws(' ', os, k8s_version)) FROM events",
    );
    assert_eq!(rows.len(), 5);
    for r in &rows {
        let (ours, theirs) = r.split_once('|').unwrap();
        assert_eq!(ours, theirs);
    }
    let mut envs = strings(&s, "SELECT DISTINCT env FROM events");
    envs.sort();
    assert_eq!(envs, ["1.30", "debian-12 1.30", "debian-13"]);
}
