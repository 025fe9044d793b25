//! What is traced: a command spawned for the capture, or a cgroup v2 group.
//!
//! A spawned command is traced from its first instruction: the child is
//! forked with a `pre_exec` hook that reports its pid through one pipe and
//! then waits on a second; the capturer marks the pid in the kernel's
//! bitmap and only then lets the child go on to `execve`. The child keeps
//! the capturer's stdin, stdout and stderr, so its output never mixes with
//! the trace, which goes to files.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};

use crate::error::CaptureError;

/// `CGROUP2_SUPER_MAGIC` of statfs(2).
const CGROUP2_MAGIC: i64 = 0x6367_7270;

/// A child stopped before `execve`, waiting for [`Stopped::release`].
pub struct Stopped {
    pid: u32,
    gate: File,
    spawner: std::thread::JoinHandle<std::io::Result<Child>>,
    command: String,
}

fn pipe() -> Result<(OwnedFd, OwnedFd), CaptureError> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(CaptureError::last_os("create a pipe"));
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and ours alone.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Forks `argv` and stops the child before it executes anything of its own.
pub fn spawn_stopped(argv: &[String]) -> Result<Stopped, CaptureError> {
    let command = argv.join(" ");
    let (program, args) = argv.split_first().ok_or(CaptureError::NoTarget)?;
    let (report_r, report_w) = pipe()?;
    let (gate_r, gate_w) = pipe()?;
    let mut cmd = Command::new(program);
    cmd.args(args);
    let (rw, gr) = (report_w.as_raw_fd(), gate_r.as_raw_fd());
    // SAFETY: the hook runs in the forked child and calls only getpid,
    // write, read and _exit, which are async-signal-safe; it allocates
    // nothing. The descriptors stay open in the child until exec closes
    // them (O_CLOEXEC), since the parent's OwnedFds are moved into the
    // spawner thread and live until `spawn` returns.
    unsafe {
        cmd.pre_exec(move || {
            let pid = libc::getpid() as u32;
            let bytes = pid.to_ne_bytes();
            if libc::write(rw, bytes.as_ptr().cast(), 4) != 4 {
                libc::_exit(127);
            }
            let mut go = 0u8;
            if libc::read(gr, (&raw mut go).cast(), 1) != 1 {
                libc::_exit(127);
            }
            Ok(())
        });
    }
    let spawner = std::thread::spawn(move || {
        let child = cmd.spawn();
        drop((report_w, gate_r));
        child
    });
    let mut report = File::from(report_r);
    let mut pid = [0u8; 4];
    if report.read_exact(&mut pid).is_err() {
        // The child never reached the hook: spawn failed before the fork.
        let source = match spawner.join() {
            Ok(Err(e)) => e,
            _ => std::io::Error::other("the child exited before exec"),
        };
        return Err(CaptureError::Spawn { command, source });
    }
    Ok(Stopped {
        pid: u32::from_ne_bytes(pid),
        gate: File::from(gate_w),
        spawner,
        command,
    })
}

impl Stopped {
    /// The child's pid.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Lets the child execute the command and returns it.
    pub fn release(mut self) -> Result<Child, CaptureError> {
        self.gate
            .write_all(&[1])
            .map_err(|source| CaptureError::Spawn {
                command: self.command.clone(),
                source,
            })?;
        match self.spawner.join() {
            Ok(Ok(child)) => Ok(child),
            Ok(Err(source)) => Err(CaptureError::Spawn {
                command: self.command,
                source,
            }),
            Err(_) => Err(CaptureError::Spawn {
                command: self.command,
                source: std::io::Error::other("the spawning thread panicked"),
            }),
        }
    }
}

/// A cgroup v2 group: its id (the inode of its directory) and its depth
/// below the hierarchy's root.
#[derive(Debug, Clone)]
pub struct Cgroup {
    pub path: PathBuf,
    pub id: u64,
    pub level: u32,
}

fn is_cgroup2(path: &Path) -> bool {
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: statfs is plain data that the call fills in.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c` is a valid NUL-terminated path and `st` is writable.
    unsafe { libc::statfs(c.as_ptr(), &mut st) == 0 && st.f_type as i64 == CGROUP2_MAGIC }
}

/// Resolves `--cgroup PATH`.
pub fn cgroup(path: &Path) -> Result<Cgroup, CaptureError> {
    let bad = |message: &str| CaptureError::Cgroup {
        path: path.into(),
        message: message.into(),
    };
    let path = path.canonicalize().map_err(|e| bad(&e.to_string()))?;
    let meta = std::fs::metadata(&path).map_err(|e| bad(&e.to_string()))?;
    if !meta.is_dir() || !is_cgroup2(&path) {
        return Err(bad("not a directory on a cgroup2 file system"));
    }
    let mut level = 0;
    let mut dir = path.as_path();
    while let Some(parent) = dir.parent() {
        if !is_cgroup2(parent) {
            break;
        }
        level += 1;
        dir = parent;
    }
    Ok(Cgroup {
        id: meta.ino(),
        level,
        path,
    })
}

/// The first process of a cgroup, for reading its environment.
pub fn first_pid(cgroup: &Cgroup) -> Option<u32> {
    let procs = std::fs::read_to_string(cgroup.path.join("cgroup.procs")).ok()?;
    procs.lines().next()?.trim().parse().ok()
}
