//! Kernel records to trace rows.
//!
//! The decoder owns what user space adds to a record: the process's
//! executable and working directory, relative paths made absolute, the
//! container identity and labels of the capture, and `--redact`.
//!
//! Working directories are followed, not looked up: a process starts with
//! the directory it was spawned in (or, first seen in cgroup mode, the one
//! `/proc/<pid>/cwd` names then), a fork copies its parent's, and the
//! kernel sends a record for every successful chdir and fchdir, in order
//! with the opens of the same task. Relative paths are therefore resolved
//! against the directory in effect when the open happened, even when the
//! process is long gone when the record is read. Directory fds (fchdir,
//! `openat(dfd, ...)`) are resolved to the path of the last successful
//! open that returned that fd in that process (inherited at fork); an fd
//! that came from elsewhere (dup2, SCM_RIGHTS, inherited from outside the
//! trace) is looked up in `/proc/<pid>/fd/<fd>` when the record is decoded,
//! which misses when the process has exited by then. chdir paths are joined
//! lexically, so a chdir through a symlink records the symlink's path.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bob_trace::event::{ContainerRef, Process};
use bob_trace::{Class, Environment, Event, Kind};
use regex::Regex;

use crate::abi::{self, direction, kind};
use crate::clock::Clock;
use crate::{dns, flags, syscalls};

const AT_FDCWD: i32 = -100;
const AF_INET6: u16 = 10;

/// What every row of a capture carries besides the record itself.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// Container identity (`cgroup_id` is filled per row from the kernel).
    pub container: ContainerRef,
    pub run: Option<String>,
    pub class: Class,
    pub scenario: Option<String>,
}

/// A decoded row and its merge key (0 when the kernel did not merge it).
pub struct Decoded {
    pub event: Event,
    pub dedup: u64,
}

/// What is known of a process: from its last record, its last exec, or
/// `/proc`. Syscall rows, which the kernel sends without a header, take
/// their process fields from here.
#[derive(Debug, Clone, Default)]
struct ProcInfo {
    comm: Option<String>,
    exe: Option<String>,
    cwd: Option<String>,
    ppid: Option<u32>,
    uid: Option<u32>,
    gid: Option<u32>,
    cgroup_id: Option<u64>,
    /// The path of the last successful open that returned each fd, for
    /// paths relative to a directory fd.
    fds: HashMap<i32, String>,
}

/// Turns records into rows; keeps the per-process state they need.
pub struct Decoder {
    env: Arc<Environment>,
    identity: Identity,
    clock: Clock,
    redact: Option<Regex>,
    procs: HashMap<u32, ProcInfo>,
}

/// What `--redact` puts in place of a match.
pub const REDACTED: &str = "[REDACTED]";

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(abi::c_str(b)).into_owned()
}

fn read_link(path: String) -> Option<String> {
    std::fs::read_link(path)
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// Reads `/proc/<pid>/<what>` (`cwd`, `exe`, `fd/N`) as the process itself
/// names it. The kernel gives such links relative to the reader's root, so
/// for a process in a chroot or a container they start with the host path
/// of its root (`/var/lib/roots/debian-12/var/lib/redis`); that prefix is
/// removed, as it is not part of any path the process used.
fn proc_link(pid: u32, what: &str) -> Option<String> {
    let link = read_link(format!("/proc/{pid}/{what}"))?;
    match read_link(format!("/proc/{pid}/root")) {
        Some(root) if root != "/" => Some(strip_root(&root, &link)),
        _ => Some(link),
    }
}

/// `path` seen from inside `root`: `/r/etc` under `/r` is `/etc`. A path
/// outside the root (an fd opened before a chroot) is returned as it is.
pub fn strip_root(root: &str, path: &str) -> String {
    let root = root.trim_end_matches('/');
    match path.strip_prefix(root) {
        Some("") => "/".to_owned(),
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => path.to_owned(),
    }
}

/// Joins `rel` to the absolute `base`, dropping `.` and resolving `..`
/// lexically.
pub fn join(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in base.split('/').chain(rel.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

fn addr(family: u16, bytes: &[u8; 16]) -> String {
    if family == AF_INET6 {
        IpAddr::V6(Ipv6Addr::from(*bytes)).to_string()
    } else {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3])).to_string()
    }
}

