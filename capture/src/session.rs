//! One capture from start to a complete trace file.
//!
//! Order matters: the programs are attached before the child is released,
//! so its first instruction is traced; the ring buffer is drained after the
//! child is gone, so no record of it is left behind; the maps that the
//! kernel aggregates into (syscall counts, merge counts, drops) are read
//! last, when nothing adds to them any more. A stop request (SIGINT or
//! SIGTERM through [`stop_on_signals`], or `--duration`) ends the traced
//! command with SIGTERM and then takes the same path, so an interrupted
//! capture leaves a complete, readable file.

use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::{Child, ExitStatus};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aya::Ebpf;
use aya::maps::{Array, HashMap as BpfHashMap, MapData, PerCpuArray, PerCpuHashMap, RingBuf};
use bob_trace::{Environment, Event, Source, TraceWriter};
use regex::Regex;

use crate::abi::{self, DedupVal, SysKey, SysVal, drop_slot};
use crate::clock::Clock;
use crate::decode::{Decoder, Identity};
use crate::error::CaptureError;
use crate::loader::{self, Filter};
use crate::{labels, privilege, target};

/// What to trace.
#[derive(Debug, Clone)]
pub enum Target {
    /// Spawn this command (argv) and trace it and its descendants.
    Command(Vec<String>),
    /// Trace every task in this cgroup v2 directory and below.
    Cgroup(PathBuf),
}

/// Everything a capture needs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Dataset directory; the trace goes to `source=capture/<run>.parquet`.
    pub dataset: PathBuf,
    /// The run name: file name and `run` column.
    pub run: String,
    pub target: Target,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Container identity, class and scenario of every row.
    pub identity: Identity,
    /// `--label key=value` pairs, applied over the detected labels.
    pub labels: Vec<(String, String)>,
    /// Replaces matches in argv values before they are written.
    pub redact: Option<Regex>,
    /// The UDP port read as DNS.
    pub dns_port: u16,
    /// Ring buffer size in bytes (power of two).
    pub ring_bytes: u32,
    /// Recorded in the file metadata (`bob.capture.command`).
    pub command_line: String,
}

/// Records lost or left unmerged, by cause; written to the file metadata.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drops {
    /// Records lost because the ring buffer was full.
    pub events: u64,
    /// Syscall counts lost because the syscall table was full.
    pub syscalls: u64,
    /// Rows written unmerged because the merge table was full (no loss).
    pub unmerged: u64,
}

impl Drops {
    /// Whether anything was lost.
    pub fn any_lost(&self) -> bool {
        self.events + self.syscalls > 0
    }
}

/// The outcome of a capture.
#[derive(Debug)]
pub struct Summary {
    /// The complete trace file.
    pub path: PathBuf,
    pub rows: u64,
    pub drops: Drops,
    /// Records read from the ring buffer (before merging with counts).
    pub records: u64,
    /// How the traced command ended, in command mode.
    pub status: Option<ExitStatus>,
    /// Whether the capture was stopped by a signal or `--duration`.
    pub interrupted: bool,
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// Makes SIGINT and SIGTERM set the returned flag instead of killing the
/// process; pass it to [`run`]. System calls are interrupted (no
/// SA_RESTART) so that the capture loop wakes up at once.
pub fn stop_on_signals() -> &'static AtomicBool {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: sigaction is plain data; the handler only stores to an
        // atomic, which is async-signal-safe.
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_stop_signal as *const () as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
    &STOP
}

/// Marks `pid` in the kernel's traced-pid bitmap.
fn mark_pid(ebpf: &mut Ebpf, pid: u32) -> Result<(), CaptureError> {
    let map = ebpf.map_mut("traced").ok_or(CaptureError::Map {
        name: "traced",
        message: "missing".into(),
    })?;
    let mut words: Array<&mut MapData, u64> =
        Array::try_from(map).map_err(|e| CaptureError::map("traced", e))?;
    let idx = (pid >> 6) % abi::PID_WORDS;
    let word = words
        .get(&idx, 0)
        .map_err(|e| CaptureError::map("traced", e))?;
    words
        .set(idx, word | (1u64 << (pid & 63)), 0)
        .map_err(|e| CaptureError::map("traced", e))
}

