//! Step 1 of generalization: segments that differ between clusters by
//! construction become `⋯`.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use bob_profile::pattern::{DYNAMIC, is_over_broad};
use regex::Regex;

use super::{Execs, Opens, Step, step};

struct Rule {
    name: &'static str,
    regex: Regex,
    /// Whether an argv element matching it becomes `⋯` too.
    in_argv: bool,
}

fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let r = |name, re: &str, in_argv| Rule {
            name,
            regex: Regex::new(re).expect("valid"),
            in_argv,
        };
        vec![
            r(
                "projected-volume",
                r"^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$",
                true,
            ),
            r(
                "pod-uid",
                concat!(
                    r"^(kubepods-([a-z]+-)?)?pod",
                    r"[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}",
                    r"(\.slice)?$"
                ),
                true,
            ),
            r(
                "container-id",
                r"^((cri-containerd|docker|crio|libpod)-)?[0-9a-f]{64}(\.scope)?$",
                true,
            ),
            r(
                "uuid",
                r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                true,
            ),
            r("hex-run", r"[0-9a-fA-F]{32,}", true),
            r("numeric", r"^\d+$", false),
            // Versioned directories (`/etc/php/8.2/`, `/usr/lib/python3/dist-packages/..`
            // is not one): distributions differ by exactly these.
            r("version", r"^\d+(\.\d+)+$", false),
        ]
    })
}

/// The rule a path segment falls under, if any.
pub fn segment_rule(segment: &str) -> Option<&'static str> {
    rules()
        .iter()
        .find(|r| r.regex.is_match(segment))
        .map(|r| r.name)
}

/// A path with its volatile segments replaced, and the first rule used.
/// Returns the path unchanged if the result would be over-broad.
pub fn rewrite_path(path: &str) -> (String, Option<&'static str>) {
    let mut used = None;
    let segs: Vec<&str> = path
        .split('/')
        .map(|s| match segment_rule(s) {
            Some(rule) => {
                used.get_or_insert(rule);
                DYNAMIC
            }
            None => s,
        })
        .collect();
    let out = segs.join("/");
    if used.is_none() || is_over_broad(&out) {
        return (path.to_owned(), None);
    }
    (out, used)
}

/// Whether one argument is volatile (a rewritten path segment or a whole
/// argument of that form): such arguments become `⋯`.
pub fn volatile_arg(arg: &str) -> Option<&'static str> {
    // An argument with spaces is a command line of its own (`sh -c "..."`):
    // making it `⋯` would accept any command.
    if arg.contains(char::is_whitespace) {
        return None;
    }
    let whole = rules()
        .iter()
        .find(|r| r.in_argv && r.regex.is_match(arg))
        .map(|r| r.name);
    whole.or_else(|| {
        arg.split('/').find_map(|s| {
            rules()
                .iter()
                .find(|r| r.in_argv && r.name != "hex-run" && r.regex.is_match(s))
                .map(|r| r.name)
        })
    })
}

