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

/// The syscall rows of `perl -e SCRIPT`, its own and not its children's.
fn perl_syscalls(script: &str) -> Vec<Row> {
    let dir = tempfile::tempdir().unwrap();
    let (summary, rows) = capture(options(dir.path(), &["perl", "-e", script]));
    assert_no_drops(&summary);
    let perl = of_kind(&rows, "exec")
        .iter()
        .find(|r| r.comm.as_deref() == Some("perl"))
        .unwrap()
        .pid;
    rows.into_iter()
        .filter(|r| r.kind == "syscall" && r.pid == perl)
        .collect()
}

/// (syscall, count) of each row.
fn names_and_counts(rows: &[Row]) -> Vec<(&str, u64)> {
    rows.iter()
        .filter_map(|r| Some((r.syscall.as_deref()?, r.count)))
        .collect()
}

/// bpf(2) is counted per command, and the command is written in argv:
/// R0009 fires on program loads only. Every call fails (no attributes),
/// but the syscall was made, which is what node-agent sees too. A command
/// the kernel rejects for its number is counted apart, not as a load.
#[test]
fn bpf_calls_are_counted_per_command() {
    let rows = perl_syscalls(
        "syscall(321, 5, 0, 0); syscall(321, 5, 0, 0); syscall(321, 0, 0, 0); \
         syscall(321, 0x10005, 0, 0); syscall(321, 99, 0, 0);",
    );
    let mut bpf: Vec<(Vec<String>, u64)> = rows
        .iter()
        .filter(|r| r.syscall.as_deref() == Some("bpf"))
        .map(|r| (r.argv.clone().unwrap_or_default(), r.count))
        .collect();
    bpf.sort();
    assert_eq!(
        bpf,
        [
            (vec!["BPF_MAP_CREATE".to_owned()], 1),
            (vec!["BPF_PROG_LOAD".to_owned()], 2),
            (vec!["invalid".to_owned()], 2),
        ]
    );
}

/// A process that moves to another CPU counts its syscalls in that CPU's
/// slot of the per-CPU table too. Each row's first call is the earliest
/// that any slot saw, within the capture: never an unset slot's zero,
/// which would read as the machine's boot time.
#[test]
fn a_process_moved_between_cpus_keeps_its_first_times() {
    let cpus = allowed_cpus();
    assert!(
        cpus.len() >= 2,
        "this test needs two CPUs to move a process between, has {cpus:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    // The shell pins itself to one CPU, then to another, and makes the
    // same calls on each; a failed move fails the run.
    let script = format!(
        "set -e; taskset -pc {a} $$ >/dev/null; /bin/true; /bin/true; \
         taskset -pc {b} $$ >/dev/null; /bin/true; /bin/true",
        a = cpus[0],
        b = cpus[1]
    );
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i64
    };
    let start = now();
    let (summary, rows) = capture(options(dir.path(), &["sh", "-c", &script]));
    let end = now();
    assert_no_drops(&summary);
    assert!(
        summary.status.is_some_and(|s| s.success()),
        "{:?}",
        summary.status
    );
    let syscalls = of_kind(&rows, "syscall");
    assert!(syscalls.len() > 10, "{} syscall rows", syscalls.len());
    // A second of slack for the clock conversion.
    let window = (start - 1_000_000_000)..(end + 1_000_000_000);
    for r in syscalls {
        let first = r.first_seen.unwrap();
        assert!(
            window.contains(&first),
            "{:?} of pid {:?}: first call at {first}, capture from {start} to {end}",
            r.syscall,
            r.pid
        );
    }
}

/// The CPUs this process may run on (`Cpus_allowed_list` of
/// /proc/self/status: `0-1`, `0,2-3`).
fn allowed_cpus() -> Vec<u32> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let list = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .unwrap()
        .trim();
    let mut cpus = Vec::new();
    for part in list.split(',') {
        match part.split_once('-') {
            Some((a, b)) => cpus.extend(a.parse::<u32>().unwrap()..=b.parse().unwrap()),
            None => cpus.push(part.parse().unwrap()),
        }
    }
    cpus
}

/// A signal handler returns through rt_sigreturn, which the kernel reports
/// at sys_exit with its number cleared (-1): it is written as rt_sigreturn,
/// one per handled signal, as profiles recorded by node-agent list it.
/// (Before, the -1 came out as a `bpf` row or a `syscall_<n>` row.)
#[test]
fn returns_from_signal_handlers_are_rt_sigreturn() {
    let rows = perl_syscalls("$SIG{USR1} = sub {}; kill 'USR1', $$ for 1..3;");
    let calls = names_and_counts(&rows);
    assert!(calls.contains(&("rt_sigreturn", 3)), "{calls:?}");
    assert!(
        calls
            .iter()
            .all(|(n, _)| *n != "bpf" && !n.starts_with("syscall_")),
        "{calls:?}"
    );
}

/// Numbers that are no syscall (they fail with ENOSYS) share one row, so
/// that a program trying many cannot fill the table, and none of them
/// passes for a `bpf` command.
#[test]
fn numbers_that_are_no_syscall_share_one_row() {
    let rows = perl_syscalls("syscall(5000); syscall(0x80000005); syscall(99999);");
    let calls = names_and_counts(&rows);
    assert!(calls.contains(&("syscall_invalid", 3)), "{calls:?}");
    assert!(calls.iter().all(|(n, _)| *n != "bpf"), "{calls:?}");
}
