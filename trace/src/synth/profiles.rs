//! Profiles matching synthetic traces: one ContainerProfile per workload.

use std::path::{Path, PathBuf};

use bob_profile::{
    Bob, Container, ContainerProfile, ContainerProfileSpec, Exec, NetworkNeighbor, ObjectMeta, Open,
};

use super::SynthOptions;
use super::model::{kept, workloads};
use crate::error::TraceError;

/// Writes one ContainerProfile per workload to `dir` (`<workload>.yaml`):
/// every syscall, open, exec, capability, name and peer of its vocabulary
/// but the rarest 3%, `/proc/<pid>` as `/proc/⋯` and config-map
/// directories as `⋯`. Environment-specific syscalls are not included.
pub fn write_profiles(dir: &Path, opts: &SynthOptions) -> Result<Vec<PathBuf>, TraceError> {
    std::fs::create_dir_all(dir).map_err(|e| TraceError::io(dir, e))?;
    let mut out = Vec::new();
    for wl in workloads(opts) {
        let top = |v: &[String]| v[..kept(v.len())].to_vec();
        let mut opens: Vec<String> = top(&wl.opens)
            .into_iter()
            .map(|p| {
                p.replace("{pid}", bob_profile::pattern::DYNAMIC)
                    .replace("{cm}", bob_profile::pattern::DYNAMIC)
            })
            .collect();
        opens.sort();
        opens.dedup();
        let container = Container {
            name: Some(wl.name.clone()),
            image_tag: Some(wl.image.clone()),
            syscalls: Some(top(&wl.syscalls)),
            capabilities: Some(wl.caps.clone()),
            execs: Some(
                wl.execs
                    .iter()
                    .map(|(p, a)| Exec {
                        path: p.clone(),
                        args: Some(a.clone()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            opens: Some(
                opens
                    .into_iter()
                    .map(|p| Open {
                        path: p,
                        flags: Some(vec!["O_RDONLY".into(), "O_CLOEXEC".into(), "O_RDWR".into()]),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        let egress = vec![NetworkNeighbor {
            identifier: Some(format!("{}-egress", wl.name)),
            kind: Some("external".into()),
            dns_names: Some(wl.domains.iter().map(|d| format!("{d}.")).collect()),
            ip_addresses: Some(wl.peers.clone()),
            ..Default::default()
        }];
        let mut metadata = ObjectMeta {
            name: Some(wl.name.clone()),
            namespace: Some("synth".into()),
            ..Default::default()
        };
        metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("kubescape.io/workload-name".to_owned(), wl.name.clone());
        let cp = ContainerProfile {
            api_version: bob_profile::API_VERSION.into(),
            kind: "ContainerProfile".into(),
            metadata,
            spec: ContainerProfileSpec {
                architectures: Some(vec!["amd64".into()]),
                egress: Some(egress),
                container,
                ..Default::default()
            },
            extra: Default::default(),
        };
        let path = dir.join(format!("{}.yaml", wl.name));
        bob_profile::write_file(&path, &Bob::ContainerProfile(cp), bob_profile::Format::Yaml)?;
        out.push(path);
    }
    Ok(out)
}