fn protocol(p: u16) -> String {
    match p {
        6 => "TCP".into(),
        17 => "UDP".into(),
        132 => "SCTP".into(),
        other => format!("IPPROTO_{other}"),
    }
}

fn direction_name(d: u16) -> &'static str {
    match d {
        direction::OUTBOUND => "outbound",
        direction::INBOUND => "inbound",
        direction::BIND => "bind",
        _ => "listen",
    }
}

/// The exit code of a wait(2) status: the status, or 128 + the signal.
fn exit_code(status: i32) -> i64 {
    if status & 0x7f == 0 {
        ((status >> 8) & 0xff) as i64
    } else {
        128 + (status & 0x7f) as i64
    }
}

impl Decoder {
    /// A decoder that stamps rows with `env` and `identity`.
    pub fn new(
        env: Arc<Environment>,
        identity: Identity,
        clock: Clock,
        redact: Option<Regex>,
    ) -> Self {
        Decoder {
            env,
            identity,
            clock,
            redact,
            procs: HashMap::new(),
        }
    }

    /// Starts following process `pid` in working directory `cwd` (the
    /// spawned command, before any of its records is decoded).
    pub fn seed_cwd(&mut self, pid: u32, cwd: String) {
        self.procs.entry(pid).or_default().cwd = Some(cwd);
    }

    fn proc_info(&mut self, pid: u32) -> &mut ProcInfo {
        self.procs.entry(pid).or_insert_with(|| ProcInfo {
            exe: proc_link(pid, "exe"),
            cwd: proc_link(pid, "cwd"),
            ..ProcInfo::default()
        })
    }

    fn base(&mut self, kind: Kind, h: &abi::Header) -> Event {
        let comm = lossy(&h.comm);
        let info = self.proc_info(h.pid);
        info.comm = Some(comm.clone());
        info.ppid = Some(h.ppid);
        info.uid = Some(h.uid);
        info.gid = Some(h.gid);
        info.cgroup_id = Some(h.cgroup_id);
        let (exe, cwd) = (info.exe.clone(), info.cwd.clone());
        let mut e = Event::new(kind, self.env.clone());
        let ts = self.clock.to_epoch(h.ts);
        e.first_seen = Some(ts);
        e.last_seen = Some(ts);
        e.process = Process {
            pid: Some(h.pid),
            ppid: Some(h.ppid),
            comm: Some(comm),
            exe,
            cwd,
            uid: Some(h.uid),
            gid: Some(h.gid),
        };
        e.container = self.identity.container.clone();
        e.container.cgroup_id = Some(h.cgroup_id);
        e.run = self.identity.run.clone();
        e.class = self.identity.class;
        e.scenario = self.identity.scenario.clone();
        e
    }

    /// Decodes one ring-buffer record; `None` for a record this build does
    /// not know or that is too short (a bug, logged at debug).
    pub fn decode(&mut self, bytes: &[u8]) -> Option<Decoded> {
        let h: abi::Header = abi::read(bytes)?;
        let event = match h.kind {
            kind::EXEC => self.exec(&abi::read_prefix(bytes, abi::EXEC_FIXED)?),
            kind::OPEN => self.open(&abi::read_prefix(bytes, abi::OPEN_FIXED)?),
            kind::NET => self.net(&abi::read(bytes)?),
            kind::DNS => self.dns(&abi::read(bytes)?)?,
            kind::CAP => self.cap(&abi::read(bytes)?),
            kind::FORK => self.fork(&abi::read(bytes)?),
            kind::EXIT => self.exit(&abi::read(bytes)?),
            kind::CHDIR => {
                self.chdir(&abi::read_prefix(bytes, abi::OPEN_FIXED)?);
                return None;
            }
            other => {
                tracing::debug!(kind = other, len = bytes.len(), "unknown record");
                return None;
            }
        };
        Some(Decoded {
            event,
            dedup: h.dedup,
        })
    }

