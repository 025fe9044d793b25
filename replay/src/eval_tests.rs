//! Table-driven tests of every rule condition of SEMANTICS.md §3; the
//! wildcards themselves are tested in `bob-profile`.

use std::path::Path;

use super::*;
use crate::candidate::Candidate;

const PROFILE: &str = r#"
apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1
kind: ContainerProfile
metadata:
  name: app
spec:
  syscalls: [read, write, openat]
  capabilities: [NET_BIND_SERVICE, CAP_CHOWN]
  execs:
  - {path: /bin/sh, args: [sh, -c, ⋯]}
  - {path: /usr/bin/redis-server, args: [redis-server, ⋯⋯]}
  - {path: /usr/bin/env, argsRequired: false, args: [env, x]}
  - {path: /bin/busybox, args: [ls, "*"]}
  opens:
  - {path: /etc/passwd, flags: [O_RDONLY, O_CLOEXEC]}
  - {path: /etc/ssl/*, flags: [O_RDONLY]}
  - {path: /opt/app/⋯/conf, flags: [O_RDONLY]}
  - {path: /proc/⋯/stat, flags: [O_RDONLY]}
  egress:
  - dnsNames: [api.example.com., "*.cdn.example.net"]
    ipAddresses: [203.0.113.0/24]
  - ipAddress: 198.51.100.7
"#;

fn model() -> ContainerModel {
    let bob = bob_profile::read_str(PROFILE, Path::new("t.yaml")).unwrap();
    Candidate::from_documents("t", &[bob])
        .unwrap()
        .containers
        .remove(0)
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn set(ids: &str) -> RuleSet {
    RuleSet::parse(ids).unwrap()
}

#[test]
fn exec_table() {
    let c = model();
    // (path, argv, comm, rules that fire)
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a [&'a str]>,
        Option<&'a str>,
        &'a str,
    );
    let cases: &[Case] = &[
        (Some("/bin/sh"), Some(&["sh", "-c", "id"]), Some("sh"), ""),
        (Some("/bin/sh"), Some(&["sh", "-c"]), Some("sh"), "R0040"),
        (
            Some("/bin/sh"),
            Some(&["sh", "-x", "id"]),
            Some("sh"),
            "R0040",
        ),
        (Some("/bin/bash"), Some(&["bash"]), Some("bash"), "R0001"),
        (
            Some("/usr/bin/redis-server"),
            Some(&["redis-server"]),
            None,
            "",
        ),
        (
            Some("/usr/bin/redis-server"),
            Some(&["redis-server", "--port", "1"]),
            None,
            "",
        ),
        (
            Some("/usr/bin/env"),
            Some(&["env", "anything", "else"]),
            None,
            "",
        ),
        // `*` in argv is literal.
        (
            Some("/bin/busybox"),
            Some(&["ls", "-l"]),
            Some("ls"),
            "R0040",
        ),
        (Some("/bin/busybox"), Some(&["ls", "*"]), Some("ls"), ""),
        // No argv: R0040 cannot be judged.
        (Some("/bin/sh"), None, Some("sh"), ""),
        // Path unknown: argv[0], then comm.
        (None, Some(&["/bin/sh", "-c", "x"]), Some("sh"), "R0040"),
        (None, None, Some("/bin/sh"), ""),
        (None, None, Some("nc"), "R0001"),
        (None, None, None, ""),
        (
            Some("/usr/local/bin/kubectl"),
            Some(&["kubectl", "get"]),
            Some("kubectl"),
            "R0001,R0007",
        ),
        (Some("/tmp/k"), Some(&["k"]), Some("kubectl"), "R0001,R0007"),
    ];
    for &(path, argv, comm, want) in cases {
        let argv = argv.map(strs);
        let got = exec(&c, path, argv.as_deref(), comm);
        assert_eq!(got, set(want), "{path:?} {argv:?} {comm:?}");
    }
}

#[test]
fn quiet_opens_raise_nothing_in_any_profile() {
    let c = model();
    let empty = Candidate::from_documents(
        "e",
        &[bob_profile::read_str(
            "apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1\n\
             kind: ContainerProfile\nmetadata: {name: e}\nspec: {syscalls: [read]}\n",
            Path::new("e.yaml"),
        )
        .unwrap()],
    )
    .unwrap()
    .containers
    .remove(0);
    let paths = [
        "/usr/lib/libc.so.6",
        "/proc/1/stat",
        "/proc/1/environ",
        "/proc/self/environ",
        "/dev/null",
        "/etc/passwd",
        "/etc/shadow",
        "/etc/shadow-",
        "/tmp/x",
        "/var/run/secrets/kubernetes.io/serviceaccount/token",
        "/run/secrets/eks.amazonaws.com/serviceaccount/token",
        "/opt/app/v1/conf",
        "/.dockerenv",
        "/home/u/.bashrc",
        "/proc/environ",
        "/proc/1/task/2/environ",
        "/proc/self/environment",
        "/proc",
    ];
    let mut quiet = 0;
    for semantics in [
        Semantics::Current,
        Semantics::Kubescape40,
        Semantics::GoRules,
    ] {
        for path in paths {
            if open_is_quiet(path, semantics) {
                quiet += 1;
                for m in [&c, &empty] {
                    assert_eq!(
                        open(m, path, None, semantics),
                        RuleSet::EMPTY,
                        "{path} {semantics:?}"
                    );
                }
            } else {
                // Not quiet: some profile (the empty one) makes it alert.
                assert_ne!(
                    open(&empty, path, None, semantics),
                    RuleSet::EMPTY,
                    "{path} {semantics:?}"
                );
            }
        }
    }
    assert!(quiet >= 9, "{quiet}");
}

#[test]
fn open_table() {
    use Semantics::*;
    let c = model();
    let cases: &[(&str, Option<&[&str]>, Semantics, &str)] = &[
        ("/etc/passwd", None, Current, ""),
        ("/etc/group", None, Current, "R0002"),
        ("/etc/ssl/certs/ca.pem", None, Current, ""),
        ("/etc/ssl/certs/ca.pem", None, Kubescape40, "R0002"),
        ("/opt/app/v1/conf", None, Kubescape40, ""),
        ("/opt/app/v1/x/conf", None, Current, "R0002"),
        ("/var/log/app.log", None, Current, "R0002"),
        ("/var/run/x.pid", None, Current, "R0002"),
        ("/run/x.pid", None, Current, "R0002"),
        ("/var/spool/cron/root", None, Current, "R0002"),
        ("/var/www/index.html", None, Current, "R0002"),
        ("/var/lib/dpkg/status", None, Current, "R0002"),
        ("/usr/local/lib/x.so", None, Current, "R0002"),
        ("/app/main.py", None, Current, "R0002"),
        ("/.dockerenv", None, Current, "R0002"),
        ("/proc/self/environ", None, Current, "R0002,R0008"),
        // Not watched by the current R0002.
        ("/usr/lib/libc.so.6", None, Current, ""),
        ("/data/dump.rdb", None, Current, ""),
        ("/tmp/x", None, Current, ""),
        ("/etc", None, Current, ""),
        // The Go rules watch everything but /proc, token dirs and /tmp ...
        ("/usr/lib/libc.so.6", None, GoRules, "R0002"),
        ("/proc/1/stat", None, GoRules, ""),
        ("/tmp/x", None, GoRules, ""),
        // ... and compare flags.
        ("/etc/passwd", Some(&["O_RDONLY"]), GoRules, ""),
        ("/etc/passwd", Some(&["O_RDONLY", "O_CLOEXEC"]), GoRules, ""),
        ("/etc/passwd", Some(&["O_WRONLY"]), GoRules, "R0002"),
        ("/etc/passwd", Some(&["O_WRONLY"]), Current, ""),
        ("/etc/ssl/a", Some(&["O_RDWR"]), GoRules, "R0002"),
        // R0006: token reads, and the token dirs are not R0002's business.
        (
            "/var/run/secrets/kubernetes.io/serviceaccount/token",
            None,
            Current,
            "R0006",
        ),
        (
            "/run/secrets/kubernetes.io/serviceaccount/..data/token",
            None,
            Current,
            "R0006",
        ),
        (
            "/run/secrets/eks.amazonaws.com/serviceaccount/token",
            None,
            Current,
            "R0002,R0006",
        ),
        (
            "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
            None,
            Current,
            "",
        ),
        // R0008: environ of any process.
        ("/proc/1/environ", None, Current, "R0008"),
        ("/proc/1/stat", None, Current, ""),
        // R0010: /etc/shadow and its siblings, also R0002.
        ("/etc/shadow", None, Current, "R0002,R0010"),
        ("/etc/shadow-", None, Current, "R0002,R0010"),
        ("/etc/shadow", None, GoRules, "R0002,R0010"),
    ];
    for &(path, flags, sem, want) in cases {
        let flags = flags.map(strs);
        assert_eq!(
            open(&c, path, flags.as_deref(), sem),
            set(want),
            "{path} {flags:?} {sem:?}"
        );
    }
}

#[test]
fn suffix_rules_are_silenced_by_any_matching_open() {
    let mut c = model();
    let p = c.process.as_mut().unwrap();
    p.opens_token = true;
    p.opens_environ = true;
    let token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    assert_eq!(open(&c, token, None, Semantics::Current), RuleSet::EMPTY);
    assert_eq!(
        open(&c, "/proc/9/environ", None, Semantics::Current),
        RuleSet::EMPTY
    );
}

#[test]
fn syscall_capability_table() {
    let c = model();
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("read", None, ""),
        ("ptrace", None, "R0003"),
        ("bpf", None, "R0003,R0009"),
        ("bpf", Some("BPF_PROG_LOAD"), "R0003,R0009"),
        ("bpf", Some("BPF_MAP_CREATE"), "R0003"),
    ];
    for &(name, cmd, want) in cases {
        assert_eq!(syscall(&c, name, cmd), set(want), "{name} {cmd:?}");
    }
    for (cap, want) in [
        ("NET_BIND_SERVICE", ""),
        ("CAP_NET_BIND_SERVICE", ""),
        ("chown", ""),
        ("SYS_ADMIN", "R0004"),
    ] {
        assert_eq!(capability(&c, cap), set(want), "{cap}");
    }
}

#[test]
fn network_table() {
    let c = model();
    let dns_cases = [
        ("api.example.com", ""),
        ("API.example.com.", ""),
        ("x.cdn.example.net", ""),
        ("x.y.cdn.example.net", "R0005"),
        ("redis.bob.svc.cluster.local.", ""),
        ("redis.bob.svc.cluster.local", ""),
        ("evil.example.org", "R0005"),
    ];
    for (name, want) in dns_cases {
        assert_eq!(dns(&c, name), set(want), "{name}");
    }
    let api = vec!["10.96.0.1".to_owned()];
    let net_cases: &[(Option<&str>, &str, &str)] = &[
        (Some("outbound"), "203.0.113.9", ""),
        (Some("outbound"), "198.51.100.7", ""),
        (Some("outbound"), "198.51.100.8", "R0011"),
        (Some("outbound"), "8.8.8.8", "R0011"),
        (None, "8.8.8.8", "R0011"),
        (Some("inbound"), "8.8.8.8", ""),
        (Some("outbound"), "10.1.2.3", ""),
        (Some("outbound"), "10.96.0.1", "R0007"),
        (Some("outbound"), "", ""),
    ];
    for &(dir, addr, want) in net_cases {
        assert_eq!(network(&c, dir, addr, &api), set(want), "{dir:?} {addr}");
    }
}

#[test]
fn rules_need_their_part_of_the_profile() {
    let mut c = model();
    c.network = None;
    assert_eq!(dns(&c, "evil.example.org"), RuleSet::EMPTY);
    assert_eq!(network(&c, None, "8.8.8.8", &[]), RuleSet::EMPTY);
    c.process = None;
    assert_eq!(syscall(&c, "ptrace", None), RuleSet::EMPTY);
    assert_eq!(exec(&c, Some("/bin/nc"), None, None), RuleSet::EMPTY);
    assert_eq!(
        open(&c, "/etc/shadow", None, Semantics::Current),
        RuleSet::EMPTY
    );
    assert_eq!(capability(&c, "SYS_ADMIN"), RuleSet::EMPTY);
}

#[test]
fn policies_silence_by_comm_and_container() {
    let yaml = r#"
apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1
kind: ApplicationProfile
metadata: {name: p}
spec:
  containers:
  - name: a
    syscalls: [read]
    rulePolicies:
      R0003: {processAllowed: [redis-cli]}
      R0001: {containerAllowed: true}
      R0002: {containerAllowed: false, processAllowed: []}
"#;
    let bob = bob_profile::read_str(yaml, Path::new("p.yaml")).unwrap();
    let c = Candidate::from_documents("p", &[bob]).unwrap();
    let pol = &c.containers[0].policies;
    assert_eq!(pol.silenced(Some("redis-cli")), set("R0001,R0003"));
    assert_eq!(pol.silenced(Some("redis-server")), set("R0001"));
    assert_eq!(pol.silenced(None), set("R0001"));
}
