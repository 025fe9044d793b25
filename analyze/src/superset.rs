//! The superset: every benign behaviour per workload and container, as one
//! ApplicationProfile per workload.
//!
//! The unions are computed by the `superset_*.sql` queries; this module
//! gathers their rows into [`Behaviour`], generalizes paths and arguments
//! ([`crate::generalize`]) and writes the profile. Everything is kept in
//! sorted sets, so the same dataset always gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use bob_profile::{
    ApplicationProfile, ApplicationProfileSpec, Container, Endpoint, Exec, ObjectMeta, Open,
};
use indexmap::IndexMap;

use crate::columns::Column;
use crate::error::AnalyzeError;
use crate::generalize::{self, Config, Execs, Opens, Step};
use crate::queries;
use crate::session::Session;

/// The workload a row belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Workload {
    pub namespace: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
}

impl Workload {
    /// A file-name-safe name: `<kind>-<name>` in lower case.
    pub fn slug(&self) -> String {
        let name = self.name.as_deref().unwrap_or("workload");
        match &self.kind {
            Some(k) => format!("{}-{}", k.to_ascii_lowercase(), name),
            None => name.to_owned(),
        }
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect()
    }
}

/// Everything one container was seen doing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Behaviour {
    pub syscalls: BTreeSet<String>,
    pub capabilities: BTreeSet<String>,
    pub execs: Execs,
    pub opens: Opens,
    /// Endpoint to (methods, direction).
    pub endpoints: BTreeMap<String, (BTreeSet<String>, Option<String>)>,
    /// `(image, digest)` pairs.
    pub images: BTreeSet<(Option<String>, Option<String>)>,
    pub archs: BTreeSet<String>,
}

/// Entry counts of a profile, before or after generalization.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub syscalls: usize,
    pub capabilities: usize,
    pub execs: usize,
    pub opens: usize,
    pub endpoints: usize,
}

impl Behaviour {
    /// How many entries each list would have in a profile.
    pub fn counts(&self) -> Counts {
        Counts {
            syscalls: self.syscalls.len(),
            capabilities: self.capabilities.len(),
            execs: self.execs.values().map(BTreeSet::len).sum(),
            opens: self.opens.len(),
            endpoints: self.endpoints.len(),
        }
    }
}

/// Behaviour of every container of every workload.
pub type Unions = BTreeMap<Workload, BTreeMap<String, Behaviour>>;

/// Runs the superset queries over the session's `events`.
pub fn collect(session: &Session) -> Result<Unions, AnalyzeError> {
    let mut u = Unions::new();
    type Sink<'a> = &'a mut dyn FnMut(&mut Behaviour, &Cols, usize);
    let mut each = |sql: &str, f: Sink<'_>| -> Result<(), AnalyzeError> {
        for batch in session.query(sql)? {
            let r = Cols::new(&batch)?;
            for i in 0..batch.num_rows() {
                let w = Workload {
                    namespace: r.s("namespace", i),
                    kind: r.s("workload_kind", i),
                    name: r.s("workload_name", i),
                };
                let c = r.s("container", i).unwrap_or_default();
                f(u.entry(w).or_default().entry(c).or_default(), &r, i);
            }
        }
        Ok(())
    };
    each(queries::SUPERSET_SYSCALLS, &mut |b, r, i| {
        b.syscalls.extend(r.s("syscall", i));
    })?;
    each(queries::SUPERSET_CAPABILITIES, &mut |b, r, i| {
        b.capabilities.extend(
            r.s("capability", i)
                .map(|c| bob_profile::capability::normalize(&c)),
        );
    })?;
    each(queries::SUPERSET_EXECS, &mut |b, r, i| {
        if let Some(p) = r.s("path", i) {
            b.execs.entry(p).or_default().insert(r.l("argv", i));
        }
    })?;
    each(queries::SUPERSET_OPENS, &mut |b, r, i| {
        if let Some(p) = r.s("path", i) {
            b.opens
                .entry(p)
                .or_default()
                .extend(r.l("flags", i).unwrap_or_default());
        }
    })?;
    each(queries::SUPERSET_ENDPOINTS, &mut |b, r, i| {
        if let Some(p) = r.s("path", i) {
            let e = b.endpoints.entry(p).or_default();
            e.0.extend(r.l("flags", i).unwrap_or_default());
            e.1 = e.1.take().or(r.s("direction", i));
        }
    })?;
    each(queries::SUPERSET_IMAGES, &mut |b, r, i| {
        let (img, dig) = (r.s("image", i), r.s("image_digest", i));
        if img.is_some() || dig.is_some() {
            b.images.insert((img, dig));
        }
        b.archs.extend(r.s("arch", i));
    })?;
    // Containers that only had image rows (no behaviour) are not containers
    // of the profile; rows without any workload columns still form one.
    for containers in u.values_mut() {
        containers.retain(|_, b| b.counts() != Counts::default());
    }
    u.retain(|_, c| !c.is_empty());
    Ok(u)
}

