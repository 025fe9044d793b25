//! Shared by the capture tests: run a real capture (root and BPF needed;
//! the tests fail with a clear message when they are missing, never skip)
//! and read the written Parquet back with arrow.
#![allow(dead_code, reason = "each test file uses a different part")]

use std::fs::File;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Int64Type, UInt16Type, UInt32Type, UInt64Type};
use bob_capture::{Identity, Options, Summary, Target};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// One row, with the columns the tests look at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub kind: String,
    pub count: u64,
    pub pid: Option<u32>,
    pub ppid: Option<u32>,
    pub comm: Option<String>,
    pub path: Option<String>,
    pub flags: Option<Vec<String>>,
    pub argv: Option<Vec<String>>,
    pub argv_truncated: Option<bool>,
    pub syscall: Option<String>,
    pub capability: Option<String>,
    pub protocol: Option<String>,
    pub direction: Option<String>,
    pub local_addr: Option<String>,
    pub local_port: Option<u16>,
    pub remote_addr: Option<String>,
    pub remote_port: Option<u16>,
    pub domain: Option<String>,
    pub dns_type: Option<String>,
    pub ret: Option<i64>,
    pub container: Option<String>,
    pub os: Option<String>,
    pub kernel: Option<String>,
    pub first_seen: Option<i64>,
    pub cgroup_id: Option<u64>,
}

/// Fails the test unless this process may load eBPF programs.
pub fn require_bpf() {
    if let Err(e) = bob_capture::privilege::check() {
        panic!("these tests need root (CAP_BPF and CAP_PERFMON) and a BPF-capable kernel: {e}");
    }
}

/// Options for capturing `argv` into `dir`.
pub fn options(dir: &Path, argv: &[&str]) -> Options {
    Options {
        dataset: dir.to_path_buf(),
        run: "test".into(),
        target: Target::Command(argv.iter().map(|s| s.to_string()).collect()),
        duration: Some(std::time::Duration::from_secs(60)),
        identity: Identity {
            container: bob_trace::event::ContainerRef {
                name: Some("test".into()),
                ..Default::default()
            },
            run: Some("test".into()),
            ..Default::default()
        },
        labels: Vec::new(),
        redact: None,
        dns_port: 53,
        ring_bytes: 8 << 20,
        command_line: argv.join(" "),
    }
}

/// Runs a capture and returns its summary and rows.
pub fn capture(opts: Options) -> (Summary, Vec<Row>) {
    require_bpf();
    let stop = AtomicBool::new(false);
    let summary = match bob_capture::run(opts, &stop) {
        Ok(s) => s,
        Err(e) => panic!("capture failed: {}", chain(&e)),
    };
    let rows = read_rows(&summary.path);
    (summary, rows)
}

pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s += &format!(": {c}");
        cur = c.source();
    }
    s
}

fn strings(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
    let col = b
        .column_by_name(name)
        .unwrap_or_else(|| panic!("no column {name}"));
    let col = arrow::compute::cast(col, &DataType::Utf8).unwrap();
    let a = col.as_string::<i32>();
    (0..a.len())
        .map(|i| a.is_valid(i).then(|| a.value(i).to_owned()))
        .collect()
}

fn lists(b: &RecordBatch, name: &str) -> Vec<Option<Vec<String>>> {
    let a = b.column_by_name(name).unwrap().as_list::<i32>();
    (0..a.len())
        .map(|i| {
            a.is_valid(i).then(|| {
                let v = a.value(i);
                let s = v.as_string::<i32>();
                (0..s.len()).map(|j| s.value(j).to_owned()).collect()
            })
        })
        .collect()
}

macro_rules! prim {
    ($b:expr, $name:expr, $t:ty) => {{
        let a = $b.column_by_name($name).unwrap().as_primitive::<$t>();
        (0..a.len())
            .map(|i| a.is_valid(i).then(|| a.value(i)))
            .collect::<Vec<_>>()
    }};
}

