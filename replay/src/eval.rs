//! The conditions of each rule (SEMANTICS.md §3 and the CEL expressions of
//! Kubescape's rule library), as pure functions of one event and one
//! container of a candidate.
//!
//! Each function returns the rules that fire before `rulePolicies`; the
//! caller removes the silenced ones with [`Policies::silenced`]. The scan
//! calls these once per distinct value of a column, not once per row.
//!
//! Where a trace lacks what a rule reads, the rule is decided as follows,
//! and every choice costs recall rather than precision:
//! - R0009 needs the `bpf` command (`BPF_PROG_LOAD`). Captures write it in
//!   a `bpf` row's `argv`; a row without one (an imported profile, a trace
//!   from before captures recorded it) counts as a program load.
//! - R0040 needs the argv; an exec row without argv gets no R0040.
//! - R0007's network half needs the API server's address, which traces do
//!   not record: it is given with `--api-server`, else that half is off.
//! - R0011 does not look at the protocol: a connection of another protocol
//!   than TCP or UDP (rare in captures) counts as well.
//! - R0005 compares names with and without the trailing dot, since traces
//!   do not all keep it (the CEL rule sees only dotted names).
//!
//! [`Policies::silenced`]: crate::candidate::Policies::silenced

use bob_profile::pattern::{args_match, dns_matches, ip_matches, is_private, path_matches};

use crate::candidate::{ContainerModel, NetworkModel, ProcessModel};
use crate::rules::{Rule, RuleSet, Semantics};

/// How rules are evaluated.
#[derive(Debug, Clone, Default)]
pub struct EvalOptions {
    pub semantics: Semantics,
    /// The rules that are evaluated at all; every rule when `None`.
    pub rules: Option<RuleSet>,
    /// Addresses of the Kubernetes API server, for R0007's network half.
    pub api_servers: Vec<String>,
}

impl EvalOptions {
    /// The rules that are switched on.
    pub fn enabled(&self) -> RuleSet {
        self.rules.unwrap_or(RuleSet::ALL)
    }
}

/// The service-account token directories that R0002 skips and R0006 watches.
const TOKEN_DIRS: [&str; 4] = [
    "/run/secrets/kubernetes.io/serviceaccount",
    "/var/run/secrets/kubernetes.io/serviceaccount",
    "/run/secrets/eks.amazonaws.com/serviceaccount",
    "/var/run/secrets/eks.amazonaws.com/serviceaccount",
];

/// The directories R0002 watches in the current rules.
const WATCHED_PREFIXES: [&str; 10] = [
    "/etc/",
    "/var/log/",
    "/var/run/",
    "/run/",
    "/var/spool/cron/",
    "/var/www/",
    "/var/lib/",
    "/opt/",
    "/usr/local/",
    "/app/",
];

/// The executable path node-agent compares: the exec path when known, else
/// argv[0], else comm (busybox applets thus resolve to `/bin/busybox` when
/// the kernel reports that path).
pub fn exec_path<'a>(
    path: Option<&'a str>,
    argv: Option<&'a [String]>,
    comm: Option<&'a str>,
) -> Option<&'a str> {
    let nonempty = |s: &&str| !s.is_empty();
    path.filter(nonempty)
        .or_else(|| {
            argv.and_then(|a| a.first())
                .map(String::as_str)
                .filter(nonempty)
        })
        .or_else(|| comm.filter(nonempty))
}

/// R0001, R0040 and R0007 (exec) for one exec.
pub fn exec(
    c: &ContainerModel,
    path: Option<&str>,
    argv: Option<&[String]>,
    comm: Option<&str>,
) -> RuleSet {
    let mut out = RuleSet::EMPTY;
    let Some(p) = &c.process else { return out };
    let Some(exe) = exec_path(path, argv, comm) else {
        return out;
    };
    match p.execs.get(exe) {
        None => {
            out.insert(Rule::R0001);
            if comm == Some("kubectl") || exe.ends_with("/kubectl") {
                out.insert(Rule::R0007);
            }
        }
        Some(entries) => {
            let accepted = |argv: &[String]| {
                entries
                    .iter()
                    .any(|e| e.args.as_deref().is_none_or(|a| args_match(a, argv)))
            };
            if argv.is_some_and(|a| !accepted(a)) {
                out.insert(Rule::R0040);
            }
        }
    }
    out
}

/// Whether the profile has an open that accepts `path` (and, when `flags`
/// is given, whose flags include every one of them).
pub fn was_path_opened(
    p: &ProcessModel,
    path: &str,
    flags: Option<&[String]>,
    semantics: Semantics,
) -> bool {
    let flags_ok = |entry_flags: &[String]| {
        flags.is_none_or(|f| f.iter().all(|x| entry_flags.iter().any(|e| e == x)))
    };
    if p.opens_exact
        .get(path)
        .is_some_and(|es| es.iter().any(|e| flags_ok(&e.flags)))
    {
        return true;
    }
    let mode = semantics.path_mode();
    p.opens_wild.iter().any(|(prefix, e)| {
        path.starts_with(prefix.as_str()) && path_matches(&e.path, path, mode) && flags_ok(&e.flags)
    })
}

fn in_token_dir(path: &str) -> bool {
    TOKEN_DIRS.iter().any(|d| path.starts_with(d))
}

/// Whether R0002 looks at `path` at all in `semantics`.
pub fn r0002_watches(path: &str, semantics: Semantics) -> bool {
    // The CEL rule skips only the two kubernetes.io token directories, not
    // the EKS ones that R0006 also watches.
    let excluded = TOKEN_DIRS[..2].iter().any(|d| path.starts_with(d)) || path.starts_with("/tmp");
    if semantics == Semantics::GoRules {
        return !excluded && !path.starts_with("/proc/") && path != "/proc";
    }
    let watched = watched_prefix(path) || path == "/.dockerenv" || path == "/proc/self/environ";
    watched && !excluded
}

