//! OCI seccomp profiles from a BoB, and their comparison with a runtime's
//! default profile.
//!
//! The profile allows exactly the syscalls of the chosen containers and
//! denies the rest with `EPERM`. A runtime default is read in either of the
//! forms found in the wild: containerd's allow-list (`allowedSyscalls:`) or
//! Docker's profile (`syscalls[]` rules; only unconditional allow rules, with
//! no `includes`, `excludes` or `args`, count as allowed).

use std::collections::BTreeSet;
use std::path::Path;

use bob_profile::ApplicationProfile;
use serde_json::{Value, json};

use crate::error::AnalyzeError;

/// The OCI seccomp profile of the named containers (all if `names` is empty).
pub fn profile(ap: &ApplicationProfile, names: &[String]) -> Result<Value, AnalyzeError> {
    let mut syscalls = BTreeSet::new();
    let mut found = 0;
    for c in ap.all_containers() {
        let name = c.name.as_deref().unwrap_or("");
        if names.is_empty() || names.iter().any(|n| n == name) {
            syscalls.extend(c.syscalls().iter().cloned());
            found += 1;
        }
    }
    if found == 0 {
        return Err(AnalyzeError::Input(format!(
            "the profile has no container named {}",
            names.join(", ")
        )));
    }
    let archs: Vec<&str> = ap
        .spec
        .architectures
        .iter()
        .flatten()
        .flat_map(|a| match a.as_str() {
            "amd64" => &["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"][..],
            "arm64" => &["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"][..],
            _ => &[][..],
        })
        .copied()
        .collect();
    Ok(json!({
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "architectures": archs,
        "syscalls": [{ "names": syscalls.into_iter().collect::<Vec<_>>(), "action": "SCMP_ACT_ALLOW" }]
    }))
}

/// The syscalls a runtime default profile allows unconditionally.
pub fn load_allowed(path: &Path) -> Result<BTreeSet<String>, AnalyzeError> {
    let text = std::fs::read_to_string(path).map_err(|e| AnalyzeError::io(path, e))?;
    let value: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text)
            .map_err(|e| AnalyzeError::Input(format!("{}: {e}", path.display())))?
    } else {
        serde_saphyr::from_str(&text)
            .map_err(|e| AnalyzeError::Input(format!("{}: {e}", path.display())))?
    };
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    if let Some(list) = value.get("allowedSyscalls") {
        return Ok(strings(list).into_iter().collect());
    }
    let Some(rules) = value.get("syscalls").and_then(Value::as_array) else {
        return Err(AnalyzeError::Input(format!(
            "{}: not a seccomp profile: no `syscalls` or `allowedSyscalls`",
            path.display()
        )));
    };
    let empty = |k: &str, r: &Value| {
        r.get(k).is_none_or(|v| {
            v.is_null()
                || v.as_object().is_some_and(|o| o.is_empty())
                || v.as_array().is_some_and(|a| a.is_empty())
        })
    };
    let mut out = BTreeSet::new();
    for r in rules {
        let allow = r.get("action").and_then(Value::as_str) == Some("SCMP_ACT_ALLOW");
        if allow && empty("includes", r) && empty("excludes", r) && empty("args", r) {
            out.extend(strings(r.get("names").unwrap_or(&Value::Null)));
        }
    }
    Ok(out)
}

/// How a BoB's syscalls compare with a runtime default.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    /// Allowed by the default, not used by the BoB: what the BoB's profile takes away.
    pub only_default: Vec<String>,
    /// Used by the BoB, not allowed by the default: the default would break the workload.
    pub only_bob: Vec<String>,
    pub both: usize,
}

/// Compares the BoB's syscalls with a default's allow-list.
pub fn compare(bob: &BTreeSet<String>, default: &BTreeSet<String>) -> Comparison {
    Comparison {
        only_default: default.difference(bob).cloned().collect(),
        only_bob: bob.difference(default).cloned().collect(),
        both: bob.intersection(default).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/seccomp")
            .join(rel)
    }

    #[test]
    fn runtime_defaults_allow_what_upstream_says() {
        assert_eq!(
            load_allowed(&shared("containerd-runtime-default.yaml"))
                .unwrap()
                .len(),
            363
        );
        assert_eq!(
            load_allowed(&shared("moby-default.json")).unwrap().len(),
            361
        );
    }

    #[test]
    fn comparison_is_two_differences() {
        let b: BTreeSet<String> = ["read", "write", "bpf"].map(String::from).into();
        let d: BTreeSet<String> = ["read", "write", "open"].map(String::from).into();
        let c = compare(&b, &d);
        assert_eq!(
            (c.only_default, c.only_bob, c.both),
            (vec!["open".to_string()], vec!["bpf".to_string()], 2)
        );
    }
}
