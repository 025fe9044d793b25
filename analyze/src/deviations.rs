//! Deviations: what differs between environments.
//!
//! The `deviations.sql` query gives, per workload, container and item
//! (syscall, capability, exec path, open path, endpoint, DNS name, network
//! peer), the environments that show it. Open and exec paths are
//! generalized with the rewrites of [`crate::generalize::rewrite`] first,
//! so that `/proc/41/stat` and `/proc/97/stat` are one item. From that this
//! module derives, per container: the **core** (items every environment of
//! the container shows), the **superset** (items any shows), and per
//! environment what it **adds** beyond the core and what it **lacks** of the
//! superset; with a profile, what the profile does not cover.
//!
//! Groups are keyed by namespace, workload kind, workload name and
//! container, as supersets are.
//!
//! The `--against` check looks at what was observed, not at its
//! generalization: a generalized open (`/proc/⋯/stat`) is reported as not
//! covered in an environment when one of the paths that environment
//! opened under it (`/proc/1/stat`) matches no open of the profile.
//!
//! Known shortcoming: HTTP endpoints are compared with the profile's as
//! literal strings, so a profile endpoint on port `:0` (any port) covers
//! only an observed `:0`.

use std::collections::{BTreeMap, BTreeSet};

use bob_profile::pattern::{PathMode, path_matches};
use bob_profile::{ApplicationProfile, capability};
use serde::Serialize;

use crate::error::AnalyzeError;
use crate::generalize::rewrite::rewrite_path;
use crate::queries;
use crate::session::Session;
use crate::superset::Cols;

/// One item of behaviour: its kind and its value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Item {
    pub kind: String,
    pub item: String,
}

/// The deviations of one container of one workload.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub namespace: Option<String>,
    pub workload_kind: Option<String>,
    pub workload: String,
    pub container: String,
    /// Environments with any row of this container, sorted.
    pub environments: Vec<String>,
    /// Every item and the environments that show it.
    pub items: BTreeMap<Item, BTreeSet<String>>,
    /// The observed paths of each generalized open, per environment: what
    /// `--against` compares with a profile.
    #[serde(skip)]
    pub observed: BTreeMap<(Item, String), BTreeSet<String>>,
}

/// What one environment adds and lacks.
#[derive(Debug, Clone, Serialize)]
pub struct EnvDiff {
    pub env: String,
    pub adds: Vec<Item>,
    pub lacks: Vec<Item>,
    /// With `--against`: items of this environment the profile does not cover.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered: Option<Vec<Item>>,
}

impl Group {
    /// Items every environment shows.
    pub fn core(&self) -> Vec<&Item> {
        let n = self.environments.len();
        self.items
            .iter()
            .filter(|(_, e)| e.len() == n)
            .map(|(i, _)| i)
            .collect()
    }

    /// Per environment, additions beyond the core and gaps in the superset.
    pub fn per_environment(&self, against: Option<&ApplicationProfile>) -> Vec<EnvDiff> {
        let n = self.environments.len();
        let container = against.and_then(|ap| ap.container(&self.container));
        self.environments
            .iter()
            .map(|env| {
                let has = |e: &BTreeSet<String>| e.contains(env);
                let adds = self
                    .items
                    .iter()
                    .filter(|(_, e)| has(e) && e.len() < n)
                    .map(|(i, _)| i.clone())
                    .collect();
                let lacks = self
                    .items
                    .iter()
                    .filter(|(_, e)| !has(e))
                    .map(|(i, _)| i.clone())
                    .collect();
                let uncovered = against.map(|_| {
                    self.items
                        .iter()
                        .filter(|(i, e)| has(e) && !self.covered_in(container, i, env))
                        .map(|(i, _)| i.clone())
                        .collect()
                });
                EnvDiff {
                    env: env.clone(),
                    adds,
                    lacks,
                    uncovered,
                }
            })
            .collect()
    }

    /// Whether every value `env` observed under `item` is covered by `c`.
    fn covered_in(&self, c: Option<&bob_profile::Container>, item: &Item, env: &str) -> bool {
        match self.observed.get(&(item.clone(), env.to_owned())) {
            Some(values) => values.iter().all(|v| {
                covered(
                    c,
                    &Item {
                        kind: item.kind.clone(),
                        item: v.clone(),
                    },
                )
            }),
            None => covered(c, item),
        }
    }

    /// Item counts per kind: `(kind, in superset, in core)`.
    pub fn sizes(&self) -> Vec<(String, usize, usize)> {
        let n = self.environments.len();
        let mut by: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, e) in &self.items {
            let s = by.entry(&i.kind).or_default();
            s.0 += 1;
            if e.len() == n {
                s.1 += 1;
            }
        }
        by.into_iter()
            .map(|(k, (a, c))| (k.to_owned(), a, c))
            .collect()
    }
}

/// Whether a profile container covers an item. Network peers and DNS names
/// live in NetworkNeighborhoods, not in ApplicationProfiles, and count as
/// not covered.
pub fn covered(c: Option<&bob_profile::Container>, item: &Item) -> bool {
    let Some(c) = c else { return false };
    match item.kind.as_str() {
        "syscall" => c.syscalls().iter().any(|s| s == &item.item),
        "capability" => c
            .capabilities()
            .iter()
            .any(|s| capability::same(s, &item.item)),
        "exec" => c.execs().iter().any(|e| e.path == item.item),
        "open" => c
            .opens()
            .iter()
            .any(|o| path_matches(&o.path, &item.item, PathMode::Current)),
        "http" => c
            .endpoints()
            .iter()
            .any(|e| e.endpoint.as_deref() == Some(&item.item)),
        _ => false,
    }
}

/// Runs the deviations query and groups its rows. With `generalize`, open
/// and exec paths are rewritten first.
pub fn compute(session: &Session, generalize: bool) -> Result<Vec<Group>, AnalyzeError> {
    type Key = (Option<String>, Option<String>, String, String);
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for batch in session.query(queries::DEVIATIONS)? {
        let r = Cols::new(&batch)?;
        for i in 0..batch.num_rows() {
            let namespace = r.s("namespace", i);
            let workload_kind = r.s("workload_kind", i);
            let workload = r.s("workload_name", i).unwrap_or_default();
            let container = r.s("container", i).unwrap_or_default();
            let (Some(kind), Some(mut item)) = (r.s("kind", i), r.s("item", i)) else {
                continue;
            };
            let env = r.s("env", i).unwrap_or_default();
            let mut observed = None;
            if generalize && kind == "open" {
                let general = rewrite_path(&item).0;
                observed = Some(std::mem::replace(&mut item, general));
            }
            let g = groups
                .entry((
                    namespace.clone(),
                    workload_kind.clone(),
                    workload.clone(),
                    container.clone(),
                ))
                .or_insert_with(|| Group {
                    namespace,
                    workload_kind,
                    workload,
                    container,
                    environments: Vec::new(),
                    items: BTreeMap::new(),
                    observed: BTreeMap::new(),
                });
            if !g.environments.contains(&env) {
                g.environments.push(env.clone());
            }
            let item = Item { kind, item };
            if let Some(value) = observed {
                g.observed
                    .entry((item.clone(), env.clone()))
                    .or_default()
                    .insert(value);
            }
            g.items.entry(item).or_default().insert(env);
        }
    }
    let mut out: Vec<Group> = groups.into_values().collect();
    for g in &mut out {
        g.environments.sort();
    }
    if out.is_empty() {
        return Err(AnalyzeError::Input(
            "no behaviour rows to compare (the dataset is empty or the filter selects no rows)"
                .into(),
        ));
    }
    Ok(out)
}
