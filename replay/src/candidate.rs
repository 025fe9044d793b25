//! A candidate BoB compiled for evaluation: per container, the sets and
//! patterns the rules look things up in.
//!
//! A candidate is one file, or several joined with commas
//! (`app.yaml,network.yaml`) when the process behaviour and the network
//! neighbourhood live in separate documents, as Kubescape stores them.
//! Containers of the files merge by name. A container without process
//! behaviour (only a NetworkNeighborhood) gets no verdict from the process
//! rules, and one without a network part none from R0005, R0007's network
//! half and R0011: a rule that needs a profile does not fire without one.

use std::collections::{HashMap, HashSet};

use crate::fxhash::FxBuild;
use std::path::Path;

use bob_profile::{Bob, Container, NetworkNeighbor};

use crate::error::ReplayError;
use crate::rules::{Rule, RuleSet};

/// One exec entry: `None` args accept any argv (`argsRequired: false` or
/// no args recorded).
#[derive(Debug, Clone)]
pub struct ExecEntry {
    pub args: Option<Vec<String>>,
}

/// One open entry.
#[derive(Debug, Clone)]
pub struct OpenEntry {
    pub path: String,
    pub flags: Vec<String>,
}

/// What a container's process behaviour allows.
#[derive(Debug, Clone, Default)]
pub struct ProcessModel {
    pub syscalls: HashSet<String, FxBuild>,
    /// Capabilities without the `CAP_` prefix, upper case.
    pub capabilities: HashSet<String, FxBuild>,
    /// Exec entries by path.
    pub execs: HashMap<String, Vec<ExecEntry>, FxBuild>,
    /// Opens without wildcards, by path.
    pub opens_exact: HashMap<String, Vec<OpenEntry>, FxBuild>,
    /// Opens whose path holds `⋯` or `*`, with the literal text before
    /// their first wildcard: a path that does not start with it cannot
    /// match, which saves the segment-wise comparison.
    pub opens_wild: Vec<(String, OpenEntry)>,
    /// Whether some open ends in `/token` (R0006).
    pub opens_token: bool,
    /// Whether some open ends in `/environ` (R0008).
    pub opens_environ: bool,
}

/// What a container's egress allows.
#[derive(Debug, Clone, Default)]
pub struct NetworkModel {
    /// `dnsNames` and deprecated `dns` patterns.
    pub dns: Vec<String>,
    /// `ipAddresses` entries: literal, CIDR or `*`.
    pub addresses: Vec<String>,
    /// Deprecated `ipAddress` values, compared exactly.
    pub exact_addresses: Vec<String>,
}

/// The rules a `rulePolicies` entry silences.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    /// Rules silenced for the whole container (`containerAllowed: true`).
    pub container: RuleSet,
    /// Rules silenced per process name (`processAllowed`).
    pub process: HashMap<String, RuleSet>,
}

impl Policies {
    /// The rules silenced for a process named `comm`.
    pub fn silenced(&self, comm: Option<&str>) -> RuleSet {
        let by_comm = comm
            .and_then(|c| self.process.get(c))
            .copied()
            .unwrap_or_default();
        RuleSet(self.container.0 | by_comm.0)
    }
}

/// One container of a candidate.
#[derive(Debug, Clone, Default)]
pub struct ContainerModel {
    pub name: String,
    /// `kubescape.io/workload-name` of its document, if set.
    pub workload: Option<String>,
    /// `metadata.name` of its document, if set.
    pub profile: Option<String>,
    pub process: Option<ProcessModel>,
    pub network: Option<NetworkModel>,
    pub policies: Policies,
    /// The document it came from, for `explain`.
    pub source: Option<Container>,
}

/// A candidate BoB, ready for evaluation.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// How reports name it: the argument it was loaded from.
    pub name: String,
    /// Every `kubescape.io/workload-name` of its documents.
    pub workloads: Vec<String>,
    pub containers: Vec<ContainerModel>,
}

