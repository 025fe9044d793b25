//! Step 3 of generalization: the argv of one executable.
//!
//! Per executable path, while more distinct argv remain than the
//! threshold: argv of equal length that differ in the same positions merge
//! into one with `⋯` there (never in argv[0]); if that is not enough, all of
//! them become their longest common prefix (at least argv[0]) and `⋯⋯`.

use std::collections::{BTreeMap, BTreeSet};

use bob_profile::pattern::{DYNAMIC, DYNAMIC_REST, args_match};

use super::{Execs, Step, step};

/// Generalizes every executable's argv set in place.
pub fn generalize_execs(execs: &mut Execs, threshold: usize) -> Vec<Step> {
    let mut steps = Vec::new();
    for (path, argvs) in execs.iter_mut() {
        let literal: Vec<Vec<String>> = argvs.iter().flatten().cloned().collect();
        if literal.len() <= threshold {
            continue;
        }
        let scope = format!("execs {path}");
        let mut out: BTreeSet<Option<Vec<String>>> =
            argvs.iter().filter(|a| a.is_none()).cloned().collect();
        // Entries that already end in `⋯⋯` (from a merged profile) stay as
        // they are, and the argv they cover need no entry of their own.
        let (rest, plain): (Vec<_>, Vec<_>) = literal
            .into_iter()
            .partition(|a| a.iter().any(|x| x == DYNAMIC_REST));
        let plain: Vec<Vec<String>> = plain
            .into_iter()
            .filter(|a| !rest.iter().any(|r| args_match(r, a)))
            .collect();
        out.extend(rest.into_iter().map(Some));
        // Never across programs: one executable path can run several
        // (busybox applets are told apart by argv[0]).
        let mut by_program: BTreeMap<Option<String>, Vec<Vec<String>>> = BTreeMap::new();
        for a in plain {
            by_program.entry(a.first().cloned()).or_default().push(a);
        }
        for (_, group) in by_program {
            if group.len() <= threshold {
                out.extend(group.into_iter().map(Some));
                continue;
            }
            let merged = merge_positions(group, &scope, &mut steps);
            if merged.len() > threshold {
                let prefix = common_prefix(&merged);
                let mut pattern = prefix.to_vec();
                pattern.push(DYNAMIC_REST.to_owned());
                let from: BTreeSet<String> = merged.iter().map(|a| a.join(" ")).collect();
                steps.push(step("argv-rest", &scope, &from, &pattern.join(" ")));
                out.insert(Some(pattern));
            } else {
                out.extend(merged.into_iter().map(Some));
            }
        }
        *argvs = out;
    }
    steps
}

/// Argv of one program and one length that differ in some positions become
/// one entry with `⋯` there (argv[0] is the same in all of them).
fn merge_positions(
    group: Vec<Vec<String>>,
    scope: &str,
    steps: &mut Vec<Step>,
) -> Vec<Vec<String>> {
    let mut by_len: BTreeMap<usize, Vec<Vec<String>>> = BTreeMap::new();
    for a in group {
        by_len.entry(a.len()).or_default().push(a);
    }
    let mut merged = Vec::new();
    for (len, group) in by_len {
        if group.len() < 2 || len == 0 {
            merged.extend(group);
            continue;
        }
        let pattern: Vec<String> = (0..len)
            .map(|i| {
                let first = &group[0][i];
                if i > 0 && group.iter().any(|a| &a[i] != first) {
                    DYNAMIC.to_owned()
                } else {
                    first.clone()
                }
            })
            .collect();
        let from: BTreeSet<String> = group.iter().map(|a| a.join(" ")).collect();
        steps.push(step("argv-position", scope, &from, &pattern.join(" ")));
        merged.push(pattern);
    }
    merged.sort();
    merged.dedup();
    merged
}

fn common_prefix(argvs: &[Vec<String>]) -> &[String] {
    let first = &argvs[0];
    let mut n = first.len();
    for a in &argvs[1..] {
        n = n.min(first.iter().zip(a).take_while(|(x, y)| x == y).count());
    }
    &first[..n.max(1).min(first.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn varying_positions_become_dynamic() {
        let mut e = Execs::new();
        let set: BTreeSet<_> = (1..=5)
            .map(|i| Some(v(&format!("ping -c 1 10.0.0.{i}"))))
            .collect();
        e.insert("/bin/ping".into(), set);
        let steps = generalize_execs(&mut e, 3);
        assert_eq!(e["/bin/ping"], [Some(v("ping -c 1 ⋯"))].into());
        assert_eq!(steps[0].from_count, 5);
    }

    #[test]
    fn many_shapes_share_a_prefix() {
        let mut e = Execs::new();
        let set: BTreeSet<_> = ["sh -c a", "sh -c b c", "sh -c d e f", "sh -c g h i j"]
            .iter()
            .map(|s| Some(v(s)))
            .collect();
        e.insert("/bin/sh".into(), set.clone());
        generalize_execs(&mut e, 3);
        let got: Vec<_> = e["/bin/sh"].iter().cloned().collect();
        assert_eq!(got, vec![Some(v("sh -c ⋯⋯"))]);
        for a in set.into_iter().flatten() {
            assert!(
                args_match(got[0].as_ref().unwrap(), &a),
                "{a:?} still matches"
            );
        }
    }

    #[test]
    fn programs_of_one_path_never_merge() {
        let mut e = Execs::new();
        let set: BTreeSet<_> = ["cat /etc/x", "ls /tmp", "rm /tmp/y", "sed -n p"]
            .iter()
            .map(|s| Some(v(s)))
            .collect();
        e.insert("/bin/busybox".into(), set.clone());
        generalize_execs(&mut e, 3);
        assert_eq!(e["/bin/busybox"], set, "each applet keeps its own entry");
    }

    #[test]
    fn existing_rest_patterns_are_kept_and_cover_their_argv() {
        let mut e = Execs::new();
        let set: BTreeSet<_> = [
            "redis-server ⋯⋯",
            "redis-server --port 1",
            "redis-server a b",
            "redis-server c d",
            "redis-server e f",
        ]
        .iter()
        .map(|s| Some(v(s)))
        .collect();
        e.insert("/usr/bin/redis-server".into(), set);
        generalize_execs(&mut e, 3);
        let got = &e["/usr/bin/redis-server"];
        assert!(got.contains(&Some(v("redis-server ⋯⋯"))), "{got:?}");
        for a in ["redis-server", "redis-server --port 1", "redis-server a b"] {
            assert!(
                got.iter().flatten().any(|p| args_match(p, &v(a))),
                "{a} still matches"
            );
        }
    }

    #[test]
    fn few_variants_stay_literal() {
        let mut e = Execs::new();
        e.insert(
            "/bin/cp".into(),
            [Some(v("cp a b")), Some(v("cp c d"))].into(),
        );
        assert!(generalize_execs(&mut e, 3).is_empty());
        assert_eq!(e["/bin/cp"].len(), 2);
    }
}
