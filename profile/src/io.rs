//! Reading and writing BoB documents as YAML or JSON.
//!
//! Reading goes through a generic JSON value first: that lets one code path
//! serve YAML, JSON and the Go-cased storage form, and lets the errors of the
//! typed step carry the place in the document (`spec.containers[0].opens`).

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::document::{
    API_VERSION, ApplicationProfile, Bob, ContainerProfile, NetworkNeighborhood,
};
use crate::error::{ProfileError, ProfileErrorKind};
use crate::pattern;
use crate::storage_form;

/// The text form of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The format a file name implies: JSON for `.json`, YAML otherwise.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// Reads one BoB document from a file.
pub fn read_file(path: impl AsRef<Path>) -> Result<Bob, ProfileError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ProfileError::new(path, ProfileErrorKind::Io(e)))?;
    read_str(&text, path)
}

/// Parses one BoB document; `path` is used only in error messages.
pub fn read_str(text: &str, path: &Path) -> Result<Bob, ProfileError> {
    let err = |kind| ProfileError::new(path, kind);
    let value = parse_value(text).map_err(|m| err(ProfileErrorKind::Syntax(m)))?;
    let value = storage_form::normalize(value);
    let Value::Object(map) = &value else {
        return Err(err(ProfileErrorKind::NotABob(format!(
            "expected a mapping at the top, found {}",
            type_name(&value)
        ))));
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let api = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if !matches!(
        kind,
        "ApplicationProfile" | "ContainerProfile" | "NetworkNeighborhood"
    ) {
        let found = if kind.is_empty() {
            "no `kind`".to_owned()
        } else {
            format!("`{kind}`")
        };
        return Err(err(ProfileErrorKind::NotABob(format!(
            "kind is {found}, expected ApplicationProfile, ContainerProfile or NetworkNeighborhood"
        ))));
    }
    if api != API_VERSION {
        return Err(err(ProfileErrorKind::NotABob(format!(
            "unknown apiVersion `{api}` for {kind}, expected `{API_VERSION}`"
        ))));
    }
    let bob = match kind {
        "ApplicationProfile" => Bob::ApplicationProfile(typed(value, path)?),
        "ContainerProfile" => Bob::ContainerProfile(typed(value, path)?),
        _ => Bob::NetworkNeighborhood(typed(value, path)?),
    };
    validate(&bob).map_err(|m| err(ProfileErrorKind::Invalid(m)))?;
    warn_over_broad(&bob, path);
    Ok(bob)
}

/// The document as a generic value in Kubernetes form (storage form
/// renamed), before any typing: what a round trip must preserve.
pub fn read_value(text: &str, path: &Path) -> Result<Value, ProfileError> {
    parse_value(text)
        .map(storage_form::normalize)
        .map_err(|m| ProfileError::new(path, ProfileErrorKind::Syntax(m)))
}

fn parse_value(text: &str) -> Result<Value, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return serde_json::from_str(text)
            .map_err(|e| format!("line {} column {}: {e}", e.line(), e.column()));
    }
    serde_saphyr::from_str::<Value>(text).map_err(|e| e.to_string())
}

fn typed<T: serde::de::DeserializeOwned>(value: Value, path: &Path) -> Result<T, ProfileError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let place = e.path().to_string();
        ProfileError::new(
            path,
            ProfileErrorKind::Invalid(format!("at `{place}`: {}", e.inner())),
        )
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Checks what serde's types cannot: every ApplicationProfile container is
/// named, no DNS pattern uses the invalid `**`.
fn validate(bob: &Bob) -> Result<(), String> {
    if let Bob::ApplicationProfile(ap) = bob {
        let lists = [
            ("containers", &ap.spec.containers),
            ("initContainers", &ap.spec.init_containers),
            ("ephemeralContainers", &ap.spec.ephemeral_containers),
        ];
        for (list, cs) in lists {
            for (i, c) in cs.iter().flatten().enumerate() {
                if c.name.as_deref().unwrap_or("").is_empty() {
                    return Err(format!("spec.{list}[{i}]: container has no `name`"));
                }
            }
        }
    }
    let egress: Vec<_> = match bob {
        Bob::ContainerProfile(cp) => cp.spec.egress.iter().flatten().collect(),
        Bob::NetworkNeighborhood(nn) => nn
            .all_containers()
            .flat_map(|c| c.egress.iter().flatten())
            .collect(),
        Bob::ApplicationProfile(_) => Vec::new(),
    };
    for n in egress {
        for name in n.dns_names.iter().flatten() {
            if name.contains("**") {
                return Err(format!(
                    "egress dnsNames `{name}`: `**` is not a valid pattern"
                ));
            }
        }
    }
    Ok(())
}

