//! Step 2 of generalization: directories with too many distinct children
//! collapse, as Kubescape's path analyzer does.
//!
//! The opens form a tree of segments. Walking it from the root, a directory
//! whose children outnumber its threshold has all of them merged into one
//! child `⋯` (the union of their subtrees and flags), so `/d/a/x` and
//! `/d/b/y` become `/d/⋯/x` and `/d/⋯/y`. A threshold of 1 turns the whole
//! subtree into `*`. Children of the root never collapse: `/⋯` would accept
//! almost anything. Last, adjacent `⋯/⋯` in a path become `*`.

use std::collections::{BTreeMap, BTreeSet};

use bob_profile::pattern::{DYNAMIC, is_over_broad};

use super::{Config, Opens, Step, step};

#[derive(Default)]
struct Node {
    children: BTreeMap<String, Node>,
    /// Flags when a path ends here.
    end: Option<BTreeSet<String>>,
    /// Original paths that end in this subtree, for the report.
    count: usize,
}

impl Node {
    fn insert(&mut self, segs: &[&str], flags: &BTreeSet<String>) {
        self.count += 1;
        match segs.split_first() {
            None => self
                .end
                .get_or_insert_with(BTreeSet::new)
                .extend(flags.iter().cloned()),
            Some((s, rest)) => self
                .children
                .entry((*s).to_owned())
                .or_default()
                .insert(rest, flags),
        }
    }

    fn absorb(&mut self, other: Node) {
        self.count += other.count;
        if let Some(f) = other.end {
            self.end.get_or_insert_with(BTreeSet::new).extend(f);
        }
        for (k, v) in other.children {
            self.children.entry(k).or_default().absorb(v);
        }
    }

    /// Every flag of this subtree.
    fn all_flags(&self, out: &mut BTreeSet<String>) {
        out.extend(self.end.iter().flatten().cloned());
        for c in self.children.values() {
            c.all_flags(out);
        }
    }
}

/// Collapses crowded directories of `opens` in place.
pub fn compact(opens: &mut Opens, cfg: &Config) -> Vec<Step> {
    let mut root = Node::default();
    for (path, flags) in opens.iter() {
        let segs: Vec<&str> = path.split('/').collect();
        root.insert(&segs, flags);
    }
    let mut steps = Vec::new();
    collapse(&mut root, &mut Vec::new(), cfg, &mut steps);
    let mut out = Opens::new();
    emit(&root, &mut Vec::new(), &mut out);
    let mut joined = Opens::new();
    for (path, flags) in out {
        let j = join_dynamic(&path);
        if j != path && !is_over_broad(&j) {
            steps.push(step("adjacent-dynamic", "opens", &[path].into(), &j));
            joined.entry(j).or_default().extend(flags);
        } else {
            joined.entry(path).or_default().extend(flags);
        }
    }
    *opens = joined;
    steps
}

fn collapse(node: &mut Node, prefix: &mut Vec<String>, cfg: &Config, steps: &mut Vec<Step>) {
    // prefix = segments so far; [""] is the root directory `/`.
    let dir = if prefix.len() <= 1 {
        "/".to_owned()
    } else {
        prefix.join("/")
    };
    let at_root = prefix.len() <= 1;
    let threshold = cfg.threshold_for(&dir);
    // A collapse whose result would be over-broad (`//⋯` from doubled
    // slashes, say) is not made.
    let broad = is_over_broad(&format!("{dir}/{DYNAMIC}"));
    if !at_root && !broad && node.children.len() > threshold {
        let names: BTreeSet<String> = node.children.keys().map(|k| format!("{dir}/{k}")).collect();
        let children = std::mem::take(&mut node.children);
        // A `*` child already accepts everything below: merged into `⋯`
        // it would accept only one segment.
        if threshold <= 1 || children.contains_key("*") {
            let mut flags = BTreeSet::new();
            let mut all = Node::default();
            for (_, c) in children {
                c.all_flags(&mut flags);
                all.count += c.count;
            }
            all.end = Some(flags);
            node.children.insert("*".to_owned(), all);
            steps.push(step("collapse", "opens", &names, &format!("{dir}/*")));
            return;
        }
        let mut merged = Node::default();
        for (_, c) in children {
            merged.absorb(c);
        }
        node.children.insert(DYNAMIC.to_owned(), merged);
        steps.push(step(
            "collapse",
            "opens",
            &names,
            &format!("{dir}/{DYNAMIC}"),
        ));
    }
    for (name, child) in node.children.iter_mut() {
        prefix.push(name.clone());
        collapse(child, prefix, cfg, steps);
        prefix.pop();
    }
}

