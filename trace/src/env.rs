//! Environment labels: where a trace was recorded.
//!
//! Supersets and deviations group by these. The well-known keys have their
//! own columns; any other key goes to the free-form `labels` map.

use std::collections::BTreeMap;

/// The keys that have a column of their own, in column order.
pub const KNOWN_KEYS: [&str; 7] = [
    "os",
    "distribution",
    "k8s_distribution",
    "k8s_version",
    "kernel",
    "arch",
    "runtime",
];

/// Where a trace was recorded.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Environment {
    /// Operating system and version, `<ID>-<VERSION_ID>` of os-release (`debian-12`).
    pub os: Option<String>,
    /// The os-release `ID` alone (`debian`, `ubuntu`).
    pub distribution: Option<String>,
    /// Kubernetes distribution (`k3s`, `kind`, `minikube`, `gke`).
    pub k8s_distribution: Option<String>,
    /// Kubernetes version (`v1.33.3`).
    pub k8s_version: Option<String>,
    /// Kernel release (`uname -r`).
    pub kernel: Option<String>,
    /// Architecture in Kubernetes spelling (`amd64`, `arm64`).
    pub arch: Option<String>,
    /// Container runtime (`containerd`, `runc`, `unshare-chroot`).
    pub runtime: Option<String>,
    /// Every other label.
    pub labels: BTreeMap<String, String>,
}

impl Environment {
    /// Sets one label; well-known keys go to their field.
    pub fn set(&mut self, key: &str, value: &str) {
        let v = Some(value.to_owned());
        match key {
            "os" => self.os = v,
            "distribution" => self.distribution = v,
            "k8s_distribution" => self.k8s_distribution = v,
            "k8s_version" => self.k8s_version = v,
            "kernel" => self.kernel = v,
            "arch" => self.arch = v,
            "runtime" => self.runtime = v,
            _ => {
                self.labels.insert(key.to_owned(), value.to_owned());
            }
        }
    }

    /// The value of a label, well-known or free-form.
    pub fn get(&self, key: &str) -> Option<&str> {
        match key {
            "os" => self.os.as_deref(),
            "distribution" => self.distribution.as_deref(),
            "k8s_distribution" => self.k8s_distribution.as_deref(),
            "k8s_version" => self.k8s_version.as_deref(),
            "kernel" => self.kernel.as_deref(),
            "arch" => self.arch.as_deref(),
            "runtime" => self.runtime.as_deref(),
            _ => self.labels.get(key).map(String::as_str),
        }
    }

    /// Applies `other` on top of `self`: its set values win.
    pub fn overlay(&mut self, other: &Environment) {
        for k in KNOWN_KEYS {
            if let Some(v) = other.get(k) {
                self.set(k, v);
            }
        }
        for (k, v) in &other.labels {
            self.labels.insert(k.clone(), v.clone());
        }
    }
}

/// Parses `key=value`, as `--label` takes it.
pub fn parse_label(s: &str) -> Result<(String, String), String> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| format!("label `{s}` is not key=value"))?;
    let k = k.trim();
    if k.is_empty()
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        return Err(format!(
            "label key `{k}` must be letters, digits, `_`, `-` or `.`"
        ));
    }
    Ok((k.to_owned(), v.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_have_fields() {
        let mut e = Environment::default();
        e.set("os", "debian-12");
        e.set("libc", "glibc-2.36");
        assert_eq!(e.os.as_deref(), Some("debian-12"));
        assert_eq!(e.get("libc"), Some("glibc-2.36"));
        let mut base = Environment::default();
        base.set("os", "x");
        base.overlay(&e);
        assert_eq!(base.get("os"), Some("debian-12"));
    }

    #[test]
    fn labels_parse() {
        assert_eq!(
            parse_label("os=debian-12").unwrap(),
            ("os".into(), "debian-12".into())
        );
        assert!(parse_label("novalue").is_err());
        assert!(parse_label("a b=c").is_err());
    }
}
