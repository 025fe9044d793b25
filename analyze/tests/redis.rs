//! The real check of the analysis stage: the 31 redis recordings of
//! `../shared/data/bob/profiles/redis/`, labelled from their file names.

use std::path::{Path, PathBuf};

use bob_analyze::generalize::Config;
use bob_analyze::superset;
use bob_analyze::{Session, SessionOptions};
use bob_trace::import::{ImportOptions, import_profiles, name_pattern::NamePattern};

pub fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel)
}

pub fn redis_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(shared("bob/profiles/redis"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("bob-redis-")
        })
        .collect();
    v.sort();
    v
}

pub fn import_redis(dir: &Path) {
    let opts = ImportOptions {
        name_pattern: Some(
            NamePattern::new("bob-redis-{os}-{k8s_distribution}-{k8s_version}.yaml").unwrap(),
        ),
        class: bob_trace::Class::Benign,
        ..Default::default()
    };
    let report = import_profiles(&redis_files(), dir, &opts).unwrap();
    assert_eq!(report.files, 31);
}

fn session(dir: &Path, by: &[&str]) -> Session {
    let o = SessionOptions {
        env_by: by.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    Session::open(dir, &o).unwrap()
}

fn syscalls_of(items: &[&bob_analyze::deviations::Item]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i.kind == "syscall")
        .map(|i| i.item.clone())
        .collect()
}

#[test]
fn union_core_and_what_each_environment_adds() {
    let dir = tempfile::tempdir().unwrap();
    import_redis(dir.path());
    let s = session(dir.path(), &["os", "k8s_distribution", "k8s_version"]);
    let groups = bob_analyze::deviations::compute(&s, true).unwrap();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(
        (g.workload.as_str(), g.container.as_str()),
        ("bob-redis-master", "redis")
    );
    assert_eq!(g.environments.len(), 31);
    let sizes: Vec<_> = g.sizes();
    let syscalls = sizes.iter().find(|(k, _, _)| k == "syscall").unwrap();
    assert_eq!(
        (syscalls.1, syscalls.2),
        (121, 80),
        "syscall union and intersection"
    );
    let caps = sizes.iter().find(|(k, _, _)| k == "capability").unwrap();
    assert_eq!((caps.1, caps.2), (3, 3));

    let diffs = g.per_environment(None);
    let adds = |env: &str| -> Vec<String> {
        let d = diffs
            .iter()
            .find(|d| d.env == env)
            .unwrap_or_else(|| panic!("no env {env}"));
        syscalls_of(&d.adds.iter().collect::<Vec<_>>())
    };
    assert_eq!(adds("ubuntu-22.04 k3s v1.30.0"), Vec::<String>::new());
    assert_eq!(adds("ubuntu-22.04 k3s v1.31.0"), ["tgkill"]);
    assert_eq!(adds("ubuntu-22.04 kind v1.30.0"), ["dup", "mount"]);
    let k3s_132 = adds("ubuntu-24.04 k3s v1.32.0");
    assert_eq!(k3s_132.len(), 32);
    for s in [
        "fsconfig",
        "fsmount",
        "fsopen",
        "open_tree",
        "statx",
        "pivot_root",
    ] {
        assert!(k3s_132.contains(&s.to_string()), "{s}");
    }
    // Every minikube recording adds the same 17 syscalls (its runtime's
    // container setup: pivot_root, mount, the *at family).
    let minikube: Vec<_> = diffs
        .iter()
        .filter(|d| d.env.contains("minikube"))
        .collect();
    assert_eq!(minikube.len(), 11);
    for d in &minikube {
        assert_eq!(
            syscalls_of(&d.adds.iter().collect::<Vec<_>>()).len(),
            17,
            "{}",
            d.env
        );
    }
}