/// Rewrites every open path; flags of paths that become equal are unioned.
pub fn rewrite_opens(opens: &mut Opens) -> Vec<Step> {
    let mut out = Opens::new();
    let mut merged: std::collections::BTreeMap<(String, &'static str), BTreeSet<String>> =
        Default::default();
    for (path, flags) in std::mem::take(opens) {
        let (to, rule) = rewrite_path(&path);
        if let Some(rule) = rule {
            merged.entry((to.clone(), rule)).or_default().insert(path);
        }
        out.entry(to).or_default().extend(flags);
    }
    *opens = out;
    merged
        .iter()
        .map(|((to, rule), from)| step(rule, "opens", from, to))
        .collect()
}

/// Replaces volatile arguments of every exec with `⋯` (argv[0] is kept).
pub fn rewrite_execs(execs: &mut Execs) -> Vec<Step> {
    let mut steps = Vec::new();
    for (path, argvs) in execs.iter_mut() {
        let mut merged: std::collections::BTreeMap<(String, &'static str), BTreeSet<String>> =
            Default::default();
        let mut out = BTreeSet::new();
        for argv in std::mem::take(argvs) {
            let Some(args) = argv else {
                out.insert(None);
                continue;
            };
            let mut rule = None;
            let new: Vec<String> = args
                .iter()
                .enumerate()
                .map(|(i, a)| match (i, volatile_arg(a)) {
                    (0, _) | (_, None) => a.clone(),
                    (_, Some(r)) => {
                        rule.get_or_insert(r);
                        DYNAMIC.to_owned()
                    }
                })
                .collect();
            if let Some(r) = rule {
                merged
                    .entry((new.join(" "), r))
                    .or_default()
                    .insert(args.join(" "));
            }
            out.insert(Some(new));
        }
        *argvs = out;
        let scope = format!("execs {path}");
        steps.extend(
            merged
                .iter()
                .map(|((to, r), from)| step(r, &scope, from, to)),
        );
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volatile_segments_become_dynamic() {
        let cases = [
            ("/proc/1234/stat", "/proc/⋯/stat"),
            (
                "/opt/redis/mounted-etc/..2025_08_11_19_41_03.4177600516/master.conf",
                "/opt/redis/mounted-etc/⋯/master.conf",
            ),
            (
                concat!(
                    "/sys/fs/cgroup/kubepods.slice/",
                    "kubepods-besteffort-pod12345678_1234_1234_1234_123456789abc.slice/",
                    "cri-containerd-",
                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                    ".scope/cpu.max"
                ),
                "/sys/fs/cgroup/kubepods.slice/⋯/⋯/cpu.max",
            ),
            (
                "/var/lib/kubelet/pods/0f6b1c2e-1d2b-4c3d-9e8f-0123456789ab/volumes",
                "/var/lib/kubelet/pods/⋯/volumes",
            ),
            (
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
                "/usr/lib/x86_64-linux-gnu/libc.so.6",
            ),
            ("/etc/passwd", "/etc/passwd"),
            ("/etc/php/8.4/cli/php.ini", "/etc/php/⋯/cli/php.ini"),
            (
                "/usr/lib/x86_64-linux-gnu/libssl.so.3",
                "/usr/lib/x86_64-linux-gnu/libssl.so.3",
            ),
        ];
        for (from, to) in cases {
            assert_eq!(rewrite_path(from).0, to, "{from}");
        }
    }

    #[test]
    fn never_over_broad() {
        // `/1234` would become `/⋯`, which accepts almost anything.
        assert_eq!(rewrite_path("/1234"), ("/1234".to_owned(), None));
        assert_eq!(rewrite_path("/123/456").0, "/123/456");
    }

    #[test]
    fn ports_stay_literal_in_argv() {
        assert_eq!(volatile_arg("6379"), None);
        assert_eq!(
            volatile_arg("/etc/..2025_08_11_19_41_03.1/x.conf"),
            Some("projected-volume")
        );
        assert_eq!(
            volatile_arg("0123456789abcdef0123456789abcdef"),
            Some("hex-run")
        );
        assert_eq!(volatile_arg("echo 0123456789abcdef0123456789abcdef"), None);
        assert_eq!(
            segment_rule("kubepods-pod12345678_1234_1234_1234_123456789abc.slice"),
            Some("pod-uid")
        );
    }

    #[test]
    fn flags_of_merged_paths_are_unioned() {
        let mut opens = Opens::new();
        opens.insert("/proc/1/stat".into(), ["O_RDONLY".to_string()].into());
        opens.insert("/proc/2/stat".into(), ["O_CLOEXEC".to_string()].into());
        let steps = rewrite_opens(&mut opens);
        assert_eq!(opens.len(), 1);
        assert_eq!(opens["/proc/⋯/stat"].len(), 2);
        assert_eq!(steps.len(), 1);
        assert_eq!(
            (steps[0].rule.as_str(), steps[0].from_count),
            ("numeric", 2)
        );
    }
}