impl Candidate {
    /// Loads a candidate from one file or several joined with commas.
    pub fn load(spec: &str) -> Result<Candidate, ReplayError> {
        let mut docs = Vec::new();
        for file in spec.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let bob = bob_profile::read_file(Path::new(file)).map_err(|source| {
                ReplayError::Candidate {
                    candidate: spec.to_owned(),
                    source,
                }
            })?;
            docs.push(bob);
        }
        Candidate::from_documents(spec, &docs)
    }

    /// Compiles documents already read into one candidate named `name`.
    pub fn from_documents(name: &str, docs: &[Bob]) -> Result<Candidate, ReplayError> {
        let mut c = Candidate {
            name: name.to_owned(),
            workloads: Vec::new(),
            containers: Vec::new(),
        };
        for bob in docs {
            let profile = bob.metadata().name.clone();
            let wl = bob
                .metadata()
                .label("kubescape.io/workload-name")
                .map(str::to_owned);
            if let Some(w) = wl.as_ref().filter(|w| !c.workloads.contains(w)) {
                c.workloads.push(w.clone());
            }
            match bob {
                Bob::ApplicationProfile(ap) => {
                    for k in ap.all_containers() {
                        c.add_process(&wl, &profile, k.name.as_deref().unwrap_or(""), k);
                    }
                }
                Bob::ContainerProfile(cp) => {
                    let name = cp.container_name();
                    c.add_process(&wl, &profile, &name, &cp.spec.container);
                    c.add_network(&wl, &profile, &name, cp.spec.egress.as_deref());
                }
                Bob::NetworkNeighborhood(nn) => {
                    for k in nn.all_containers() {
                        let name = k.name.as_deref().unwrap_or("");
                        c.add_network(&wl, &profile, name, k.egress.as_deref());
                    }
                }
            }
        }
        if c.containers.is_empty() {
            return Err(ReplayError::EmptyCandidate {
                candidate: name.to_owned(),
                message: "the profile has no containers, expected at least one".into(),
            });
        }
        Ok(c)
    }

    fn entry(
        &mut self,
        workload: &Option<String>,
        profile: &Option<String>,
        name: &str,
    ) -> &mut ContainerModel {
        let found = self
            .containers
            .iter()
            .position(|c| c.name == name && &c.workload == workload);
        let i = match found {
            Some(i) => i,
            None => {
                let model = ContainerModel {
                    name: name.to_owned(),
                    workload: workload.clone(),
                    profile: profile.clone(),
                    ..Default::default()
                };
                self.containers.push(model);
                self.containers.len() - 1
            }
        };
        &mut self.containers[i]
    }

    fn add_process(
        &mut self,
        workload: &Option<String>,
        profile: &Option<String>,
        name: &str,
        k: &Container,
    ) {
        let model = self.entry(workload, profile, name);
        let p = model.process.get_or_insert_with(ProcessModel::default);
        p.syscalls.extend(k.syscalls().iter().cloned());
        p.capabilities.extend(
            k.capabilities()
                .iter()
                .map(|c| bob_profile::capability::normalize(c)),
        );
        for x in k.execs() {
            let args = if x.args_required == Some(false) {
                None
            } else {
                x.args.clone()
            };
            p.execs
                .entry(x.path.clone())
                .or_default()
                .push(ExecEntry { args });
        }
        for o in k.opens() {
            let entry = OpenEntry {
                path: o.path.clone(),
                flags: o.flags.clone().unwrap_or_default(),
            };
            p.opens_token |= o.path.ends_with("/token");
            p.opens_environ |= o.path.ends_with("/environ");
            if o.path.contains(bob_profile::pattern::DYNAMIC) || o.path.contains('*') {
                p.opens_wild.push((literal_prefix(&o.path), entry));
            } else {
                p.opens_exact.entry(o.path.clone()).or_default().push(entry);
            }
        }
        for (id, policy) in k.rule_policies.iter().flatten() {
            let Some(rule) = Rule::parse(id) else {
                continue;
            };
            if policy.container_allowed == Some(true) {
                model.policies.container.insert(rule);
            }
            for comm in policy.process_allowed.iter().flatten() {
                model
                    .policies
                    .process
                    .entry(comm.clone())
                    .or_default()
                    .insert(rule);
            }
        }
        model.source = Some(k.clone());
    }

    fn add_network(
        &mut self,
        workload: &Option<String>,
        profile: &Option<String>,
        name: &str,
        egress: Option<&[NetworkNeighbor]>,
    ) {
        let n = self
            .entry(workload, profile, name)
            .network
            .get_or_insert_with(NetworkModel::default);
        for peer in egress.unwrap_or(&[]) {
            n.dns.extend(peer.dns_names.iter().flatten().cloned());
            n.dns.extend(peer.dns.iter().cloned());
            n.addresses
                .extend(peer.ip_addresses.iter().flatten().cloned());
            n.exact_addresses.extend(peer.ip_address.iter().cloned());
        }
    }

    /// The container that applies to a row of `workload` naming
    /// `container`: the one of that name (and workload, where both are
    /// set), or, for a row without a container name, the only container
    /// of its workload.
    pub fn container_index(
        &self,
        workload: Option<&str>,
        container: Option<&str>,
    ) -> Option<usize> {
        let same_workload = |c: &ContainerModel| match (c.workload.as_deref(), workload) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => true,
        };
        match container {
            Some(name) => self
                .containers
                .iter()
                .position(|c| c.name == name && same_workload(c)),
            None => {
                let mut of_workload = self
                    .containers
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| same_workload(c));
                match (of_workload.next(), of_workload.next()) {
                    (Some((i, _)), None) => Some(i),
                    _ => None,
                }
            }
        }
    }

    /// How reports print the candidate: its name, shortened to the first
    /// file and a count when it is a list of files.
    pub fn display_name(&self) -> String {
        display_name(&self.name)
    }

    /// Whether the candidate applies to a row of `workload`: always when
    /// either side has no workload name, else when one of its documents
    /// is for that workload.
    pub fn covers_workload(&self, workload: Option<&str>) -> bool {
        match workload {
            Some(w) if !self.workloads.is_empty() => self.workloads.iter().any(|m| m == w),
            _ => true,
        }
    }
}

