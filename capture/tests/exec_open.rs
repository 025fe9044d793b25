//! `sh -c 'cat /etc/hostname; ls /etc'`: the exact exec rows with argv, and
//! the opens of /etc/hostname and /etc with their flags.

mod common;
use common::*;

#[test]
fn shell_pipeline_records_execs_and_opens() {
    let dir = tempfile::tempdir().unwrap();
    let argv = ["/bin/sh", "-c", "cat /etc/hostname; ls /etc"];
    let (summary, rows) = capture(options(dir.path(), &argv));
    assert_no_drops(&summary);
    for r in &rows {
        eprintln!("{r:?}");
    }
    let execs: Vec<(String, Vec<String>)> = of_kind(&rows, "exec")
        .iter()
        .map(|r| (r.path.clone().unwrap(), r.argv.clone().unwrap()))
        .collect();
    let cat = which("cat");
    let ls = which("ls");
    assert_eq!(
        execs,
        vec![
            ("/bin/sh".to_owned(), strs(&argv)),
            (cat, strs(&["cat", "/etc/hostname"])),
            (ls, strs(&["ls", "/etc"])),
        ]
    );
    assert!(
        of_kind(&rows, "exec")
            .iter()
            .all(|r| r.argv_truncated == Some(false) && r.ret == Some(0))
    );
    let opens = of_kind(&rows, "open");
    let hostname = opens
        .iter()
        .find(|r| r.path.as_deref() == Some("/etc/hostname"))
        .expect("open of /etc/hostname");
    assert_eq!(hostname.flags.as_deref(), Some(&strs(&["O_RDONLY"])[..]));
    assert!(hostname.ret.unwrap() >= 0);
    assert_eq!(hostname.comm.as_deref(), Some("cat"));
    let etc = opens
        .iter()
        .find(|r| r.path.as_deref() == Some("/etc"))
        .expect("open of /etc");
    assert_eq!(
        etc.flags.as_deref(),
        Some(&strs(&["O_RDONLY", "O_NONBLOCK", "O_DIRECTORY", "O_CLOEXEC"])[..])
    );
    assert_eq!(etc.comm.as_deref(), Some("ls"));
    // Every row carries the container identity and the detected labels.
    assert!(rows.iter().all(|r| r.container.as_deref() == Some("test")));
    assert!(rows.iter().all(|r| r.kernel.is_some()));
    // The process tree: two forks of sh, and three exits.
    assert_eq!(of_kind(&rows, "fork").len(), 2);
    assert_eq!(of_kind(&rows, "exit").len(), 3);
    assert!(
        of_kind(&rows, "syscall")
            .iter()
            .any(|r| r.syscall.as_deref() == Some("execve"))
    );
}

/// The path sh finds for `name` by PATH search, as the kernel sees it.
fn which(name: &str) -> String {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .map(|d| format!("{d}/{name}"))
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or_else(|| panic!("{name} not on PATH"))
}

#[test]
fn long_argv_is_truncated_and_secrets_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(5000);
    let argv = ["/bin/echo", "password=hunter2", long.as_str()];
    let mut opts = options(dir.path(), &argv);
    opts.redact = Some(bob_capture::Regex::new("password=\\S+").unwrap());
    let (summary, rows) = capture(opts);
    assert_no_drops(&summary);
    let execs = of_kind(&rows, "exec");
    assert_eq!(execs.len(), 1);
    let argv = execs[0].argv.as_ref().unwrap();
    assert_eq!(argv[..2], strs(&["/bin/echo", "[REDACTED]"]));
    assert_eq!(execs[0].argv_truncated, Some(true));
    let kept: usize = argv.iter().map(|a| a.len() + 1).sum();
    assert!(kept <= 4096 + 1 && argv[2].len() > 4000, "{kept}");
}

#[test]
fn without_privileges_the_error_names_the_capability() {
    require_bpf();
    let argv = helper_argv("privilege");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .args(&argv)
        .output()
        .expect("setpriv (util-linux) runs the helper as nobody");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("REFUSED: missing capability CAP_BPF"),
        "{stdout}"
    );
}

#[test]
fn failed_execve_attempts_of_a_path_search_are_not_execs() {
    let dir = tempfile::tempdir().unwrap();
    let argv = [
        "/bin/sh",
        "-c",
        "PATH=/nonexistent/a:/nonexistent/b:/usr/bin:/bin; true; exec true",
    ];
    let (summary, rows) = capture(options(dir.path(), &argv));
    assert_no_drops(&summary);
    let execs = of_kind(&rows, "exec");
    let paths: Vec<&str> = execs.iter().map(|r| r.path.as_deref().unwrap()).collect();
    assert_eq!(
        paths,
        ["/bin/sh", "/usr/bin/true"],
        "`true` is a builtin once, exec'd once"
    );
    let pid = execs[1].pid;
    let execve = of_kind(&rows, "syscall")
        .into_iter()
        .find(|r| r.pid == pid && r.syscall.as_deref() == Some("execve"))
        .expect("execve counted");
    assert_eq!(
        execve.count, 4,
        "the sh exec, two failed attempts and the success"
    );
}

#[test]
fn relative_opens_are_made_absolute_against_the_cwd() {
    let dir = tempfile::tempdir().unwrap();
    let argv = [
        "/bin/sh",
        "-c",
        "cd /etc && cat hostname ./hostname ../etc/hostname >/dev/null",
    ];
    let (summary, rows) = capture(options(dir.path(), &argv));
    assert_no_drops(&summary);
    let cat: Vec<&Row> = of_kind(&rows, "open")
        .into_iter()
        .filter(|r| r.comm.as_deref() == Some("cat") && r.path.as_deref() == Some("/etc/hostname"))
        .collect();
    // Three spellings of one file: three kernel records (the strings
    // differ), three rows with the same absolute path.
    assert_eq!(cat.len(), 3, "{:?}", of_kind(&rows, "open"));
    assert!(cat.iter().all(|r| r.ret.unwrap() >= 0));
}