    fn exec(&mut self, r: &abi::Exec) -> Event {
        let pid = r.h.pid;
        let mut path = lossy(&r.filename);
        let cwd = self.proc_info(pid).cwd.clone();
        if let Some(c) = cwd.as_deref().filter(|_| !path.starts_with('/')) {
            path = join(c, &path);
        }
        self.proc_info(pid).exe = Some(path.clone());
        let len = (r.argv_len as usize).min(abi::ARGV_MAX);
        let raw = &r.argv[..len];
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        let mut argv: Vec<String> = if raw.is_empty() {
            Vec::new()
        } else {
            raw.split(|&b| b == 0)
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        };
        if let Some(re) = &self.redact {
            for a in &mut argv {
                if re.is_match(a) {
                    *a = re.replace_all(a, REDACTED).into_owned();
                }
            }
        }
        let mut e = self.base(Kind::Exec, &r.h);
        e.process.exe = Some(path.clone());
        e.path = Some(path);
        e.argv = Some(argv);
        e.argv_truncated = Some(r.flags & abi::EXEC_ARGV_TRUNCATED != 0);
        e.ret = Some(0);
        e
    }

    fn open(&mut self, r: &abi::Open) -> Event {
        let pid = r.h.pid;
        let raw = lossy(&r.path);
        let path = if raw.starts_with('/') || raw.is_empty() {
            raw
        } else if r.dfd == AT_FDCWD {
            self.proc_info(pid)
                .cwd
                .clone()
                .map_or(raw.clone(), |b| join(&b, &raw))
        } else {
            self.fd_path(pid, r.dfd)
                .map_or(raw.clone(), |b| join(&b, &raw))
        };
        if r.ret >= 0 {
            self.proc_info(pid).fds.insert(r.ret as i32, path.clone());
        }
        let mut e = self.base(Kind::Open, &r.h);
        e.path = Some(path);
        e.flags = Some(flags::names(r.flags));
        e.ret = Some(r.ret);
        e
    }

    /// The directory behind `fd` of `pid`: the path its last open returned
    /// it for, else what `/proc` says now.
    fn fd_path(&mut self, pid: u32, fd: i32) -> Option<String> {
        let known = self.proc_info(pid).fds.get(&fd).cloned();
        known.or_else(|| proc_link(pid, &format!("fd/{fd}")))
    }

    /// Follows a successful chdir or fchdir.
    fn chdir(&mut self, r: &abi::Open) {
        let pid = r.h.pid;
        let path = lossy(&r.path);
        let new = if r.dfd != AT_FDCWD {
            self.fd_path(pid, r.dfd)
        } else if path.starts_with('/') {
            Some(join("/", &path))
        } else {
            self.proc_info(pid).cwd.clone().map(|c| join(&c, &path))
        };
        if let Some(new) = new {
            self.proc_info(pid).cwd = Some(new);
        }
    }

    fn net_fields(&self, e: &mut Event, r: &abi::Net) {
        e.protocol = Some(protocol(r.protocol));
        e.direction = Some(direction_name(r.direction).to_owned());
        e.local_addr = Some(addr(r.family, &r.local_addr));
        e.local_port = Some(r.local_port);
        if matches!(r.direction, direction::OUTBOUND | direction::INBOUND) {
            e.remote_addr = Some(addr(r.family, &r.remote_addr));
            e.remote_port = Some(r.remote_port);
        }
    }

    fn net(&mut self, r: &abi::Net) -> Event {
        let mut e = self.base(Kind::Network, &r.h);
        self.net_fields(&mut e, r);
        e.ret = Some(r.ret);
        e
    }

    fn dns(&mut self, r: &abi::Dns) -> Option<Event> {
        let len = (r.len as usize).min(abi::DNS_MAX);
        let q = dns::parse_query(&r.payload[..len])?;
        let mut e = self.base(Kind::Dns, &r.n.h);
        self.net_fields(&mut e, &r.n);
        e.domain = Some(q.name);
        e.dns_type = Some(q.qtype);
        Some(e)
    }