/// Runs a capture until the command exits, `duration` passes or `stop`
/// is set, and writes the trace.
pub fn run(opts: Options, stop: &AtomicBool) -> Result<Summary, CaptureError> {
    privilege::check()?;
    let (mut ebpf, mut child, env) = start(&opts)?;
    let ring_map = ebpf.take_map("events").ok_or(CaptureError::Map {
        name: "events",
        message: "missing".into(),
    })?;
    let mut reader = Reader {
        ring: RingBuf::try_from(ring_map).map_err(|e| CaptureError::map("events", e))?,
        decoder: Decoder::new(
            Arc::new(env),
            opts.identity.clone(),
            Clock::new(),
            opts.redact.clone(),
        ),
        writer: TraceWriter::create(&opts.dataset, Source::Capture, &opts.run)?,
        pending: HashMap::new(),
        records: 0,
    };
    if let (Some(c), Ok(cwd)) = (&child, std::env::current_dir()) {
        reader
            .decoder
            .seed_cwd(c.id(), cwd.to_string_lossy().into_owned());
    }
    let (mut status, interrupted) = follow(&mut reader, child.as_mut(), opts.duration, stop)?;
    if let Some(c) = child.as_mut()
        && status.is_none()
    {
        status = end_child(c);
    }
    reader.drain()?;
    let Reader {
        mut decoder,
        mut writer,
        pending,
        records,
        ..
    } = reader;
    let drops = finish_maps(&ebpf, &mut decoder, &mut writer, pending)?;
    let meta = [
        ("bob.capture.drops.events", drops.events.to_string()),
        ("bob.capture.drops.syscalls", drops.syscalls.to_string()),
        ("bob.capture.unmerged", drops.unmerged.to_string()),
        ("bob.capture.records", records.to_string()),
        ("bob.capture.command", opts.command_line.clone()),
        ("bob.capture.argv_max", abi::ARGV_MAX.to_string()),
        ("bob.capture.path_max", (abi::PATH_MAX - 1).to_string()),
        ("bob.capture.interrupted", interrupted.to_string()),
    ];
    for (k, v) in meta {
        writer.set_metadata(k, &v);
    }
    let rows = writer.rows();
    let path = writer.finish()?;
    Ok(Summary {
        path,
        rows,
        drops,
        records,
        status,
        interrupted,
    })
}

/// Loads and attaches the programs for the target, then starts the
/// command (released only after its pid is marked) or finds the cgroup;
/// returns the environment labels of what is traced.
fn start(opts: &Options) -> Result<(Ebpf, Option<Child>, Environment), CaptureError> {
    let cgroup = match &opts.target {
        Target::Cgroup(p) => Some(target::cgroup(p)?),
        Target::Command(argv) if argv.is_empty() => return Err(CaptureError::NoTarget),
        Target::Command(_) => None,
    };
    let filter = Filter {
        cgroup_id: cgroup.as_ref().map_or(0, |c| c.id),
        cgroup_level: cgroup.as_ref().map_or(0, |c| c.level),
        dns_port: opts.dns_port,
        ring_bytes: opts.ring_bytes,
    };
    let mut ebpf = loader::load(&filter)?;
    match (&opts.target, cgroup) {
        (Target::Command(argv), _) => {
            let stopped = target::spawn_stopped(argv)?;
            let pid = stopped.pid();
            mark_pid(&mut ebpf, pid)?;
            // Read while the child is stopped: its root is known to exist.
            let env = detect_env(Some(pid), &opts.labels);
            tracing::debug!(pid, "child marked, releasing it");
            Ok((ebpf, Some(stopped.release()?), env))
        }
        (Target::Cgroup(_), cgroup) => {
            let env = detect_env(cgroup.as_ref().and_then(target::first_pid), &opts.labels);
            Ok((ebpf, None, env))
        }
    }
}

/// The consumer side of the ring buffer: decodes records into rows, writes
/// them, and holds merged rows until their counts are known.
struct Reader {
    ring: RingBuf<MapData>,
    decoder: Decoder,
    writer: TraceWriter,
    pending: HashMap<u64, Event>,
    records: u64,
}

impl Reader {
    /// Reads every record now in the ring.
    fn drain(&mut self) -> Result<(), CaptureError> {
        while let Some(item) = self.ring.next() {
            self.records += 1;
            let Some(d) = self.decoder.decode(&item) else {
                continue;
            };
            if d.dedup == 0 {
                self.writer.write(d.event)?;
            } else if let Some(old) = self.pending.insert(d.dedup, d.event) {
                // The same key twice: a merge entry was re-created. Keep both.
                self.writer.write(old)?;
            }
        }
        Ok(())
    }
}