/// The columns of one result batch, by name.
pub(crate) struct Cols(BTreeMap<&'static str, Column>);

impl Cols {
    pub(crate) fn new(batch: &arrow::record_batch::RecordBatch) -> Result<Cols, AnalyzeError> {
        const NAMES: [&str; 18] = [
            "namespace",
            "workload_kind",
            "workload_name",
            "container",
            "syscall",
            "capability",
            "path",
            "argv",
            "flags",
            "direction",
            "image",
            "image_digest",
            "arch",
            "observations",
            "kind",
            "item",
            "env",
            "environments",
        ];
        let mut cols = BTreeMap::new();
        for n in NAMES {
            if batch.schema().column_with_name(n).is_some() {
                cols.insert(n, Column::get(batch, n)?);
            }
        }
        Ok(Cols(cols))
    }

    /// The string in column `name` at row `i`.
    pub(crate) fn s(&self, name: &str, i: usize) -> Option<String> {
        self.0.get(name).and_then(|c| c.str(i))
    }

    /// The list in column `name` at row `i`.
    pub(crate) fn l(&self, name: &str, i: usize) -> Option<Vec<String>> {
        self.0.get(name).and_then(|c| c.list(i))
    }
}

/// A finished superset: the profiles and what generalization did.
#[derive(Debug, Clone)]
pub struct Superset {
    pub profiles: Vec<(Workload, ApplicationProfile)>,
    pub report: Vec<ContainerReport>,
}

/// What generalization did to one container.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContainerReport {
    pub workload: String,
    pub container: String,
    pub before: Counts,
    pub after: Counts,
    pub steps: Vec<Step>,
}

/// Generalizes the unions and builds one profile per workload.
pub fn build(unions: Unions, cfg: &Config) -> Superset {
    let mut profiles = Vec::new();
    let mut report = Vec::new();
    for (w, containers) in unions {
        let mut list = Vec::new();
        for (name, mut b) in containers {
            let before = b.counts();
            let steps = generalize::generalize(&mut b.opens, &mut b.execs, cfg);
            report.push(ContainerReport {
                workload: w.slug(),
                container: name.clone(),
                before,
                after: b.counts(),
                steps,
            });
            list.push((name, b));
        }
        profiles.push((w.clone(), profile(&w, list)));
    }
    Superset { profiles, report }
}

/// The ApplicationProfile of one workload: user-managed and completed, as a
/// vendor ships it.
pub fn profile(w: &Workload, containers: Vec<(String, Behaviour)>) -> ApplicationProfile {
    let mut ap = ApplicationProfile::new(&w.slug());
    let mut labels = IndexMap::new();
    if let Some(k) = &w.kind {
        labels.insert("kubescape.io/workload-kind".to_owned(), k.clone());
    }
    if let Some(n) = &w.name {
        labels.insert("kubescape.io/workload-name".to_owned(), n.clone());
    }
    if let Some(ns) = &w.namespace {
        labels.insert("kubescape.io/workload-namespace".to_owned(), ns.clone());
    }
    let annotations: IndexMap<String, String> = [
        ("kubescape.io/managed-by", "User"),
        ("kubescape.io/status", "completed"),
        ("kubescape.io/completion", "complete"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    ap.metadata = ObjectMeta {
        name: Some(w.slug()),
        namespace: w.namespace.clone(),
        labels: (!labels.is_empty()).then_some(labels),
        annotations: Some(annotations),
        ..Default::default()
    };
    let mut archs: BTreeSet<String> = containers
        .iter()
        .flat_map(|(_, b)| b.archs.iter().cloned())
        .collect();
    if archs.is_empty() {
        archs.insert("amd64".to_owned());
    }
    let list = containers
        .into_iter()
        .map(|(name, b)| container(name, b))
        .collect();
    ap.spec = ApplicationProfileSpec {
        architectures: Some(archs.into_iter().collect()),
        containers: Some(list),
        ..Default::default()
    };
    ap
}

/// An image reference without its tag: `reg.io:5000/app:1.2` is
/// `reg.io:5000/app` (a `:` before the last `/` is a registry port).
fn strip_tag(image: &str) -> &str {
    let name_start = image.rfind('/').map_or(0, |i| i + 1);
    match image[name_start..].find(':') {
        Some(i) => &image[..name_start + i],
        None => image,
    }
}

fn container(name: String, b: Behaviour) -> Container {
    // One image per container is the norm; with several, the first in
    // sorted order is named and the others are reported by deviations.
    let (image, digest) = b.images.iter().next().cloned().unwrap_or_default();
    let image_id = match (&image, &digest) {
        (Some(i), Some(d)) if !i.contains('@') => Some(format!("{}@{d}", strip_tag(i))),
        (Some(i), _) => Some(i.clone()),
        (None, Some(d)) => Some(d.clone()),
        (None, None) => None,
    };
    let execs = b
        .execs
        .into_iter()
        .flat_map(|(path, argvs)| {
            argvs.into_iter().map(move |args| Exec {
                path: path.clone(),
                args,
                ..Default::default()
            })
        })
        .collect();
    let opens = b
        .opens
        .into_iter()
        .map(|(path, flags)| Open {
            path,
            flags: Some(flags.into_iter().collect()),
            ..Default::default()
        })
        .collect();
    let endpoints = b
        .endpoints
        .into_iter()
        .map(|(endpoint, (methods, direction))| Endpoint {
            endpoint: Some(endpoint),
            methods: Some(methods.into_iter().collect()),
            direction,
            ..Default::default()
        })
        .collect();
    Container {
        name: Some(name),
        image_id,
        image_tag: image,
        capabilities: Some(b.capabilities.into_iter().collect()),
        syscalls: Some(b.syscalls.into_iter().collect()),
        execs: Some(execs),
        opens: Some(opens),
        endpoints: Some(endpoints),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::strip_tag;

    #[test]
    fn tags_go_registry_ports_stay() {
        assert_eq!(strip_tag("reg.io:5000/app:1.2"), "reg.io:5000/app");
        assert_eq!(strip_tag("redis:7"), "redis");
        assert_eq!(
            strip_tag("docker.io/bitnami/redis"),
            "docker.io/bitnami/redis"
        );
    }
}