fn emit(node: &Node, prefix: &mut Vec<String>, out: &mut Opens) {
    if let Some(flags) = &node.end {
        out.entry(prefix.join("/"))
            .or_default()
            .extend(flags.iter().cloned());
    }
    for (name, child) in &node.children {
        prefix.push(name.clone());
        emit(child, prefix, out);
        prefix.pop();
    }
}

/// `a/⋯/⋯/b` becomes `a/*/b`.
fn join_dynamic(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for s in path.split('/') {
        match (out.last().copied(), s) {
            (Some(DYNAMIC), DYNAMIC) | (Some("*"), DYNAMIC) => {
                *out.last_mut().expect("non-empty") = "*";
            }
            _ => out.push(s),
        }
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opens(paths: &[String]) -> Opens {
        paths
            .iter()
            .map(|p| (p.clone(), ["O_RDONLY".to_string()].into()))
            .collect()
    }

    #[test]
    fn crowded_directory_collapses() {
        let paths: Vec<String> = (0..60)
            .map(|i| format!("/var/cache/app/f{i}/data"))
            .collect();
        let mut o = opens(&paths);
        o.insert("/etc/passwd".into(), ["O_RDONLY".to_string()].into());
        let steps = compact(&mut o, &Config::default());
        assert_eq!(
            o.keys().collect::<Vec<_>>(),
            ["/etc/passwd", "/var/cache/app/⋯/data"]
        );
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].from_count, 60);
    }

    #[test]
    fn below_threshold_stays() {
        let paths: Vec<String> = (0..50).map(|i| format!("/data/f{i}")).collect();
        let mut o = opens(&paths);
        assert!(compact(&mut o, &Config::default()).is_empty());
        assert_eq!(o.len(), 50);
    }

    #[test]
    fn etc_has_a_higher_threshold_and_root_never_collapses() {
        let mut paths: Vec<String> = (0..80).map(|i| format!("/etc/f{i}")).collect();
        paths.extend((0..80).map(|i| format!("/top{i}")));
        let mut o = opens(&paths);
        compact(&mut o, &Config::default());
        assert_eq!(o.len(), 160);
    }

    #[test]
    fn a_glob_child_survives_a_collapse() {
        let mut paths: Vec<String> = (0..60).map(|i| format!("/var/cache/app/f{i}")).collect();
        paths.push("/var/cache/app/*".into());
        let mut o = opens(&paths);
        compact(&mut o, &Config::default());
        assert_eq!(o.keys().collect::<Vec<_>>(), ["/var/cache/app/*"]);
        assert!(bob_profile::pattern::path_matches(
            o.keys().next().unwrap(),
            "/var/cache/app/a/b",
            Default::default()
        ));
    }

    #[test]
    fn doubled_slashes_do_not_make_an_over_broad_entry() {
        let paths: Vec<String> = (0..60).map(|i| format!("//a{i}")).collect();
        let mut o = opens(&paths);
        compact(&mut o, &Config::default());
        assert!(
            o.keys().all(|p| !is_over_broad(p)),
            "{:?}",
            o.keys().take(3).collect::<Vec<_>>()
        );
    }

    #[test]
    fn threshold_one_is_a_glob_and_dynamic_pairs_join() {
        let mut cfg = Config::default();
        cfg.prefix_thresholds.push(("/tmp/x".into(), 1));
        let mut o = opens(&["/tmp/x/a/1".into(), "/tmp/x/b".into()]);
        compact(&mut o, &cfg);
        assert_eq!(o.keys().collect::<Vec<_>>(), ["/tmp/x/*"]);
        assert_eq!(join_dynamic("/a/⋯/⋯/b"), "/a/*/b");
        assert_eq!(join_dynamic("/proc/⋯/task/⋯/fd"), "/proc/⋯/task/⋯/fd");
    }
}