#[test]
fn superset_covers_every_recording_and_is_never_over_broad() {
    let dir = tempfile::tempdir().unwrap();
    import_redis(dir.path());
    let s = session(dir.path(), &["os"]);
    let built = superset::build(superset::collect(&s).unwrap(), &Config::default());
    assert_eq!(built.profiles.len(), 1);
    let ap = &built.profiles[0].1;
    let ours = ap.container("redis").unwrap();
    assert!(
        ours.opens()
            .iter()
            .all(|o| !bob_profile::pattern::is_over_broad(&o.path))
    );
    let report = &built.report[0];
    assert_eq!((report.before.opens, report.after.opens), (127, 37));
    for file in redis_files() {
        let rec = bob_profile::read_file(&file)
            .unwrap()
            .to_application_profile()
            .unwrap();
        let c = rec.container("redis").unwrap();
        for o in c.opens() {
            assert!(
                ours.opens()
                    .iter()
                    .any(|p| bob_profile::pattern::path_matches(
                        &p.path,
                        &o.path,
                        Default::default()
                    ) && o.flags.iter().flatten().all(|f| p
                        .flags
                        .iter()
                        .flatten()
                        .any(|g| g == f))),
                "{}: open {} is not covered",
                file.display(),
                o.path
            );
        }
        for e in c.execs() {
            assert!(
                ours.execs().iter().any(|p| p.path == e.path
                    && bob_profile::pattern::args_match(
                        p.args.as_deref().unwrap_or(&[]),
                        e.args.as_deref().unwrap_or(&[])
                    )),
                "{}: exec {} {:?} is not covered",
                file.display(),
                e.path,
                e.args
            );
        }
        for sc in c.syscalls() {
            assert!(ours.syscalls().contains(sc), "{sc}");
        }
    }
    // Deterministic: the same dataset gives the same bytes.
    let again = superset::build(superset::collect(&s).unwrap(), &Config::default());
    let y = |b: &superset::Superset| {
        bob_profile::to_yaml(&bob_profile::Bob::ApplicationProfile(
            b.profiles[0].1.clone(),
        ))
    };
    assert_eq!(y(&built), y(&again));
}

/// The seed project's `superset-bob.yaml` differs from ours in ways that
/// docs/superset-vs-seed.md explains; this pins each difference.
#[test]
fn differences_from_the_seed_superset() {
    let dir = tempfile::tempdir().unwrap();
    import_redis(dir.path());
    let s = session(dir.path(), &["os"]);
    let built = superset::build(superset::collect(&s).unwrap(), &Config::default());
    let ours = built.profiles[0].1.container("redis").unwrap().clone();
    let seed = bob_profile::read_file(shared("bob/profiles/redis/superset-bob.yaml")).unwrap();
    let seed = seed.to_application_profile().unwrap();
    let seed = seed.container("redis").unwrap();
    let set = |v: &[String]| v.iter().cloned().collect::<std::collections::BTreeSet<_>>();
    let (o, t) = (set(ours.syscalls()), set(seed.syscalls()));
    // 1. The seed lacks two syscalls that recordings show (and that the
    //    shared alert logs report as R0003), and lists three that none of
    //    the 31 recordings shows.
    assert_eq!(
        o.difference(&t).cloned().collect::<Vec<_>>(),
        ["getrusage", "writev"]
    );
    assert_eq!(
        t.difference(&o).cloned().collect::<Vec<_>>(),
        ["mount_setattr", "sethostname", "setrlimit"]
    );
    // 2. The seed keeps one of the two `cp` argv; we keep both.
    let cps =
        |c: &bob_profile::Container| c.execs().iter().filter(|e| e.path == "/usr/bin/cp").count();
    assert_eq!((cps(&ours), cps(seed)), (2, 1));
    // 3. The seed writes each projected-volume open twice, with `*` and
    //    with `⋯`; we write `⋯` only (one segment is all that varies).
    let paths = |c: &bob_profile::Container| {
        c.opens()
            .iter()
            .map(|o| o.path.clone())
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (po, ps) = (paths(&ours), paths(seed));
    assert!(ps.contains("/opt/bitnami/redis/mounted-etc/*/master.conf"));
    assert!(!po.iter().any(|p| p.contains("/*/")));
    assert!(po.contains("/opt/bitnami/redis/mounted-etc/⋯/master.conf"));
    // 4. The seed keeps `/proc/⋯/task/1/fd`; the numeric rewrite makes it
    //    `/proc/⋯/task/⋯/fd`, which every thread id matches.
    assert!(ps.contains("/proc/⋯/task/1/fd") && po.contains("/proc/⋯/task/⋯/fd"));
    // Everything else is the same list.
    let only_seed: Vec<_> = ps.difference(&po).collect();
    let only_ours: Vec<_> = po.difference(&ps).collect();
    assert_eq!(only_seed.len(), 4, "{only_seed:?}");
    assert_eq!(only_ours, ["/proc/⋯/task/⋯/fd"]);
    // 5. The seed carries rulePolicies (R0001 processAllowed); traces do not
    //    say which processes a vendor wants to exempt, so ours has none.
    assert!(seed.rule_policies.is_some() && ours.rule_policies.is_none());
}
