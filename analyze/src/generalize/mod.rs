//! Generalization: from the paths and arguments of particular runs to
//! entries that cover every run, without covering everything.
//!
//! Three steps, each configurable and each reported ([`Step`]):
//!
//! 1. **Rewrites** ([`rewrite`]): segments that differ between clusters by
//!    construction become `⋯`: projected-volume and config-map directories
//!    (`..2025_08_11_19_41_03.4177600516`), pod UIDs, container ids, UUIDs,
//!    runs of 32 or more hex digits, purely numeric segments (so
//!    `/proc/<pid>` becomes `/proc/⋯`) and version segments (`/etc/php/8.2`
//!    becomes `/etc/php/⋯`: distributions differ by exactly these).
//! 2. **Compaction** ([`compact`]), as Kubescape does it: a directory with
//!    more distinct children than its threshold (default 50; `/etc` 100;
//!    `/opt`, `/var/run`, `/app` 50) has them merged into one `⋯` child; a
//!    threshold of 1 makes it `*`; adjacent `⋯/⋯` become `*`.
//! 3. **Arguments** ([`argv`]): the argv of one executable that differ only
//!    in some positions become one entry with `⋯` there; when more than the
//!    threshold remain, they share their common prefix and `⋯⋯`.
//!
//! No step ever produces an over-broad open (SEMANTICS.md §2): a rewrite or
//! collapse whose result would have a wildcard first segment, or only
//! wildcard segments, is not made.

pub mod argv;
pub mod compact;
pub mod rewrite;

use std::collections::{BTreeMap, BTreeSet};

/// How far to generalize.
#[derive(Debug, Clone)]
pub struct Config {
    /// Apply the rewrites of step 1.
    pub rewrites: bool,
    /// Children a directory may have before it collapses, unless a prefix
    /// says otherwise.
    pub collapse_threshold: usize,
    /// Per-prefix thresholds; the longest prefix that contains a directory
    /// decides.
    pub prefix_thresholds: Vec<(String, usize)>,
    /// Distinct argv of one executable kept literal before they merge.
    pub argv_threshold: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            rewrites: true,
            collapse_threshold: 50,
            prefix_thresholds: vec![
                ("/etc".into(), 100),
                ("/opt".into(), 50),
                ("/var/run".into(), 50),
                ("/app".into(), 50),
            ],
            argv_threshold: 3,
        }
    }
}

impl Config {
    /// No generalization at all: the superset is the plain union.
    pub fn none() -> Self {
        Config {
            rewrites: false,
            collapse_threshold: usize::MAX,
            prefix_thresholds: Vec::new(),
            argv_threshold: usize::MAX,
        }
    }

    /// The collapse threshold of directory `dir`.
    pub fn threshold_for(&self, dir: &str) -> usize {
        self.prefix_thresholds
            .iter()
            .filter(|(p, _)| dir == p || dir.starts_with(&format!("{}/", p.trim_end_matches('/'))))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, t)| *t)
            .unwrap_or(self.collapse_threshold)
    }
}

/// One thing generalization did.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Step {
    /// The rule: `projected-volume`, `pod-uid`, `container-id`, `uuid`,
    /// `hex-run`, `numeric`, `collapse`, `argv-position`, `argv-rest`.
    pub rule: String,
    /// What it applied to: `opens` or `execs <path>`.
    pub scope: String,
    /// The entries it replaced (at most a few shown, all counted).
    pub from: Vec<String>,
    pub from_count: usize,
    /// The entry that replaced them.
    pub to: String,
}

/// Opens of one container: path to the union of its flags.
pub type Opens = BTreeMap<String, BTreeSet<String>>;
/// Execs of one container: path to its distinct argv (`None`: no argv known).
pub type Execs = BTreeMap<String, BTreeSet<Option<Vec<String>>>>;

/// The number of sample entries a step keeps in `from`.
pub const SAMPLES: usize = 5;

/// Generalizes one container's opens and execs; returns the steps taken.
pub fn generalize(opens: &mut Opens, execs: &mut Execs, cfg: &Config) -> Vec<Step> {
    let mut steps = Vec::new();
    if cfg.rewrites {
        steps.extend(rewrite::rewrite_opens(opens));
        steps.extend(rewrite::rewrite_execs(execs));
    }
    steps.extend(compact::compact(opens, cfg));
    steps.extend(argv::generalize_execs(execs, cfg.argv_threshold));
    steps
}

pub(crate) fn step(rule: &str, scope: &str, from: &BTreeSet<String>, to: &str) -> Step {
    Step {
        rule: rule.to_owned(),
        scope: scope.to_owned(),
        from: from.iter().take(SAMPLES).cloned().collect(),
        from_count: from.len(),
        to: to.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_decides() {
        let c = Config::default();
        assert_eq!(c.threshold_for("/etc"), 100);
        assert_eq!(c.threshold_for("/etc/ssl"), 100);
        assert_eq!(c.threshold_for("/etcetera"), 50);
        assert_eq!(c.threshold_for("/usr/lib"), 50);
    }
}
