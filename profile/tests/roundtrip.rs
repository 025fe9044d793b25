//! Every real profile in `../shared/data` loads, and writing it out and
//! reading it back keeps every field, in YAML and in JSON.

use std::path::{Path, PathBuf};

use bob_profile::{Bob, read_str, read_value, to_json, to_yaml};
use serde_json::Value;

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel)
}

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["bob/profiles/redis", "kubescape/containerprofiles"] {
        for e in std::fs::read_dir(shared(dir)).expect("shared data is beside the project") {
            let p = e.unwrap().path();
            if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Removes `null` members: upstream writes `null`, bob omits the field, and
/// both mean the same.
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        v => v,
    }
}

#[test]
fn every_shared_profile_round_trips() {
    let files = files();
    assert!(
        files.len() >= 45,
        "expected the 34 redis and 12 storage files, found {}",
        files.len()
    );
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let bob = read_str(&text, path).unwrap_or_else(|e| panic!("{e}"));
        *kinds.entry(bob.kind()).or_default() += 1;
        let original = strip_nulls(read_value(&text, path).unwrap());
        for (form, written) in [("yaml", to_yaml(&bob)), ("json", to_json(&bob))] {
            let back = strip_nulls(read_value(&written, path).unwrap());
            assert_eq!(
                back,
                original,
                "{}: {form} round trip changed the document",
                path.display()
            );
            let again: Bob = read_str(&written, path).unwrap();
            assert_eq!(
                again,
                bob,
                "{}: {form} round trip changed the typed value",
                path.display()
            );
        }
    }
    assert_eq!(kinds.get("ContainerProfile"), Some(&13), "{kinds:?}");
    assert!(kinds["ApplicationProfile"] >= 33, "{kinds:?}");
}

#[test]
fn storage_form_reads_like_the_api_form() {
    let path = shared("kubescape/containerprofiles/p8.json");
    let bob = bob_profile::read_file(&path).unwrap();
    let Bob::ContainerProfile(cp) = &bob else {
        panic!("p8 is a ContainerProfile")
    };
    let c = &cp.spec.container;
    assert!(c.image_id.as_deref().unwrap().contains("adservice@sha256:"));
    let r1 = c.rule_policy("R0001").unwrap();
    assert!(
        r1.process_allowed
            .as_ref()
            .unwrap()
            .iter()
            .any(|p| p == "java")
    );
    assert_eq!(
        cp.container_name(),
        cp.metadata
            .label("kubescape.io/workload-container-name")
            .unwrap()
    );
}