fn warn_over_broad(bob: &Bob, path: &Path) {
    let Some(ap) = bob.to_application_profile() else {
        return;
    };
    for c in ap.all_containers() {
        for open in c.opens() {
            if pattern::is_over_broad(&open.path) {
                tracing::warn!(
                    "{}: container `{}` has the over-broad open `{}`: it accepts almost any path",
                    path.display(),
                    c.name.as_deref().unwrap_or(""),
                    open.path
                );
            }
        }
    }
}

/// The document as YAML.
pub fn to_yaml(bob: &Bob) -> String {
    // Serializing these types to a string cannot fail: every map key is a
    // string and no value is a non-finite float.
    serde_saphyr::to_string(bob).expect("a BoB serializes to YAML")
}

/// The document as pretty-printed JSON with a final newline.
pub fn to_json(bob: &Bob) -> String {
    let mut s = serde_json::to_string_pretty(bob).expect("a BoB serializes to JSON");
    s.push('\n');
    s
}

/// Writes a document under a temporary name and renames it into place, so a
/// crash never leaves half a profile under `path`.
pub fn write_file(path: &Path, bob: &Bob, format: Format) -> Result<(), ProfileError> {
    let text = match format {
        Format::Yaml => to_yaml(bob),
        Format::Json => to_json(bob),
    };
    write_atomic(path, text.as_bytes())
        .map_err(|e| ProfileError::new(path, ProfileErrorKind::Io(e)))
}

/// Writes bytes to `path` through a sibling temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp)?;
    let result = f.write_all(bytes).and_then(|_| f.sync_all());
    drop(f);
    if let Err(e) = result.and_then(|_| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

impl From<ApplicationProfile> for Bob {
    fn from(ap: ApplicationProfile) -> Self {
        Bob::ApplicationProfile(ap)
    }
}
impl From<ContainerProfile> for Bob {
    fn from(cp: ContainerProfile) -> Self {
        Bob::ContainerProfile(cp)
    }
}
impl From<NetworkNeighborhood> for Bob {
    fn from(nn: NetworkNeighborhood) -> Self {
        Bob::NetworkNeighborhood(nn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Bob, ProfileError> {
        read_str(text, Path::new("t.yaml"))
    }

    /// A document of `kind` with `body` after its header.
    fn doc(kind: &str, body: &str) -> String {
        format!("apiVersion: {API_VERSION}\nkind: {kind}\n{body}")
    }

    #[test]
    fn unknown_kind_is_named() {
        let e = read("apiVersion: v1\nkind: ConfigMap\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("t.yaml: not a BoB: kind is `ConfigMap`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_version_is_an_error() {
        let e = read(
            "apiVersion: spdx.softwarecomposition.kubescape.io/v2\nkind: ApplicationProfile\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown apiVersion"), "{e}");
    }

    #[test]
    fn wrong_shape_names_the_place() {
        let text = doc(
            "ApplicationProfile",
            "spec:\n  containers:\n  - name: a\n    syscalls: 3\n",
        );
        let e = read(&text).unwrap_err();
        assert!(e.to_string().contains("spec.containers[0].syscalls"), "{e}");
    }

    #[test]
    fn container_without_name_is_invalid() {
        let text = doc(
            "ApplicationProfile",
            "spec:\n  containers:\n  - syscalls: [read]\n",
        );
        let e = read(&text).unwrap_err();
        assert!(
            e.to_string()
                .contains("spec.containers[0]: container has no `name`"),
            "{e}"
        );
    }

    #[test]
    fn syntax_error_is_not_a_panic() {
        let e = read("kind: [unclosed\n").unwrap_err();
        assert!(matches!(e.kind, ProfileErrorKind::Syntax(_)), "{e}");
        let e = read_str("{\"kind\": ", Path::new("x.json")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.json: malformed document: line 1"),
            "{e}"
        );
    }

    #[test]
    fn double_star_dns_is_rejected() {
        let text = doc(
            "ContainerProfile",
            "spec:\n  egress:\n  - dnsNames: ['**.example.com']\n",
        );
        assert!(read(&text).unwrap_err().to_string().contains("`**`"));
    }

    #[test]
    fn empty_and_absent_lists_stay_apart() {
        let text = doc(
            "ApplicationProfile",
            "spec:\n  containers:\n  - name: a\n    syscalls: []\n",
        );
        let bob = read(&text).unwrap();
        let ap = bob.to_application_profile().unwrap();
        let c = ap.container("a").unwrap();
        assert_eq!(c.syscalls, Some(vec![]));
        assert_eq!(c.execs, None);
        let again = read(&to_yaml(&bob)).unwrap();
        assert_eq!(again, bob);
    }
}
