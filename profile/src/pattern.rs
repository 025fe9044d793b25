//! The wildcard rules of BoB entries (SEMANTICS.md §2).
//!
//! `⋯` (U+22EF, one code point) is the only token that means "dynamic" in
//! paths and argv. In paths a `*` segment is a glob too, except in the
//! Kubescape 4.0 compatibility mode, which knew only `⋯`. In argv `*` is
//! always a literal asterisk.

use std::net::IpAddr;

/// One dynamic segment of a path, or one dynamic argument.
pub const DYNAMIC: &str = "⋯";
/// Zero or more arguments, from this position to the end of argv.
pub const DYNAMIC_REST: &str = "⋯⋯";

/// Which generation of Kubescape's path matching to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PathMode {
    /// Current: `⋯` is one segment, `*` in the middle zero or more, a
    /// trailing `*` one or more, a lone `*` everything.
    #[default]
    Current,
    /// Kubescape 4.0 (March 2026): only `⋯`; `*` is a literal segment.
    Kubescape40,
}

/// Whether an open `pattern` from a profile accepts `path`.
pub fn path_matches(pattern: &str, path: &str, mode: PathMode) -> bool {
    if pattern.is_empty() {
        return false;
    }
    if pattern == path {
        return true;
    }
    if mode == PathMode::Current && pattern == "*" {
        return true;
    }
    if !pattern.contains(DYNAMIC) && (mode == PathMode::Kubescape40 || !pattern.contains('*')) {
        return false;
    }
    // Empty segments (`//`, a trailing `/`) are no segments: `/etc/` is the
    // directory `/etc`, which `/etc/*` must not match.
    let pat: Vec<&str> = split_segments(pattern);
    let segs: Vec<&str> = split_segments(path);
    segments_match(&pat, &segs, mode)
}

fn split_segments(p: &str) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for (i, s) in p.split('/').enumerate() {
        if i == 0 || !s.is_empty() {
            v.push(s);
        }
    }
    v
}

fn segments_match(pat: &[&str], segs: &[&str], mode: PathMode) -> bool {
    let Some((&p, prest)) = pat.split_first() else {
        return segs.is_empty();
    };
    if p == "*" && mode == PathMode::Current {
        if prest.is_empty() {
            // A trailing `*` needs at least one segment.
            return !segs.is_empty();
        }
        // In the middle: zero or more segments.
        return (0..=segs.len()).any(|skip| segments_match(prest, &segs[skip..], mode));
    }
    let Some((&s, srest)) = segs.split_first() else {
        return false;
    };
    (p == DYNAMIC || p == s) && segments_match(prest, srest, mode)
}

/// Whether an exec entry's `args` accept `argv`: element by element, `⋯`
/// one argument, `⋯⋯` zero or more from there to the end.
pub fn args_match(pattern: &[String], argv: &[String]) -> bool {
    let mut i = 0;
    for p in pattern {
        if p == DYNAMIC_REST {
            return true;
        }
        let Some(a) = argv.get(i) else { return false };
        if p != DYNAMIC && p != a {
            return false;
        }
        i += 1;
    }
    i == argv.len()
}

/// Whether an open entry would accept almost anything: its first segment is
/// a wildcard, or all its segments are.
pub fn is_over_broad(pattern: &str) -> bool {
    let wild = |s: &str| s == DYNAMIC || s == "*";
    let segs: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    match segs.first() {
        None => pattern == "*",
        Some(first) => wild(first) || segs.iter().all(|s| wild(s)),
    }
}