/// The part of a path pattern before its first wildcard segment, up to
/// and including the `/` that precedes it. A lone `*` has none.
fn literal_prefix(pattern: &str) -> String {
    let mut end = 0;
    for seg in pattern.split_inclusive('/') {
        let name = seg.trim_end_matches('/');
        if name == "*" || name.contains(bob_profile::pattern::DYNAMIC) {
            break;
        }
        end += seg.len();
    }
    pattern[..end].to_owned()
}

/// `a.yaml,b.yaml,c.yaml` as `a.yaml (+2 files)`.
pub fn display_name(spec: &str) -> String {
    let files: Vec<&str> = spec.split(',').filter(|f| !f.trim().is_empty()).collect();
    match files.as_slice() {
        [first, _, ..] => format!("{first} (+{} files)", files.len() - 1),
        _ => spec.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AP: &str = r#"
apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1
kind: ApplicationProfile
metadata:
  name: p
  labels: {kubescape.io/workload-name: web}
spec:
  containers:
  - name: app
    syscalls: [read]
    capabilities: [CAP_NET_ADMIN]
    execs: [{path: /bin/sh, args: [sh]}]
    opens: [{path: /etc/passwd, flags: [O_RDONLY]}, {path: /proc/⋯/stat}]
    rulePolicies:
      R0003: {processAllowed: [curl]}
      R0001: {containerAllowed: true}
"#;

    #[test]
    fn compiles_a_profile() {
        let bob = bob_profile::read_str(AP, Path::new("p.yaml")).unwrap();
        let c = Candidate::from_documents("p.yaml", &[bob]).unwrap();
        assert_eq!(c.workloads, ["web"]);
        let k = &c.containers[0];
        let p = k.process.as_ref().unwrap();
        assert!(p.capabilities.contains("NET_ADMIN"));
        assert_eq!((p.opens_exact.len(), p.opens_wild.len()), (1, 1));
        assert!(k.network.is_none());
        assert!(k.policies.silenced(Some("curl")).contains(Rule::R0003));
        assert!(k.policies.silenced(None).contains(Rule::R0001));
        assert_eq!(c.container_index(None, None), Some(0));
        assert_eq!(c.container_index(Some("web"), Some("app")), Some(0));
        assert_eq!(c.container_index(Some("db"), Some("app")), None);
        assert_eq!(c.container_index(None, Some("other")), None);
        assert!(c.covers_workload(Some("web")) && !c.covers_workload(Some("db")));
        assert!(c.covers_workload(None));
        assert_eq!(literal_prefix("/proc/⋯/stat"), "/proc/");
        assert_eq!(literal_prefix("/etc/a/*"), "/etc/a/");
        assert_eq!(literal_prefix("*"), "");
    }

    #[test]
    fn a_broken_candidate_names_itself() {
        let e = Candidate::load("/nonexistent/x.yaml").unwrap_err();
        assert!(
            e.to_string().contains("candidate `/nonexistent/x.yaml`"),
            "{e}"
        );
    }
}
