//! SIGINT in the middle of a capture stops it and leaves a complete,
//! readable dataset. The capture runs in a child process (this test binary
//! re-executed) so that the signal goes to it alone.

mod common;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;

const CAPTURE_ENV: &str = "BOB_CAPTURE_TEST_SIGINT_DIR";

/// In the child: capture `sleep 30` with the signal handlers installed.
#[test]
fn sigint_child() {
    let Ok(dir) = std::env::var(CAPTURE_ENV) else {
        return;
    };
    let stop = bob_capture::stop_on_signals();
    let opts = options(std::path::Path::new(&dir), &["sleep", "30"]);
    let summary = bob_capture::run(opts, stop).unwrap_or_else(|e| panic!("{}", chain(&e)));
    assert!(summary.interrupted);
}

#[test]
fn sigint_leaves_a_readable_dataset() {
    require_bpf();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "sigint_child", "--quiet", "--test-threads=1"])
        .env(CAPTURE_ENV, dir.path())
        .spawn()
        .unwrap();
    let tmp = dir.path().join("source=capture/.test.parquet.tmp");
    let until = Instant::now() + Duration::from_secs(20);
    while !tmp.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(tmp.exists(), "the capture did not start");
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    // SAFETY: kill has no memory effects; the pid is our running child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert!(status.success(), "capture child failed: {status}");
    assert!(started.elapsed() < Duration::from_secs(10));
    let ds = bob_trace::Dataset::open(dir.path()).unwrap();
    assert_eq!(ds.files.len(), 1);
    let rows = read_rows(&ds.files[0].path);
    let sleep = of_kind(&rows, "exec");
    assert!(
        sleep.iter().any(|r| r.comm.as_deref() == Some("sleep")),
        "{rows:?}"
    );
    assert!(
        of_kind(&rows, "syscall")
            .iter()
            .any(|r| r.syscall.as_deref() == Some("clock_nanosleep"))
    );
}
