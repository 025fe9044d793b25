//! Why an alert fired: the event it describes, checked against a profile,
//! with the nearest profile entries and the part of each pattern that
//! failed to match.
//!
//! "Nearest" is by shared leading path segments, then edit distance, for
//! paths and execs; by edit distance for syscalls and capabilities; by
//! shared trailing labels for DNS names. The alert is also re-evaluated
//! with the profile, so the answer says whether this profile would raise
//! it at all.

use std::fmt;

use bob_profile::pattern::{DYNAMIC, DYNAMIC_REST, PathMode};
use serde_json::Value;

use crate::candidate::{Candidate, ContainerModel};
use crate::error::ReplayError;
use crate::eval;
use crate::rules::{Rule, Semantics};

/// Nearest entries shown per alert.
const NEAREST: usize = 3;

/// The answer for one alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub rule: String,
    pub container: String,
    /// Whether the profile, evaluated as replay does, raises this rule.
    pub fires: Option<bool>,
    /// The reasons, one sentence each.
    pub lines: Vec<String>,
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.fires {
            Some(true) => "fires with this profile",
            Some(false) => "does not fire with this profile",
            None => "is not evaluated by replay",
        };
        writeln!(
            f,
            "{} in container `{}` {verdict}",
            self.rule, self.container
        )?;
        for l in &self.lines {
            writeln!(f, "  {l}")?;
        }
        Ok(())
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn common_segments(a: &str, b: &str) -> usize {
    a.split('/')
        .zip(b.split('/'))
        .take_while(|(x, y)| x == y || *x == DYNAMIC || *y == DYNAMIC)
        .count()
}

fn nearest<'a>(items: impl Iterator<Item = &'a str>, target: &str, by_path: bool) -> Vec<&'a str> {
    let mut v: Vec<(usize, usize, &str)> = items
        .map(|s| {
            let shared = if by_path {
                common_segments(s, target)
            } else {
                0
            };
            (usize::MAX - shared, edit_distance(s, target), s)
        })
        .collect();
    v.sort();
    v.dedup_by_key(|x| x.2);
    v.into_iter().take(NEAREST).map(|x| x.2).collect()
}

/// Where a path pattern stops matching `path`, as a sentence.
pub fn path_mismatch(pattern: &str, path: &str, mode: PathMode) -> String {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    for (i, seg) in p.iter().enumerate() {
        if *seg == "*" && mode == PathMode::Current {
            return format!(
                "segment {i} is `*`, which accepts the rest but the segments after it do not fit"
            );
        }
        match s.get(i) {
            None => {
                return format!(
                    "the path ends after {} segments, the pattern has {}",
                    s.len() - 1,
                    p.len() - 1
                );
            }
            Some(x) if x == seg || *seg == DYNAMIC => {}
            Some(x) => {
                let star = if *seg == "*" {
                    " (`*` is literal in Kubescape 4.0 mode)"
                } else {
                    ""
                };
                return format!("segment {i} is `{x}`, the pattern wants `{seg}`{star}");
            }
        }
    }
    format!(
        "the path goes on after the pattern's {} segments (`⋯` is exactly one segment)",
        p.len() - 1
    )
}

/// Where an argument pattern stops matching `argv`, as a sentence.
pub fn args_mismatch(pattern: &[String], argv: &[String]) -> String {
    for (i, p) in pattern.iter().enumerate() {
        if p == DYNAMIC_REST {
            return "the pattern accepts these arguments".into();
        }
        match argv.get(i) {
            None => {
                return format!(
                    "argv has {} arguments, the pattern needs at least {}",
                    argv.len(),
                    i + 1
                );
            }
            Some(a) if a == p || p == DYNAMIC => {}
            Some(a) => {
                let star = if p == "*" {
                    " (`*` is a literal asterisk in argv)"
                } else {
                    ""
                };
                return format!("argument {i} is `{a}`, the pattern wants `{p}`{star}");
            }
        }
    }
    format!(
        "argv has {} arguments, the pattern only {}",
        argv.len(),
        pattern.len()
    )
}

