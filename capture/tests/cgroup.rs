//! `--cgroup`: every task of a cgroup v2 group is traced, and nothing else.

mod common;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Where cgroup v2 is mounted (`/sys/fs/cgroup` or, on hybrid systems,
/// `/sys/fs/cgroup/unified`).
fn cgroup2_root() -> PathBuf {
    let mounts = std::fs::read_to_string("/proc/self/mounts").unwrap();
    let line = mounts
        .lines()
        .find(|l| l.split(' ').nth(2) == Some("cgroup2"))
        .expect("a cgroup2 file system is mounted");
    PathBuf::from(line.split(' ').nth(1).unwrap())
}

#[test]
fn a_cgroup_is_traced_with_its_id() {
    require_bpf();
    let group = cgroup2_root().join(format!("bob-capture-test-{}", std::process::id()));
    std::fs::create_dir(&group).unwrap();
    let id = std::fs::metadata(&group).unwrap().ino();
    let mut sh = Command::new("sh")
        .args(["-c", "read go; cat /etc/hostname >/dev/null"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    std::fs::write(group.join("cgroup.procs"), sh.id().to_string()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path(), &[]);
    opts.target = bob_capture::Target::Cgroup(group.clone());
    opts.duration = Some(Duration::from_secs(2));
    let capture = std::thread::spawn(move || capture(opts));
    let tmp = dir.path().join("source=capture/.test.parquet.tmp");
    let until = Instant::now() + Duration::from_secs(20);
    while !tmp.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    sh.stdin.take().unwrap().write_all(b"go\n").unwrap();
    assert!(sh.wait().unwrap().success());
    let (summary, rows) = capture.join().unwrap();
    std::fs::remove_dir(&group).unwrap();
    assert_no_drops(&summary);
    let cats: Vec<&Row> = of_kind(&rows, "exec")
        .into_iter()
        .filter(|r| r.comm.as_deref() == Some("cat"))
        .collect();
    assert_eq!(cats.len(), 1, "{rows:?}");
    assert_eq!(
        cats[0].argv.as_deref(),
        Some(&strs(&["cat", "/etc/hostname"])[..])
    );
    assert!(
        of_kind(&rows, "open")
            .iter()
            .any(|r| r.path.as_deref() == Some("/etc/hostname"))
    );
    // The test process itself is outside the group: none of its rows.
    assert!(rows.iter().all(|r| r.pid != Some(std::process::id())));
    assert_eq!(
        cats[0].cgroup_id,
        Some(id),
        "the cgroup id is the inode of its directory"
    );
}