/// A DNS name in the form names are compared: lower case, no trailing dot.
pub fn normalize_dns(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether an egress `dnsNames` pattern accepts `name`. `**` is invalid and
/// accepts nothing.
pub fn dns_matches(pattern: &str, name: &str) -> bool {
    if pattern.contains("**") {
        return false;
    }
    let pat = normalize_dns(pattern);
    let name = normalize_dns(name);
    if pat == name {
        return true;
    }
    let p: Vec<&str> = pat.split('.').collect();
    let n: Vec<&str> = name.split('.').collect();
    if p.last() == Some(&"*") && p.len() > 1 {
        // `example.com.*`: one or more labels after the prefix.
        let prefix = &p[..p.len() - 1];
        return n.len() > prefix.len() && labels_match(prefix, &n[..prefix.len()]);
    }
    p.len() == n.len() && labels_match(&p, &n)
}

fn labels_match(p: &[&str], n: &[&str]) -> bool {
    p.iter().zip(n).enumerate().all(|(i, (p, n))| {
        // A leading `*` and `⋯` anywhere stand for exactly one label.
        p == n || *p == DYNAMIC || (i == 0 && *p == "*")
    })
}

/// Whether an egress address entry (literal IP, CIDR or `*`) accepts `addr`.
pub fn ip_matches(pattern: &str, addr: &str) -> bool {
    let pattern = pattern.trim();
    if pattern == "*" {
        return true;
    }
    let Ok(addr) = addr.trim().parse::<IpAddr>() else {
        return false;
    };
    if let Some((net, bits)) = pattern.split_once('/') {
        let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
            return false;
        };
        return in_cidr(net, bits, addr);
    }
    pattern
        .parse::<IpAddr>()
        .is_ok_and(|p| canonical(p) == canonical(addr))
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn in_cidr(net: IpAddr, bits: u32, addr: IpAddr) -> bool {
    // An IPv4-mapped network (`::ffff:10.0.0.0/104`) is an IPv4 network of
    // 96 bits fewer.
    let bits = match net {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some() => match bits.checked_sub(96) {
            Some(b) => b,
            None => return false,
        },
        _ => bits,
    };
    match (canonical(net), canonical(addr)) {
        (IpAddr::V4(n), IpAddr::V4(a)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// Whether `addr` is private, loopback or link-local (R0011 ignores those).
pub fn is_private(addr: &str) -> bool {
    match addr.trim().parse::<IpAddr>().map(canonical) {
        Ok(IpAddr::V4(v4)) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        Ok(IpAddr::V6(v6)) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn path_table() {
        use PathMode::*;
        let cases: &[(&str, &str, PathMode, bool)] = &[
            ("/etc/passwd", "/etc/passwd", Current, true),
            ("/etc/passwd", "/etc/shadow", Current, false),
            ("/proc/⋯/stat", "/proc/42/stat", Current, true),
            ("/proc/⋯/stat", "/proc/42/task/1/stat", Current, false),
            ("/proc/⋯/stat", "/proc/stat", Current, false),
            ("/etc/*", "/etc/passwd", Current, true),
            ("/etc/*", "/etc/ssl/certs/a.pem", Current, true),
            ("/etc/*", "/etc", Current, false),
            ("/etc/*/a", "/etc/a", Current, true),
            ("/etc/*/a", "/etc/x/y/a", Current, true),
            ("/etc/*/a", "/etc/x/y/b", Current, false),
            ("*", "/anything/at/all", Current, true),
            ("", "", Current, false),
            ("", "/etc", Current, false),
            ("/proc/⋯/*", "/proc/1/net/tcp", Current, true),
            ("/proc/⋯/*", "/proc/1", Current, false),
            ("/etc/*", "/etc/passwd", Kubescape40, false),
            ("/etc/*", "/etc/*", Kubescape40, true),
            ("*", "/etc", Kubescape40, false),
            ("/proc/⋯/stat", "/proc/7/stat", Kubescape40, true),
            ("/a/.../b", "/a/x/b", Current, false),
            ("/etc/*", "/etc/", Current, false),
            ("/proc/⋯/stat", "/proc//stat", Current, false),
        ];
        for &(p, path, mode, want) in cases {
            assert_eq!(
                path_matches(p, path, mode),
                want,
                "{p} vs {path} ({mode:?})"
            );
        }
    }

    #[test]
    fn args_table() {
        let cases: &[(&[&str], &[&str], bool)] = &[
            (&["ping", "-c", "1"], &["ping", "-c", "1"], true),
            (&["ping", "-c", "1"], &["ping", "-c", "2"], false),
            (&["ping", "-c", "⋯"], &["ping", "-c", "2"], true),
            (&["ping", "⋯"], &["ping"], false),
            (&["ping", "⋯"], &["ping", "a", "b"], false),
            (&["redis-server", "⋯⋯"], &["redis-server"], true),
            (
                &["redis-server", "⋯⋯"],
                &["redis-server", "--port", "1"],
                true,
            ),
            (&["sh", "*"], &["sh", "-c"], false),
            (&["sh", "*"], &["sh", "*"], true),
            (&["a"], &["a", "b"], false),
            (&[], &[], true),
        ];
        for &(p, a, want) in cases {
            assert_eq!(args_match(&s(p), &s(a)), want, "{p:?} vs {a:?}");
        }
    }

    #[test]
    fn over_broad_table() {
        for p in ["*", "/*", "/⋯", "/⋯/*", "/*/etc", "/⋯/⋯"] {
            assert!(is_over_broad(p), "{p}");
        }
        for p in ["/etc/*", "/proc/⋯", "/data/*", "/etc/passwd"] {
            assert!(!is_over_broad(p), "{p}");
        }
    }

    #[test]
    fn dns_table() {
        let cases = [
            ("example.com", "EXAMPLE.com.", true),
            ("example.com.", "example.com", true),
            ("*.example.com", "a.example.com", true),
            ("*.example.com", "a.b.example.com", false),
            ("*.example.com", "example.com", false),
            ("a.⋯.b", "a.x.b", true),
            ("a.⋯.b", "a.x.y.b", false),
            ("example.com.*", "example.com.evil", true),
            ("example.com.*", "example.com.a.b", true),
            ("example.com.*", "example.com", false),
            ("**.example.com", "a.example.com", false),
        ];
        for (p, n, want) in cases {
            assert_eq!(dns_matches(p, n), want, "{p} vs {n}");
        }
    }

    #[test]
    fn ip_table() {
        let cases = [
            ("10.0.0.1", "10.0.0.1", true),
            ("10.0.0.0/8", "10.9.8.7", true),
            ("10.0.0.0/8", "11.0.0.1", false),
            ("*", "1.2.3.4", true),
            ("2001:db8::1", "2001:0db8:0000::0001", true),
            ("2001:db8::/32", "2001:db8:1::5", true),
            ("::ffff:1.2.3.4", "1.2.3.4", true),
            ("1.2.3.4", "not-an-ip", false),
            ("1.2.3.0/33", "1.2.3.4", false),
            ("::ffff:10.0.0.0/104", "10.1.2.3", true),
            ("::ffff:0:0/96", "1.2.3.4", true),
            ("::ffff:10.0.0.0/104", "11.1.2.3", false),
        ];
        for (p, a, want) in cases {
            assert_eq!(ip_matches(p, a), want, "{p} vs {a}");
        }
        assert!(is_private("127.0.0.1") && is_private("192.168.1.1") && is_private("::1"));
        assert!(!is_private("8.8.8.8"));
    }
}
