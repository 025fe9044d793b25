//! Merging learned profiles into one superset, with the superset's rules.
//!
//! The profiles are imported into a temporary dataset and go through the
//! same queries and generalization as `bob superset`, so both commands
//! agree by construction. What traces cannot carry is merged from the
//! documents themselves, as upstream merges replicas: per container name,
//! `processAllowed` lists are unioned and `containerAllowed` is or-ed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bob_profile::{Bob, RulePolicy};
use bob_trace::Class;
use bob_trace::import::{ImportOptions, import_profiles};
use indexmap::IndexMap;

use crate::error::AnalyzeError;
use crate::generalize::Config;
use crate::session::{Session, SessionOptions};
use crate::superset::{self, Behaviour, Superset, Workload};

/// Merges `files` into one profile. Containers merge by name across all
/// inputs; the workload (namespace, kind, name) is the first of the
/// inputs' workloads in sorted order, and its name is `name` if given.
pub fn merge(
    files: &[PathBuf],
    cfg: &Config,
    name: Option<&str>,
) -> Result<Superset, AnalyzeError> {
    let docs: Vec<Bob> = files
        .iter()
        .map(bob_profile::read_file)
        .collect::<Result<_, _>>()?;
    let tmp = tempfile::tempdir().map_err(|e| AnalyzeError::io(std::env::temp_dir(), e))?;
    let opts = ImportOptions {
        class: Class::Benign,
        ..Default::default()
    };
    import_profiles(files, tmp.path(), &opts)?;
    let session = Session::open(tmp.path(), &SessionOptions::default())?;
    let unions = superset::collect(&session)?;
    let Some(first) = unions.keys().next().cloned() else {
        return Err(AnalyzeError::Input(
            "the profiles hold no behaviour to merge".into(),
        ));
    };
    let mut workload = first;
    if let Some(n) = name {
        workload.name = Some(n.to_owned());
    }
    let mut containers: BTreeMap<String, Behaviour> = BTreeMap::new();
    for (_, cs) in unions {
        for (c, b) in cs {
            absorb(containers.entry(c).or_default(), b);
        }
    }
    let mut one = superset::Unions::new();
    one.insert(workload, containers);
    let mut built = superset::build(one, cfg);
    let policies = rule_policies(&docs);
    for (_, ap) in &mut built.profiles {
        for c in ap.spec.containers.iter_mut().flatten() {
            if let Some(p) = c.name.as_ref().and_then(|n| policies.get(n)) {
                c.rule_policies = Some(p.clone());
            }
        }
    }
    Ok(built)
}

fn absorb(into: &mut Behaviour, b: Behaviour) {
    into.syscalls.extend(b.syscalls);
    into.capabilities.extend(b.capabilities);
    for (p, a) in b.execs {
        into.execs.entry(p).or_default().extend(a);
    }
    for (p, f) in b.opens {
        into.opens.entry(p).or_default().extend(f);
    }
    for (p, (m, d)) in b.endpoints {
        let e = into.endpoints.entry(p).or_default();
        e.0.extend(m);
        e.1 = e.1.take().or(d);
    }
    into.images.extend(b.images);
    into.archs.extend(b.archs);
}

/// Rule policies of all documents, merged per container name.
fn rule_policies(docs: &[Bob]) -> BTreeMap<String, IndexMap<String, RulePolicy>> {
    let mut out: BTreeMap<String, BTreeMap<String, RulePolicy>> = BTreeMap::new();
    for ap in docs.iter().filter_map(Bob::to_application_profile) {
        for c in ap.all_containers() {
            let (Some(name), Some(pols)) = (&c.name, &c.rule_policies) else {
                continue;
            };
            let mine = out.entry(name.clone()).or_default();
            for (rule, p) in pols {
                let m = mine.entry(rule.clone()).or_default();
                if let Some(procs) = &p.process_allowed {
                    let list = m.process_allowed.get_or_insert_with(Vec::new);
                    list.extend(procs.iter().cloned());
                    list.sort();
                    list.dedup();
                }
                if let Some(ca) = p.container_allowed {
                    m.container_allowed = Some(m.container_allowed.unwrap_or(false) || ca);
                }
            }
        }
    }
    out.into_iter()
        .map(|(c, m)| (c, m.into_iter().collect()))
        .collect()
}

/// The workload a merge produced (for naming the output).
pub fn workload_of(s: &Superset) -> Option<&Workload> {
    s.profiles.first().map(|(w, _)| w)
}
