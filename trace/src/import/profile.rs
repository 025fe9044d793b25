//! Learned Kubescape profiles to trace rows, one row per profile entry.
//!
//! Every entry becomes a row of its kind: an exec (path, argv), an open
//! (path, flags), a syscall, a capability, an HTTP endpoint; egress and
//! ingress neighbours become network rows (one per address and port) and
//! DNS rows (one per name). `rulePolicies`, seccomp profiles and call stacks
//! are policy, not observed behaviour, and are not imported. Profile entries
//! carry no process or time, so those columns stay empty (the document's
//! `creationTimestamp` is used as the time when present).

use std::path::Path;
use std::sync::Arc;

use bob_profile::{Bob, Container, NetworkNeighbor};

use crate::env::Environment;
use crate::event::{Class, ContainerRef, Event, Kind};
use crate::time::parse_rfc3339;

/// Where the rows of one document go, and with which labels.
pub struct ProfileRows<'a> {
    pub env: Arc<Environment>,
    pub class: Class,
    pub run: &'a str,
    pub scenario: &'a str,
}

/// The rows of one BoB document.
pub fn rows(bob: &Bob, ctx: &ProfileRows<'_>) -> Vec<Event> {
    let meta = bob.metadata();
    let time = meta
        .extra
        .get("creationTimestamp")
        .and_then(|v| v.as_str())
        .and_then(parse_rfc3339);
    let base = |kind: Kind, c: &ContainerRef| {
        let mut e = Event::new(kind, ctx.env.clone());
        e.first_seen = time;
        e.last_seen = time;
        e.container = c.clone();
        e.class = ctx.class;
        e.run = Some(ctx.run.to_owned());
        e.scenario = Some(ctx.scenario.to_owned());
        e
    };
    let workload = |name: Option<&str>, image: Option<&str>, digest: Option<&str>| ContainerRef {
        namespace: meta.namespace.clone(),
        workload_kind: meta.label("kubescape.io/workload-kind").map(Into::into),
        workload_name: meta.label("kubescape.io/workload-name").map(Into::into),
        name: name.map(Into::into),
        image: image.map(Into::into),
        image_digest: digest.and_then(digest_of),
        ..Default::default()
    };
    let mut out = Vec::new();
    match bob {
        Bob::NetworkNeighborhood(nn) => {
            for c in nn.all_containers() {
                let cref = workload(c.name.as_deref(), None, None);
                network_rows(&mut out, &c.ingress, "inbound", &|k| base(k, &cref));
                network_rows(&mut out, &c.egress, "outbound", &|k| base(k, &cref));
            }
        }
        Bob::ContainerProfile(cp) => {
            let name = cp.container_name();
            let c = &cp.spec.container;
            let cref = workload(Some(&name), c.image_tag.as_deref(), c.image_id.as_deref());
            container_rows(&mut out, c, &|k| base(k, &cref));
            network_rows(&mut out, &cp.spec.ingress, "inbound", &|k| base(k, &cref));
            network_rows(&mut out, &cp.spec.egress, "outbound", &|k| base(k, &cref));
        }
        Bob::ApplicationProfile(ap) => {
            for c in ap.all_containers() {
                let cref = workload(
                    c.name.as_deref(),
                    c.image_tag.as_deref(),
                    c.image_id.as_deref(),
                );
                container_rows(&mut out, c, &|k| base(k, &cref));
            }
        }
    }
    out
}

/// The `sha256:...` part of an image reference, if it has one.
fn digest_of(image: &str) -> Option<String> {
    image
        .split_once('@')
        .map(|(_, d)| d.to_owned())
        .or_else(|| image.starts_with("sha256:").then(|| image.to_owned()))
}

fn container_rows(out: &mut Vec<Event>, c: &Container, base: &dyn Fn(Kind) -> Event) {
    for x in c.execs() {
        let mut e = base(Kind::Exec);
        e.path = Some(x.path.clone());
        e.process.exe = Some(x.path.clone());
        e.process.comm = Some(comm_of(&x.path));
        // `argsRequired: false` accepts any argv: the entry says nothing
        // about the arguments, so the row carries none.
        e.argv = if x.args_required == Some(false) {
            None
        } else {
            x.args.clone()
        };
        out.push(e);
    }
    for o in c.opens() {
        let mut e = base(Kind::Open);
        e.path = Some(o.path.clone());
        e.flags = o.flags.clone();
        out.push(e);
    }
    for s in c.syscalls() {
        let mut e = base(Kind::Syscall);
        e.syscall = Some(s.clone());
        out.push(e);
    }
    for cap in c.capabilities() {
        let mut e = base(Kind::Capability);
        e.capability = Some(bob_profile::capability::normalize(cap));
        e.ret = Some(0);
        out.push(e);
    }
    for ep in c.endpoints() {
        let mut e = base(Kind::Http);
        e.path = ep.endpoint.clone();
        e.flags = ep.methods.clone();
        e.direction = ep.direction.clone();
        out.push(e);
    }
}

fn network_rows(
    out: &mut Vec<Event>,
    neighbors: &Option<Vec<NetworkNeighbor>>,
    direction: &str,
    base: &dyn Fn(Kind) -> Event,
) {
    for n in neighbors.iter().flatten() {
        let names = n.dns_names.iter().flatten().chain(n.dns.iter());
        for name in names {
            let mut e = base(Kind::Dns);
            e.domain = Some(name.clone());
            e.direction = Some(direction.to_owned());
            out.push(e);
        }
        let addrs: Vec<Option<&String>> = {
            let v: Vec<_> = n
                .ip_addresses
                .iter()
                .flatten()
                .chain(n.ip_address.iter())
                .map(Some)
                .collect();
            if v.is_empty() { vec![None] } else { v }
        };
        let ports: Vec<_> = match n.ports.as_deref() {
            Some(p) if !p.is_empty() => p.iter().map(Some).collect(),
            _ => vec![None],
        };
        for addr in &addrs {
            for port in &ports {
                if addr.is_none() && port.is_none() {
                    continue;
                }
                let mut e = base(Kind::Network);
                e.direction = Some(direction.to_owned());
                e.remote_addr = addr.cloned();
                e.protocol = port
                    .and_then(|p| p.protocol.as_ref())
                    .map(|p| p.to_ascii_lowercase());
                e.remote_port = port
                    .and_then(|p| p.port)
                    .and_then(|p| u16::try_from(p).ok());
                out.push(e);
            }
        }
    }
}

/// The process name a path would have: its last component, cut to the 15
/// bytes the kernel keeps in `comm`.
pub fn comm_of(path: &str) -> String {
    let base = Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path);
    let mut end = base.len().min(15);
    while !base.is_char_boundary(end) {
        end -= 1;
    }
    base[..end].to_owned()
}