/// Reads records until the command exits (its status is returned), or
/// until `stop` or `duration` (the flag returned is true).
fn follow(
    reader: &mut Reader,
    mut child: Option<&mut Child>,
    duration: Option<Duration>,
    stop: &AtomicBool,
) -> Result<(Option<ExitStatus>, bool), CaptureError> {
    let deadline = duration.map(|d| Instant::now() + d);
    loop {
        wait_readable(&reader.ring, Duration::from_millis(100));
        reader.drain()?;
        if stop.load(Ordering::SeqCst) || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok((None, true));
        }
        if let Some(c) = child.as_deref_mut()
            && let Some(s) = c.try_wait().map_err(|source| CaptureError::Os {
                what: "wait for the traced command".into(),
                source,
            })?
        {
            return Ok((Some(s), false));
        }
    }
}

fn detect_env(pid: Option<u32>, overrides: &[(String, String)]) -> Environment {
    let mut env = labels::detect(pid);
    for (k, v) in overrides {
        env.set(k, v);
    }
    env
}

/// Sleeps until the ring buffer has data or `timeout` passes (or a signal
/// arrives).
fn wait_readable(ring: &RingBuf<MapData>, timeout: Duration) {
    let mut pfd = libc::pollfd {
        fd: ring.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: `pfd` is one valid pollfd for the duration of the call.
    unsafe { libc::poll(&mut pfd, 1, timeout.as_millis() as libc::c_int) };
}

/// Ends the traced command: SIGTERM, then SIGKILL after two seconds.
fn end_child(child: &mut Child) -> Option<ExitStatus> {
    let pid = child.id() as libc::pid_t;
    // SAFETY: kill has no memory effects; `pid` is our unreaped child.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        if let Ok(Some(s)) = child.try_wait() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    tracing::warn!(pid, "traced command ignored SIGTERM; killing it");
    let _ = child.kill();
    child.wait().ok()
}

/// Writes syscall rows and merged rows with their counts; reads drops.
fn finish_maps(
    ebpf: &Ebpf,
    decoder: &mut Decoder,
    writer: &mut TraceWriter,
    pending: HashMap<u64, Event>,
) -> Result<Drops, CaptureError> {
    let get = |name: &'static str| {
        ebpf.map(name).ok_or(CaptureError::Map {
            name,
            message: "missing".into(),
        })
    };
    let sys: PerCpuHashMap<&MapData, SysKey, SysVal> =
        PerCpuHashMap::try_from(get("syscalls")?).map_err(|e| CaptureError::map("syscalls", e))?;
    let mut rows: Vec<(SysKey, SysVal)> = Vec::new();
    for entry in sys.iter() {
        let (key, per_cpu) = entry.map_err(|e| CaptureError::map("syscalls", e))?;
        let mut total = SysVal {
            count: 0,
            first: u64::MAX,
            last: 0,
        };
        for v in per_cpu.iter().filter(|v| v.count > 0) {
            total.count += v.count;
            // A slot read while its first call is being counted (the
            // programs stay attached in cgroup mode) may not show its
            // first time yet: the other slots, or its last, tell.
            if v.first != 0 {
                total.first = total.first.min(v.first);
            }
            total.last = total.last.max(v.last);
        }
        if total.first == u64::MAX {
            total.first = total.last;
        }
        if total.count > 0 {
            rows.push((key, total));
        }
    }
    rows.sort_by_key(|(k, _)| (k.pid, k.nr));
    for (k, v) in rows {
        writer.write(decoder.syscall(k.pid, k.nr, &v))?;
    }
    let dedup: BpfHashMap<&MapData, u64, DedupVal> =
        BpfHashMap::try_from(get("dedup")?).map_err(|e| CaptureError::map("dedup", e))?;
    let mut merged: Vec<(u64, Event)> = pending.into_iter().collect();
    merged.sort_by_key(|(k, e)| (e.first_seen, *k));
    for (key, mut e) in merged {
        if let Ok(v) = dedup.get(&key, 0) {
            decoder.add_repeats(&mut e, v.count, v.last);
        }
        writer.write(e)?;
    }
    let drops: PerCpuArray<&MapData, u64> =
        PerCpuArray::try_from(get("drops")?).map_err(|e| CaptureError::map("drops", e))?;
    let sum = |slot: u32| -> Result<u64, CaptureError> {
        Ok(drops
            .get(&slot, 0)
            .map_err(|e| CaptureError::map("drops", e))?
            .iter()
            .sum())
    };
    Ok(Drops {
        events: sum(drop_slot::EVENTS)?,
        syscalls: sum(drop_slot::SYSCALLS)?,
        unmerged: sum(drop_slot::DEDUP)?,
    })
}
