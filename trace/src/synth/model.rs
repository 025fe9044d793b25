//! The workloads of synthetic traces: their vocabularies and the seeded
//! random draws (SplitMix64, Zipf-like ranks) the generator makes from them.

use super::SynthOptions;

/// Share of each vocabulary, from the rare end, that profiles leave out.
pub(super) const TAIL: f64 = 0.03;

#[rustfmt::skip]
pub(super) const NAMES: [&str; 12] = [
    "redis", "nginx", "postgres", "kafka", "api", "worker",
    "mongo", "prometheus", "grafana", "etcd", "envoy", "celery",
];

#[rustfmt::skip]
pub(super) const SYSCALLS: [&str; 96] = [
    "read", "write", "openat", "close", "fstat", "mmap", "munmap", "brk",
    "rt_sigaction", "rt_sigprocmask", "ioctl", "pread64", "pwrite64", "readv", "writev", "access",
    "pipe", "select", "sched_yield", "mremap", "msync", "madvise", "dup", "dup2",
    "nanosleep", "getpid", "sendfile", "socket", "connect", "accept", "sendto", "recvfrom",
    "sendmsg", "recvmsg", "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair",
    "setsockopt", "getsockopt", "clone", "fork", "execve", "exit", "wait4", "kill",
    "uname", "fcntl", "flock", "fsync", "fdatasync", "truncate", "ftruncate", "getdents64",
    "getcwd", "chdir", "rename", "mkdir", "rmdir", "unlink", "readlink", "chmod",
    "fchmod", "chown", "umask", "gettimeofday", "getrlimit", "getrusage", "sysinfo", "getuid",
    "getgid", "setuid", "setgid", "geteuid", "getegid", "setpgid", "getppid", "setsid",
    "prctl", "arch_prctl", "futex", "epoll_wait", "epoll_ctl", "tgkill", "clock_gettime", "exit_group",
    "epoll_create1", "pipe2", "accept4", "eventfd2", "prlimit64", "getrandom", "statx", "rseq",
];

#[rustfmt::skip]
pub(super) const CAPS: [&str; 8] = [
    "CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID",
    "SETUID", "NET_BIND_SERVICE", "KILL", "SYS_RESOURCE",
];

/// A small, fast, seedable generator (SplitMix64).
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(super) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Zipf-like ranks: rank `r` has weight `1 / (r + 1)^s`.
pub(super) struct Zipf(Vec<f64>);

impl Zipf {
    pub(super) fn new(n: usize, s: f64) -> Zipf {
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = (0..n.max(1))
            .map(|r| {
                acc += 1.0 / ((r + 1) as f64).powf(s);
                acc
            })
            .collect();
        for c in &mut cdf {
            *c /= acc;
        }
        Zipf(cdf)
    }
    pub(super) fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.0.partition_point(|&c| c < u).min(self.0.len() - 1)
    }
}

/// One workload's vocabulary, most frequent first.
pub(super) struct Workload {
    pub(super) name: String,
    pub(super) image: String,
    pub(super) syscalls: Vec<String>,
    pub(super) opens: Vec<String>,
    pub(super) execs: Vec<(String, Vec<String>)>,
    pub(super) caps: Vec<String>,
    pub(super) domains: Vec<String>,
    pub(super) peers: Vec<String>,
    pub(super) zipf: [Zipf; 6],
}

/// A path with a placeholder the environment fills in: `{pid}` a process
/// id, `{cm}` a config-map data directory.
pub(super) fn open_vocabulary(name: &str, rng: &mut Rng) -> Vec<String> {
    let mut v = vec![
        "/etc/ld.so.cache".to_owned(),
        format!("/usr/lib/{name}/{name}.so"),
        "/etc/passwd".to_owned(),
        "/proc/{pid}/stat".to_owned(),
        format!("/etc/{name}/{{cm}}/{name}.conf"),
        "/dev/urandom".to_owned(),
        "/proc/{pid}/status".to_owned(),
        "/etc/nsswitch.conf".to_owned(),
        "/sys/fs/cgroup/cpu.max".to_owned(),
        "/proc/{pid}/cmdline".to_owned(),
        "/etc/hosts".to_owned(),
        "/etc/resolv.conf".to_owned(),
        format!("/etc/{name}/{{cm}}/extra.conf"),
        "/etc/ssl/certs/ca-certificates.crt".to_owned(),
    ];
    let libs = 20 + rng.below(60);
    v.extend((0..libs).map(|i| format!("/usr/lib/x86_64-linux-gnu/lib{name}{i}.so.{}", i % 7)));
    let data = 50 + rng.below(400);
    v.extend((0..data).map(|i| format!("/var/lib/{name}/data/part-{i:05}.db")));
    v
}

impl Workload {
    pub(super) fn new(i: usize, rng: &mut Rng) -> Workload {
        let base = NAMES[i % NAMES.len()];
        let name = if i < NAMES.len() {
            base.to_owned()
        } else {
            format!("{base}-{}", i / NAMES.len())
        };
        let mut syscalls: Vec<String> = SYSCALLS.iter().map(|s| s.to_string()).collect();
        for j in (1..syscalls.len()).rev() {
            syscalls.swap(j, rng.below(j + 1));
        }
        syscalls.truncate(50 + rng.below(40));
        let exe = format!("/usr/bin/{name}");
        let mut execs = vec![
            (
                exe.clone(),
                vec![
                    name.clone(),
                    "--config".into(),
                    format!("/etc/{name}/{name}.conf"),
                ],
            ),
            (
                "/bin/sh".into(),
                vec![
                    "sh".into(),
                    "-c".into(),
                    format!("/usr/local/bin/{name}-health"),
                ],
            ),
            (
                format!("/usr/local/bin/{name}-health"),
                vec![format!("{name}-health")],
            ),
            ("/usr/bin/date".into(), vec!["date".into(), "+%s".into()]),
        ];
        execs.extend((0..rng.below(6)).map(|k| {
            (
                format!("/usr/bin/{name}-tool{k}"),
                vec![format!("{name}-tool{k}"), format!("--job={k}")],
            )
        }));
        let caps: Vec<String> = CAPS[..2 + rng.below(4)]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let domains: Vec<String> = (0..2 + rng.below(4))
            .map(|k| format!("svc{k}.{name}.example.com"))
            .collect();
        let peers: Vec<String> = (0..2 + rng.below(4))
            .map(|k| format!("10.{}.{}.{}", i % 250, k, 10 + k))
            .collect();
        let opens = open_vocabulary(&name, rng);
        let zipf = [
            Zipf::new(syscalls.len(), 1.1),
            Zipf::new(opens.len(), 1.05),
            Zipf::new(execs.len(), 1.2),
            Zipf::new(caps.len(), 1.0),
            Zipf::new(domains.len(), 1.0),
            Zipf::new(peers.len(), 1.0),
        ];
        Workload {
            image: format!("registry.example.com/{name}:1.{i}"),
            name,
            syscalls,
            opens,
            execs,
            caps,
            domains,
            peers,
            zipf,
        }
    }
}

/// The vocabulary part a profile keeps: all but the rarest [`TAIL`].
pub(super) fn kept(n: usize) -> usize {
    ((n as f64) * (1.0 - TAIL)).ceil().max(1.0) as usize
}

pub(super) fn workloads(opts: &SynthOptions) -> Vec<Workload> {
    let mut rng = Rng::new(opts.seed);
    (0..opts.workloads.max(1))
        .map(|i| Workload::new(i, &mut rng))
        .collect()
}