/// Reads every row of one trace file.
pub fn read_rows(path: &Path) -> Vec<Row> {
    let file = File::open(path).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let b = batch.unwrap();
        let kind = strings(&b, "kind");
        let count = prim!(b, "count", UInt64Type);
        let pid = prim!(b, "pid", UInt32Type);
        let ppid = prim!(b, "ppid", UInt32Type);
        let comm = strings(&b, "comm");
        let path = strings(&b, "path");
        let flags = lists(&b, "flags");
        let argv = lists(&b, "argv");
        let trunc = b
            .column_by_name("argv_truncated")
            .unwrap()
            .as_boolean()
            .clone();
        let syscall = strings(&b, "syscall");
        let capability = strings(&b, "capability");
        let protocol = strings(&b, "protocol");
        let direction = strings(&b, "direction");
        let local_addr = strings(&b, "local_addr");
        let local_port = prim!(b, "local_port", UInt16Type);
        let remote_addr = strings(&b, "remote_addr");
        let remote_port = prim!(b, "remote_port", UInt16Type);
        let domain = strings(&b, "domain");
        let dns_type = strings(&b, "dns_type");
        let ret = prim!(b, "ret", Int64Type);
        let container = strings(&b, "container");
        let os = strings(&b, "os");
        let kernel = strings(&b, "kernel");
        let cgroup_id = prim!(b, "cgroup_id", UInt64Type);
        let first = b.column_by_name("first_seen").unwrap();
        let first = arrow::compute::cast(first, &DataType::Int64).unwrap();
        let first = first.as_primitive::<Int64Type>();
        for i in 0..b.num_rows() {
            out.push(Row {
                kind: kind[i].clone().unwrap(),
                count: count[i].unwrap(),
                pid: pid[i],
                ppid: ppid[i],
                comm: comm[i].clone(),
                path: path[i].clone(),
                flags: flags[i].clone(),
                argv: argv[i].clone(),
                argv_truncated: trunc.is_valid(i).then(|| trunc.value(i)),
                syscall: syscall[i].clone(),
                capability: capability[i].clone(),
                protocol: protocol[i].clone(),
                direction: direction[i].clone(),
                local_addr: local_addr[i].clone(),
                local_port: local_port[i],
                remote_addr: remote_addr[i].clone(),
                remote_port: remote_port[i],
                domain: domain[i].clone(),
                dns_type: dns_type[i].clone(),
                ret: ret[i],
                container: container[i].clone(),
                os: os[i].clone(),
                kernel: kernel[i].clone(),
                first_seen: first.is_valid(i).then(|| first.value(i)),
                cgroup_id: cgroup_id[i],
            });
        }
    }
    out
}

/// Rows of one kind.
pub fn of_kind<'a>(rows: &'a [Row], kind: &str) -> Vec<&'a Row> {
    rows.iter().filter(|r| r.kind == kind).collect()
}

/// Asserts that nothing was lost.
pub fn assert_no_drops(s: &Summary) {
    assert!(!s.drops.any_lost(), "records were lost: {:?}", s.drops);
}

/// Strings from `&str`s.
pub fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The environment variable that turns the `common::helper` test of a test
/// binary into a workload (see [`helper_argv`]).
pub const HELPER_ENV: &str = "BOB_CAPTURE_TEST_HELPER";

/// The argv that runs this test binary as a workload doing `action`.
pub fn helper_argv(action: &str) -> Vec<String> {
    let exe = std::env::current_exe()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    vec![
        "/usr/bin/env".into(),
        format!("{HELPER_ENV}={action}"),
        exe,
        "--exact".into(),
        "common::helper".into(),
        "--quiet".into(),
        "--nocapture".into(),
        "--test-threads=1".into(),
    ]
}

/// In a helper process, does what `HELPER_ENV` says; else nothing.
///
/// - `connect:PORT`: a TCP connect to 127.0.0.1:PORT, sends one line;
/// - `serve`: binds a TCP listener on 127.0.0.1, connects to it and
///   accepts the connection (bind, listen, outbound and inbound rows);
/// - `privilege`: checks that capturing is refused, naming CAP_BPF;
/// - `dns:PORT:NAME:N`: sends the same A query for NAME to 127.0.0.1:PORT
///   N times over UDP.
#[test]
fn helper() {
    let Ok(action) = std::env::var(HELPER_ENV) else {
        return;
    };
    let parts: Vec<&str> = action.split(':').collect();
    match parts[..] {
        ["connect", port] => {
            use std::io::Write;
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port.parse().unwrap())).unwrap();
            s.write_all(b"hello\n").unwrap();
        }
        ["dns", port, name, n] => {
            let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let port: u16 = port.parse().unwrap();
            for i in 0..n.parse::<u16>().unwrap() {
                let q = bob_capture::dns::encode_query(i + 1, name, 1);
                sock.send_to(&q, ("127.0.0.1", port)).unwrap();
            }
        }
        ["serve"] => {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let c = std::net::TcpStream::connect(l.local_addr().unwrap()).unwrap();
            let (a, _) = l.accept().unwrap();
            println!("PORT={}", l.local_addr().unwrap().port());
            drop((a, c));
        }
        ["privilege"] => {
            let dir = tempfile::tempdir().unwrap();
            let stop = AtomicBool::new(false);
            let err = bob_capture::run(options(dir.path(), &["true"]), &stop).unwrap_err();
            let msg = err.to_string();
            assert!(
                msg.contains("missing capability CAP_BPF, CAP_PERFMON"),
                "{msg}"
            );
            println!("REFUSED: {msg}");
        }
        _ => panic!("unknown helper action {action}"),
    }
}