    fn cap(&mut self, r: &abi::Cap) -> Event {
        let mut e = self.base(Kind::Capability, &r.h);
        e.capability = Some(match bob_profile::capability::name_of(r.cap as u32) {
            Some(name) => name.to_owned(),
            None => format!("CAP_{}", r.cap),
        });
        e.ret = Some(r.ret as i64);
        e
    }

    fn fork(&mut self, r: &abi::Fork) -> Event {
        let mut child = self.proc_info(r.h.pid).clone();
        child.ppid = Some(r.h.pid);
        self.procs.insert(r.child, child);
        let mut e = self.base(Kind::Fork, &r.h);
        e.process.ppid = Some(r.h.pid);
        e.process.pid = Some(r.child);
        e
    }

    fn exit(&mut self, r: &abi::Exit) -> Event {
        let mut e = self.base(Kind::Exit, &r.h);
        e.ret = Some(exit_code(r.code));
        e
    }

    /// The aggregated row of syscall `nr` of process `pid`.
    pub fn syscall(&mut self, pid: u32, nr: u32, v: &abi::SysVal) -> Event {
        let info = self.proc_info(pid).clone();
        let mut e = Event::new(Kind::Syscall, self.env.clone());
        e.first_seen = Some(self.clock.to_epoch(v.first));
        e.last_seen = Some(self.clock.to_epoch(v.last.max(v.first)));
        e.count = v.count.max(1);
        e.process = Process {
            pid: Some(pid),
            ppid: info.ppid,
            comm: info.comm,
            exe: info.exe,
            cwd: info.cwd,
            uid: info.uid,
            gid: info.gid,
        };
        e.container = self.identity.container.clone();
        e.container.cgroup_id = info.cgroup_id;
        e.run = self.identity.run.clone();
        e.class = self.identity.class;
        e.scenario = self.identity.scenario.clone();
        if nr & !0xffff == abi::SYS_BPF_CMD {
            // The kernel counts bpf per command; the command goes where a
            // syscall's decoded arguments go, in argv.
            e.syscall = Some("bpf".to_owned());
            e.argv = Some(vec![syscalls::bpf_command(nr & 0xffff).into_owned()]);
        } else {
            e.syscall = Some(syscalls::name(nr).into_owned());
        }
        e
    }