/// Explains one alert line against a candidate.
pub fn explain(
    alert: &Value,
    candidate: &Candidate,
    semantics: Semantics,
) -> Result<Explanation, ReplayError> {
    let rule_id = alert["RuleID"]
        .as_str()
        .ok_or_else(|| ReplayError::Alert("no `RuleID`".into()))?;
    let args = &alert["BaseRuntimeMetadata"]["arguments"];
    let k8s = &alert["RuntimeK8sDetails"];
    let tree = &alert["RuntimeProcessDetails"]["processTree"];
    let arg = |k: &str| args[k].as_str().unwrap_or("");
    let container = k8s["containerName"].as_str();
    let workload = k8s["workloadName"].as_str().filter(|w| !w.is_empty());
    let comm = tree["comm"].as_str();
    let mut ex = Explanation {
        rule: rule_id.to_owned(),
        container: container.unwrap_or("").to_owned(),
        fires: None,
        lines: Vec::new(),
    };
    let Some(rule) = Rule::parse(rule_id) else {
        ex.lines.push(format!(
            "{rule_id} is not one of the profile rules replay evaluates (R0001-R0011, R0040)"
        ));
        return Ok(ex);
    };
    let Some(idx) = candidate.container_index(workload, container) else {
        let names: Vec<&str> = candidate
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        ex.fires = Some(false);
        ex.lines.push(format!(
            "the profile has no container `{}` for workload `{}` (it has: {}); \
             a rule that needs a profile does not fire without one",
            ex.container,
            workload.unwrap_or("-"),
            names.join(", ")
        ));
        return Ok(ex);
    };
    let c = &candidate.containers[idx];
    let mode = semantics.path_mode();
    let fired = match rule {
        Rule::R0001 | Rule::R0040 | Rule::R0007
            if args.get("exec").is_some() || args.get("args").is_some() =>
        {
            let argv: Option<Vec<String>> = args["args"].as_array().map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(Into::into))
                    .collect()
            });
            let path = args["exec"].as_str().or(tree["path"].as_str());
            explain_exec(c, path, argv.as_deref(), comm, &mut ex.lines);
            eval::exec(c, path, argv.as_deref(), comm)
        }
        Rule::R0002 | Rule::R0006 | Rule::R0008 | Rule::R0010 => {
            let path = arg("path");
            explain_open(c, rule, path, mode, &mut ex.lines);
            eval::open(c, path, None, semantics)
        }
        Rule::R0003 | Rule::R0009 => {
            let name = if rule == Rule::R0009 {
                "bpf"
            } else {
                arg("syscall")
            };
            explain_set(
                c.process.as_ref().map(|p| &p.syscalls),
                "syscall",
                name,
                &mut ex.lines,
            );
            eval::syscall(c, name, None)
        }
        Rule::R0004 => {
            let cap = bob_profile::capability::normalize(arg("capability"));
            explain_set(
                c.process.as_ref().map(|p| &p.capabilities),
                "capability",
                &cap,
                &mut ex.lines,
            );
            eval::capability(c, &cap)
        }
        Rule::R0005 => {
            explain_dns(c, arg("domain"), &mut ex.lines);
            eval::dns(c, arg("domain"))
        }
        _ => {
            let addr = args["ip"].as_str().or(args["dstIP"].as_str()).unwrap_or("");
            explain_address(c, addr, &mut ex.lines);
            eval::network(c, None, addr, &[])
        }
    };
    let silenced = c.policies.silenced(comm);
    ex.fires = Some(fired.contains(rule) && !silenced.contains(rule));
    if fired.contains(rule) && silenced.contains(rule) {
        ex.lines.push(format!(
            "but `rulePolicies.{rule}` silences it for `{}`",
            comm.unwrap_or("this container")
        ));
    }
    Ok(ex)
}

fn explain_set<S: std::hash::BuildHasher>(
    set: Option<&std::collections::HashSet<String, S>>,
    what: &str,
    name: &str,
    out: &mut Vec<String>,
) {
    let Some(set) = set else {
        out.push("the container has no process behaviour in this profile".into());
        return;
    };
    if set.contains(name) {
        out.push(format!("{what} `{name}` is in the profile"));
        return;
    }
    let mut all: Vec<&str> = set.iter().map(String::as_str).collect();
    all.sort();
    let near = nearest(all.into_iter(), name, false);
    out.push(format!(
        "{what} `{name}` is not among the profile's {} {what}s; nearest: {}",
        set.len(),
        quote(&near)
    ));
}

