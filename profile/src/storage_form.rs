//! Kubescape storage's on-disk form, turned into the Kubernetes form.
//!
//! Storage serializes its Go structs as they are: no `apiVersion` or `kind`,
//! the object metadata flattened at the top, and Go field names (`Spec`,
//! `Opens`, `PolicyByRuleId`, `AllowedProcesses`). This module renames those
//! fields to the names the Kubernetes API uses, so one typed model reads both.
//! Keys of user maps (labels, headers, rule ids) are left as they are.

use serde_json::{Map, Value};

use crate::document::API_VERSION;

/// Object metadata fields that storage writes at the top level.
const META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

/// Fields whose value is a map with user keys: rename inside the values only.
const USER_KEYED: &[&str] = &["PolicyByRuleId"];
/// Fields whose value is left exactly as it is.
const OPAQUE: &[&str] = &[
    "Headers",
    "matchLabels",
    "MatchLabels",
    "labels",
    "annotations",
];

/// Returns the Kubernetes form of `value` if it is in storage form, else
/// `value` unchanged.
pub fn normalize(value: Value) -> Value {
    let Value::Object(map) = value else {
        return value;
    };
    if map.contains_key("apiVersion") || !map.contains_key("Spec") {
        return Value::Object(map);
    }
    let mut meta = Map::new();
    let mut out = Map::new();
    let mut spec = Value::Null;
    let mut rest = Map::new();
    for (k, v) in map {
        if META_FIELDS.contains(&k.as_str()) {
            meta.insert(k, v);
        } else if k == "Spec" {
            spec = rename(v);
        } else {
            rest.insert(camel(&k), rename(v));
        }
    }
    let kind = match &spec {
        Value::Object(s) if s.contains_key("containers") => "ApplicationProfile",
        _ => "ContainerProfile",
    };
    out.insert("apiVersion".into(), Value::String(API_VERSION.into()));
    out.insert("kind".into(), Value::String(kind.into()));
    out.insert("metadata".into(), Value::Object(meta));
    out.insert("spec".into(), spec);
    out.extend(rest);
    Value::Object(out)
}

fn rename(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let v = if OPAQUE.contains(&k.as_str()) {
                    v
                } else if USER_KEYED.contains(&k.as_str()) {
                    match v {
                        Value::Object(m) => {
                            Value::Object(m.into_iter().map(|(rk, rv)| (rk, rename(rv))).collect())
                        }
                        other => other,
                    }
                } else {
                    rename(v)
                };
                out.insert(camel(&k), v);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(rename).collect()),
        other => other,
    }
}

/// The Kubernetes JSON name of a Go field name.
fn camel(key: &str) -> String {
    match key {
        "ImageID" => "imageID".into(),
        "PolicyByRuleId" => "rulePolicies".into(),
        "AllowedProcesses" => "processAllowed".into(),
        "AllowedContainer" => "containerAllowed".into(),
        "DNS" => "dns".into(),
        "DNSNames" => "dnsNames".into(),
        "IPAddress" => "ipAddress".into(),
        "IPAddresses" => "ipAddresses".into(),
        "CallID" => "callID".into(),
        "FileID" => "fileID".into(),
        _ => {
            let mut chars = key.chars();
            match chars.next() {
                Some(c) if c.is_ascii_uppercase() => {
                    c.to_ascii_lowercase().to_string() + chars.as_str()
                }
                _ => key.to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_names_become_api_names() {
        let v = normalize(json!({
            "name": "p", "labels": {"A": "b"},
            "Spec": {"ImageID": "x", "Opens": [{"Path": "/a", "Flags": ["O_RDONLY"]}],
                     "PolicyByRuleId": {"R0001": {"AllowedProcesses": ["sh"], "AllowedContainer": false}},
                     "Endpoints": [{"Headers": {"Accept-Encoding": ["gzip"]}}]},
            "Status": {}
        }));
        assert_eq!(v["kind"], "ContainerProfile");
        assert_eq!(v["metadata"]["labels"]["A"], "b");
        assert_eq!(v["spec"]["imageID"], "x");
        assert_eq!(v["spec"]["opens"][0]["path"], "/a");
        assert_eq!(
            v["spec"]["rulePolicies"]["R0001"]["processAllowed"][0],
            "sh"
        );
        assert_eq!(
            v["spec"]["endpoints"][0]["headers"]["Accept-Encoding"][0],
            "gzip"
        );
        assert!(v["status"].is_object());
    }

    #[test]
    fn kubernetes_form_is_untouched() {
        let v = json!({"apiVersion": "a", "Spec": 1});
        assert_eq!(normalize(v.clone()), v);
    }
}