/// Whether `path` starts with one of [`WATCHED_PREFIXES`]. Most opened
/// paths are under none of them (`/proc`, `/usr/lib`, `/dev`): the first
/// segment decides that with one comparison instead of ten.
fn watched_prefix(path: &str) -> bool {
    let first = path.as_bytes().get(1..4).unwrap_or(&[]);
    if !matches!(first, b"etc" | b"var" | b"run" | b"opt" | b"usr" | b"app") {
        return false;
    }
    WATCHED_PREFIXES.iter().any(|d| path.starts_with(d))
}

/// R0002, R0006, R0008 and R0010 for one open. `flags` matter only to the
/// Go rules' R0002.
pub fn open(
    c: &ContainerModel,
    path: &str,
    flags: Option<&[String]>,
    semantics: Semantics,
) -> RuleSet {
    let mut out = RuleSet::EMPTY;
    let Some(p) = &c.process else { return out };
    if r0002_watches(path, semantics) {
        let flags = if semantics == Semantics::GoRules {
            flags
        } else {
            None
        };
        if !was_path_opened(p, path, flags, semantics) {
            out.insert(Rule::R0002);
        }
    }
    if is_token(path) && !p.opens_token {
        out.insert(Rule::R0006);
    }
    if is_environ(path) && !p.opens_environ {
        out.insert(Rule::R0008);
    }
    if is_shadow(path) && !was_path_opened(p, path, None, semantics) {
        out.insert(Rule::R0010);
    }
    out
}

/// A service-account token file (R0006).
fn is_token(path: &str) -> bool {
    path.ends_with("/token") && in_token_dir(path)
}

/// A process environment file (R0008).
fn is_environ(path: &str) -> bool {
    path.starts_with("/proc/") && path.ends_with("/environ")
}

/// The shadow password file, or a file beside it named after it (R0010).
fn is_shadow(path: &str) -> bool {
    path.starts_with("/etc/shadow")
}

/// Whether no rule looks at an open of `path`, whatever the profile: then
/// [`open`] finds nothing in any container and callers may skip it. Most
/// opened paths (libraries, `/proc`, `/dev`) are such.
pub fn open_is_quiet(path: &str, semantics: Semantics) -> bool {
    // Under /proc (most opens) only environment files are looked at, in
    // every semantics: one test instead of the eight below.
    if path.starts_with("/proc/") {
        return !path.ends_with("/environ");
    }
    !r0002_watches(path, semantics) && !is_token(path) && !is_environ(path) && !is_shadow(path)
}

/// R0003 and R0009 for one syscall. `bpf_command` is the `bpf` command
/// when the row carries it.
pub fn syscall(c: &ContainerModel, name: &str, bpf_command: Option<&str>) -> RuleSet {
    let mut out = RuleSet::EMPTY;
    let Some(p) = &c.process else { return out };
    if !p.syscalls.contains(name) {
        out.insert(Rule::R0003);
        if name == "bpf" && bpf_loads(bpf_command) {
            out.insert(Rule::R0009);
        }
    }
    out
}

/// Whether a `bpf` call with `command` (unknown: `None`) loads a program,
/// which is what R0009 looks for (`event.cmd == 5`).
pub fn bpf_loads(command: Option<&str>) -> bool {
    command.is_none_or(|cmd| cmd == "BPF_PROG_LOAD" || cmd == "5")
}

/// R0004 for one capability check.
pub fn capability(c: &ContainerModel, name: &str) -> RuleSet {
    let Some(p) = &c.process else {
        return RuleSet::EMPTY;
    };
    if p.capabilities
        .contains(&bob_profile::capability::normalize(name))
    {
        RuleSet::EMPTY
    } else {
        RuleSet::of(Rule::R0004)
    }
}

/// Whether a DNS name is in the egress names.
pub fn domain_in_egress(n: &NetworkModel, name: &str) -> bool {
    n.dns.iter().any(|p| dns_matches(p, name))
}

/// R0005 for one DNS query.
pub fn dns(c: &ContainerModel, name: &str) -> RuleSet {
    let Some(n) = &c.network else {
        return RuleSet::EMPTY;
    };
    let cluster_local = name.trim_end_matches('.').ends_with(".svc.cluster.local");
    if cluster_local || domain_in_egress(n, name) {
        RuleSet::EMPTY
    } else {
        RuleSet::of(Rule::R0005)
    }
}

/// Whether an address is in the egress addresses.
pub fn address_in_egress(n: &NetworkModel, addr: &str) -> bool {
    n.addresses.iter().any(|p| ip_matches(p, addr)) || n.exact_addresses.iter().any(|a| a == addr)
}

/// R0011 and R0007 (network) for one connection. Only outgoing traffic
/// counts; a row without a direction is taken as outgoing.
pub fn network(
    c: &ContainerModel,
    direction: Option<&str>,
    addr: &str,
    api_servers: &[String],
) -> RuleSet {
    let mut out = RuleSet::EMPTY;
    let Some(n) = &c.network else { return out };
    if direction.is_some_and(|d| d != "outbound") || addr.is_empty() {
        return out;
    }
    let allowed = address_in_egress(n, addr);
    if !allowed && !is_private(addr) {
        out.insert(Rule::R0011);
    }
    if !allowed && api_servers.iter().any(|a| ip_matches(a, addr)) {
        out.insert(Rule::R0007);
    }
    out
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod tests;
