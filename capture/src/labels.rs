//! Environment labels detected for a capture.
//!
//! Kernel release and architecture come from uname(2); `os` and
//! `distribution` from the os-release of the traced process's root file
//! system (`/proc/<pid>/root/etc/os-release`, so a process in a container
//! or chroot reports its image, not the host); `runtime` from the names in
//! its cgroup path where a container runtime leaves one. `--label` values
//! are applied on top by the caller.

use bob_trace::Environment;

/// Detects the labels of traced process `pid` (or of the host, for `None`).
pub fn detect(pid: Option<u32>) -> Environment {
    let mut env = Environment::default();
    if let Some(release) = kernel_release() {
        env.set("kernel", &release);
    }
    env.set("arch", arch(std::env::consts::ARCH));
    let root = pid.map_or_else(|| "/".to_owned(), |p| format!("/proc/{p}/root/"));
    let os_release = ["etc/os-release", "usr/lib/os-release"]
        .iter()
        .find_map(|f| std::fs::read_to_string(format!("{root}{f}")).ok());
    if let Some((os, distribution)) = os_release.as_deref().and_then(parse_os_release) {
        env.set("os", &os);
        env.set("distribution", &distribution);
    }
    let cgroup = pid.map_or_else(
        || "/proc/self/cgroup".to_owned(),
        |p| format!("/proc/{p}/cgroup"),
    );
    if let Some(runtime) = std::fs::read_to_string(cgroup)
        .ok()
        .as_deref()
        .and_then(runtime)
    {
        env.set("runtime", runtime);
    }
    env
}

fn kernel_release() -> Option<String> {
    // SAFETY: utsname is plain data that uname fills in.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `u` is a valid, writable utsname.
    if unsafe { libc::uname(&mut u) } != 0 {
        return None;
    }
    let bytes: Vec<u8> = u
        .release
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8(bytes).ok()
}

/// Rust's architecture name in Kubernetes spelling.
fn arch(rust: &str) -> &str {
    match rust {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// `(<ID>-<VERSION_ID>, <ID>)` of an os-release file; `os` is the bare ID
/// when there is no VERSION_ID (rolling releases).
fn parse_os_release(text: &str) -> Option<(String, String)> {
    let get = |key: &str| {
        text.lines().find_map(|l| {
            let v = l.strip_prefix(key)?.strip_prefix('=')?;
            Some(v.trim().trim_matches('"').trim_matches('\'').to_owned())
        })
    };
    let id = get("ID").filter(|s| !s.is_empty())?;
    let os = match get("VERSION_ID") {
        Some(v) if !v.is_empty() => format!("{id}-{v}"),
        _ => id.clone(),
    };
    Some((os, id))
}

/// The container runtime that named a cgroup path, where it is known.
fn runtime(cgroup: &str) -> Option<&'static str> {
    const MARKS: [(&str, &str); 6] = [
        ("cri-containerd-", "containerd"),
        ("/containerd/", "containerd"),
        ("crio-", "cri-o"),
        ("libpod-", "podman"),
        ("docker-", "docker"),
        ("/docker/", "docker"),
    ];
    MARKS
        .iter()
        .find(|(mark, _)| cgroup.contains(mark))
        .map(|&(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_release_gives_os_and_distribution() {
        let text = "PRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\nVERSION_ID=\"12\"\n";
        assert_eq!(
            parse_os_release(text),
            Some(("debian-12".into(), "debian".into()))
        );
        assert_eq!(
            parse_os_release("ID=arch\n"),
            Some(("arch".into(), "arch".into()))
        );
        assert_eq!(parse_os_release("NAME=x\n"), None);
    }

    #[test]
    fn runtimes_are_named_by_their_cgroups() {
        assert_eq!(
            runtime("0::/kubepods/pod1/cri-containerd-ab12.scope"),
            Some("containerd")
        );
        assert_eq!(runtime("0::/system.slice/docker-ab.scope"), Some("docker"));
        assert_eq!(runtime("0::/user.slice/session-1.scope"), None);
        assert_eq!(arch("x86_64"), "amd64");
    }
}
