//! Step 3 of generalization: the argv of one executable.
//!
//! Per executable path, while more distinct argv remain than the
//! threshold: argv of equal length that differ in the same positions merge
//! into one with `⋯` there (never in argv[0]); if that is not enough, all of
//! them become their longest common prefix (at least argv[0]) and `⋯⋯`.

use std::collections::BTreeSet;

use bob_profile::pattern::{DYNAMIC, DYNAMIC_REST};

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
        // Same length: positions that vary become `⋯`.
        let mut by_len: std::collections::BTreeMap<usize, Vec<Vec<String>>> = Default::default();
        for a in literal {
            by_len.entry(a.len()).or_default().push(a);
        }
        let mut merged = Vec::new();
        for (_, group) in by_len {
            if group.len() < 2 {
                merged.extend(group);
                continue;
            }
            let len = group[0].len();
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
            steps.push(step("argv-position", &scope, &from, &pattern.join(" ")));
            merged.push(pattern);
        }
        merged.sort();
        merged.dedup();
        if merged.len() > threshold {
            let prefix = common_prefix(&merged);
            let mut pattern = prefix.to_vec();
            pattern.push(DYNAMIC_REST.to_owned());
            let from: BTreeSet<String> = merged.iter().map(|a| a.join(" ")).collect();
            steps.push(step("argv-rest", &scope, &from, &pattern.join(" ")));
            merged = vec![pattern];
        }
        out.extend(merged.into_iter().map(Some));
        *argvs = out;
    }
    steps
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
    use bob_profile::pattern::args_match;

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