fn quote(v: &[&str]) -> String {
    if v.is_empty() {
        return "none".into();
    }
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn explain_exec(
    c: &ContainerModel,
    path: Option<&str>,
    argv: Option<&[String]>,
    comm: Option<&str>,
    out: &mut Vec<String>,
) {
    let Some(p) = &c.process else {
        out.push("the container has no process behaviour in this profile".into());
        return;
    };
    let Some(exe) = eval::exec_path(path, argv, comm) else {
        out.push("the alert names no executable".into());
        return;
    };
    match p.execs.get(exe) {
        None => {
            let mut paths: Vec<&str> = p.execs.keys().map(String::as_str).collect();
            paths.sort();
            let near = nearest(paths.into_iter(), exe, true);
            out.push(format!(
                "exec path `{exe}` is not among the profile's exec paths (compared exactly); \
                 nearest: {}",
                quote(&near)
            ));
        }
        Some(entries) => {
            let argv = argv.unwrap_or(&[]);
            out.push(format!(
                "exec path `{exe}` is in the profile with {} argument patterns",
                entries.len()
            ));
            for (n, e) in entries.iter().enumerate() {
                let why = match &e.args {
                    None => "accepts any arguments".to_owned(),
                    Some(a) => format!("[{}]: {}", a.join(", "), args_mismatch(a, argv)),
                };
                out.push(format!("entry {n} {why}"));
            }
        }
    }
}

fn explain_open(c: &ContainerModel, rule: Rule, path: &str, mode: PathMode, out: &mut Vec<String>) {
    let Some(p) = &c.process else {
        out.push("the container has no process behaviour in this profile".into());
        return;
    };
    match rule {
        Rule::R0006 => out.push(format!(
            "no open of the profile ends in `/token` (token read: `{path}`)"
        )),
        Rule::R0008 => out.push(format!(
            "no open of the profile ends in `/environ` (read: `{path}`)"
        )),
        _ => {}
    }
    let all = p
        .opens_exact
        .keys()
        .map(String::as_str)
        .chain(p.opens_wild.iter().map(|(_, e)| e.path.as_str()));
    let mut all: Vec<&str> = all.collect();
    all.sort();
    let near = nearest(all.into_iter(), path, true);
    if near.is_empty() {
        out.push("the profile has no opens".into());
    }
    for n in near {
        if bob_profile::pattern::path_matches(n, path, mode) {
            out.push(format!("open `{n}` matches `{path}`"));
        } else {
            out.push(format!(
                "open `{n}` does not match: {}",
                path_mismatch(n, path, mode)
            ));
        }
    }
}

fn explain_dns(c: &ContainerModel, name: &str, out: &mut Vec<String>) {
    let Some(n) = &c.network else {
        out.push(
            "the container has no network neighbourhood in this profile, so R0005 does not fire"
                .into(),
        );
        return;
    };
    let shared = |p: &str| {
        let (a, b) = (
            bob_profile::pattern::normalize_dns(p),
            bob_profile::pattern::normalize_dns(name),
        );
        a.rsplit('.')
            .zip(b.rsplit('.'))
            .take_while(|(x, y)| x == y)
            .count()
    };
    let mut v: Vec<(std::cmp::Reverse<usize>, &str)> = n
        .dns
        .iter()
        .map(|p| (std::cmp::Reverse(shared(p)), p.as_str()))
        .collect();
    v.sort();
    let near: Vec<&str> = v.into_iter().take(NEAREST).map(|x| x.1).collect();
    out.push(format!(
        "domain `{name}` is not cluster-local and no egress name matches; nearest: {}",
        quote(&near)
    ));
}

fn explain_address(c: &ContainerModel, addr: &str, out: &mut Vec<String>) {
    let Some(n) = &c.network else {
        out.push("the container has no network neighbourhood in this profile".into());
        return;
    };
    let all: Vec<&str> = n
        .addresses
        .iter()
        .chain(&n.exact_addresses)
        .map(String::as_str)
        .collect();
    let near = nearest(all.into_iter(), addr, false);
    out.push(format!(
        "address `{addr}` is in no egress entry; nearest: {}",
        quote(&near)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn mismatches_name_the_place() {
        let m = path_mismatch("/opt/app/⋯/conf", "/opt/app/v1/x/conf", PathMode::Current);
        assert!(m.contains("segment 4"), "{m}");
        let m = path_mismatch("/etc/*", "/etc/x", PathMode::Kubescape40);
        assert!(m.contains("literal"), "{m}");
        let m = args_mismatch(&s(&["sh", "-c", "⋯"]), &s(&["sh", "-x", "id"]));
        assert!(m.contains("argument 1 is `-x`"), "{m}");
        let m = args_mismatch(&s(&["sh", "-c", "⋯"]), &s(&["sh"]));
        assert!(m.contains("at least 2"), "{m}");
        assert_eq!(edit_distance("accept", "accept4"), 1);
    }

    #[test]
    fn explains_a_real_syscall_alert() {
        let line = r#"{"BaseRuntimeMetadata":{"alertName":"Unexpected system call",
            "arguments":{"syscall":"accept4"}},"RuleID":"R0003",
            "RuntimeK8sDetails":{"containerName":"app","workloadName":"web"},
            "RuntimeProcessDetails":{"processTree":{"comm":"redis-server"}}}"#;
        let yaml = concat!(
            "apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1\n",
            "kind: ApplicationProfile\n",
            "metadata: {name: p, labels: {kubescape.io/workload-name: web}}\n",
            "spec:\n  containers:\n  - name: app\n    syscalls: [accept, read]\n"
        );
        let bob = bob_profile::read_str(yaml, std::path::Path::new("p.yaml")).unwrap();
        let c = Candidate::from_documents("p", &[bob]).unwrap();
        let ex = explain(&serde_json::from_str(line).unwrap(), &c, Semantics::Current).unwrap();
        assert_eq!(ex.fires, Some(true));
        assert!(ex.lines[0].contains("nearest: `accept`"), "{ex}");
    }

    #[test]
    fn explains_exec_and_open_alerts() {
        let yaml = concat!(
            "apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1\n",
            "kind: ApplicationProfile\nmetadata: {name: p}\n",
            "spec:\n  containers:\n  - name: app\n",
            "    execs: [{path: /bin/sh, args: [sh, -c, ⋯]}]\n",
            "    opens: [{path: /etc/app/⋯/conf}]\n"
        );
        let bob = bob_profile::read_str(yaml, std::path::Path::new("p.yaml")).unwrap();
        let c = Candidate::from_documents("p", &[bob]).unwrap();
        let exec = r#"{"RuleID":"R0040",
            "BaseRuntimeMetadata":{"arguments":{"exec":"/bin/sh","args":["sh","-x","id"]}},
            "RuntimeK8sDetails":{"containerName":"app"}}"#;
        let ex = explain(&serde_json::from_str(exec).unwrap(), &c, Semantics::Current).unwrap();
        assert_eq!(ex.fires, Some(true));
        assert!(
            ex.lines.iter().any(|l| l.contains("argument 1 is `-x`")),
            "{ex}"
        );
        let open = r#"{"RuleID":"R0002",
            "BaseRuntimeMetadata":{"arguments":{"path":"/etc/app/a/b/conf"}},
            "RuntimeK8sDetails":{"containerName":"app"}}"#;
        let ex = explain(&serde_json::from_str(open).unwrap(), &c, Semantics::Current).unwrap();
        assert_eq!(ex.fires, Some(true));
        assert!(
            ex.lines.iter().any(|l| l.contains("segment 4 is `b`")),
            "{ex}"
        );
        let other = r#"{"RuleID":"R0001","BaseRuntimeMetadata":{"arguments":{"exec":"/bin/nc"}},
            "RuntimeK8sDetails":{"containerName":"db"}}"#;
        let ex = explain(
            &serde_json::from_str(other).unwrap(),
            &c,
            Semantics::Current,
        )
        .unwrap();
        assert_eq!(ex.fires, Some(false));
        assert!(ex.lines[0].contains("no container `db`"), "{ex}");
    }
}