    /// Adds `extra` repeats, the last at kernel time `last`, to a merged row.
    pub fn add_repeats(&self, e: &mut Event, extra: u64, last: u64) {
        if extra == 0 {
            return;
        }
        e.count += extra;
        let last = self.clock.to_epoch(last);
        e.last_seen = Some(e.last_seen.map_or(last, |l| l.max(last)));
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn paths_are_seen_from_the_process_root() {
        use super::strip_root;
        assert_eq!(
            strip_root("/var/lib/roots/d12", "/var/lib/roots/d12/var/lib/redis"),
            "/var/lib/redis"
        );
        assert_eq!(strip_root("/var/lib/roots/d12/", "/var/lib/roots/d12"), "/");
        assert_eq!(
            strip_root("/var/lib/roots/d12", "/var/lib/roots/d123/x"),
            "/var/lib/roots/d123/x"
        );
        assert_eq!(strip_root("/r", "/etc/passwd"), "/etc/passwd");
    }

    use super::*;

    #[test]
    fn relative_paths_join_lexically() {
        assert_eq!(join("/etc", "hostname"), "/etc/hostname");
        assert_eq!(join("/usr/lib", "../share/./x"), "/usr/share/x");
        assert_eq!(join("/", ".."), "/");
    }

    /// The bytes of a plain record, as the ring buffer hands them over.
    fn bytes<T: abi::Plain>(r: &T) -> Vec<u8> {
        // SAFETY: `T: Plain` has no padding, so all its bytes are initialised.
        unsafe { std::slice::from_raw_parts((r as *const T).cast::<u8>(), size_of::<T>()) }.to_vec()
    }

    fn header(kind: u32, pid: u32) -> abi::Header {
        abi::Header {
            kind,
            pid,
            tid: pid,
            ppid: 1,
            uid: 0,
            gid: 0,
            ts: 1,
            cgroup_id: 7,
            dedup: 0,
            comm: *b"sh\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
        }
    }

    fn path_record(kind: u32, pid: u32, path: &str) -> abi::Open {
        let mut r = abi::Open {
            h: header(kind, pid),
            ret: 3,
            dfd: AT_FDCWD,
            flags: 0,
            cwd: 0,
            path: [0; abi::PATH_MAX],
        };
        r.path[..path.len()].copy_from_slice(path.as_bytes());
        r
    }

    fn decoder(redact: Option<&str>) -> Decoder {
        let redact = redact.map(|r| Regex::new(r).unwrap());
        Decoder::new(Arc::default(), Identity::default(), Clock::new(), redact)
    }

    // A pid no process has, so that nothing is read from /proc.
    const PID: u32 = 4_000_000;

    #[test]
    fn chdir_and_fork_are_followed_for_relative_opens() {
        let mut d = decoder(None);
        d.seed_cwd(PID, "/srv".into());
        let open = |d: &mut Decoder, pid, p| {
            let r = d.decode(&bytes(&path_record(kind::OPEN, pid, p))).unwrap();
            r.event.path.unwrap()
        };
        assert_eq!(open(&mut d, PID, "a"), "/srv/a");
        assert!(
            d.decode(&bytes(&path_record(kind::CHDIR, PID, "../etc")))
                .is_none()
        );
        assert_eq!(open(&mut d, PID, "./hostname"), "/etc/hostname");
        let fork = abi::Fork {
            h: header(kind::FORK, PID),
            child: PID + 1,
            pad: 0,
        };
        let row = d.decode(&bytes(&fork)).unwrap().event;
        assert_eq!(
            (row.process.pid, row.process.ppid),
            (Some(PID + 1), Some(PID))
        );
        assert_eq!(open(&mut d, PID + 1, "passwd"), "/etc/passwd");
        assert!(
            d.decode(&bytes(&path_record(kind::CHDIR, PID, "/tmp")))
                .is_none()
        );
        assert_eq!(
            open(&mut d, PID + 1, "x"),
            "/etc/x",
            "the child keeps its own cwd"
        );
        assert_eq!(open(&mut d, PID, "x"), "/tmp/x");
        // A directory fd from an earlier open resolves an openat(dfd, ...).
        let mut dir = path_record(kind::OPEN, PID, "/usr/lib");
        dir.ret = 5;
        d.decode(&bytes(&dir)).unwrap();
        let mut rel = path_record(kind::OPEN, PID, "os-release");
        rel.dfd = 5;
        assert_eq!(
            d.decode(&bytes(&rel)).unwrap().event.path.unwrap(),
            "/usr/lib/os-release"
        );
    }

    #[test]
    fn redaction_happens_before_the_row_exists() {
        let mut d = decoder(Some("token=[^ ]+"));
        let mut r = abi::Exec {
            h: header(kind::EXEC, PID),
            argv_len: 0,
            flags: 0,
            filename: [0; abi::PATH_MAX],
            argv: [0; abi::ARGV_MAX],
        };
        r.filename[..8].copy_from_slice(b"/bin/app");
        let argv = b"app\0--token=s3cret\0-v\0";
        r.argv[..argv.len()].copy_from_slice(argv);
        r.argv_len = argv.len() as u32;
        let e = d.decode(&bytes(&r)).unwrap().event;
        assert_eq!(e.argv.unwrap(), ["app", "--[REDACTED]", "-v"]);
        assert_eq!(e.path.as_deref(), Some("/bin/app"));
        assert_eq!(e.argv_truncated, Some(false));
        assert_eq!(e.container.cgroup_id, Some(7));
    }

    #[test]
    fn exit_codes_follow_the_shell() {
        assert_eq!(exit_code(3 << 8), 3);
        assert_eq!(exit_code(9), 137);
    }
}
