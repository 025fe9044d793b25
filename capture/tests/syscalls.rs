//! Syscalls are counted in the kernel: `dd` writing N one-byte blocks makes
//! one `write` row of count N for its process, not N records.

mod common;
use common::*;

#[test]
fn writes_are_counted_exactly() {
    const N: u64 = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let count = format!("count={N}");
    let argv = [
        "dd",
        "if=/dev/zero",
        "of=/dev/null",
        "bs=1",
        &count,
        "status=none",
    ];
    let (summary, rows) = capture(options(dir.path(), &argv));
    assert_no_drops(&summary);
    let dd = of_kind(&rows, "exec")
        .iter()
        .find(|r| r.comm.as_deref() == Some("dd"))
        .unwrap()
        .pid;
    let calls = |name: &str| -> Vec<&Row> {
        of_kind(&rows, "syscall")
            .into_iter()
            .filter(|r| r.pid == dd && r.syscall.as_deref() == Some(name))
            .collect()
    };
    let writes = calls("write");
    assert_eq!(
        writes.len(),
        1,
        "one aggregated row per process and syscall"
    );
    assert_eq!(writes[0].count, N);
    assert!(calls("read")[0].count >= N);
    assert_eq!(
        calls("exit_group").len(),
        1,
        "exit_group is counted at process exit"
    );
    // A handful of records, not one per syscall.
    assert!(summary.records < 200, "{} records", summary.records);
}
