//! End-to-end tests of the `bob` binary on the real files of `../shared/data`:
//! import, sql, superset, deviations, merge, seccomp, and bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bob(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bob"))
        .args(args)
        .env("BOB_LOG", "warn")
        .output()
        .expect("bob runs")
}

fn ok(args: &[&str]) -> String {
    let out = bob(args);
    assert!(
        out.status.success(),
        "bob {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn shared(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data")
        .join(rel)
}

fn redis_profiles() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(shared("bob/profiles/redis"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("bob-redis-")
        })
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn import_redis(ds: &Path) {
    let mut args = vec!["import", "kubescape-profile"];
    let files = redis_profiles();
    args.extend(files.iter().map(String::as_str));
    let pattern = "bob-redis-{os}-{k8s_distribution}-{k8s_version}.yaml";
    args.extend(["-o", ds.to_str().unwrap(), "--name-pattern", pattern]);
    ok(&args);
}

#[test]
fn syscalls_per_environment_from_the_31_recordings() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("redis");
    import_redis(&ds);
    let query =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../queries/syscalls_per_environment.sql");
    let csv = ok(&[
        "sql",
        "-f",
        query.to_str().unwrap(),
        "--traces",
        ds.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "os,k8s_distribution,k8s_version,syscalls");
    assert_eq!(lines.len(), 32, "{csv}");
    assert!(lines.contains(&"ubuntu-22.04,k3s,v1.30.0,80"), "{csv}");
    assert!(lines.contains(&"ubuntu-24.04,k3s,v1.32.0,112"), "{csv}");
    let json = ok(&[
        "sql",
        "SELECT COUNT(*) AS n FROM events WHERE kind = 'syscall'",
        "-t",
        ds.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(
        v["n"], 2843,
        "the syscall lists of the 31 files hold 2843 entries"
    );
}

#[test]
fn duckdb_polars_and_pyarrow_read_a_dataset_bob_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("redis");
    import_redis(&ds);
    let script = r#"
import sys, duckdb, polars as pl, pyarrow.dataset as pds
root = sys.argv[1]
d = duckdb.connect().execute(
    "SELECT COUNT(*), COUNT(DISTINCT syscall), MIN(source) "
    f"FROM read_parquet('{root}/**/*.parquet', hive_partitioning=true) WHERE kind = 'syscall'"
).fetchone()
p = (pl.scan_parquet(f"{root}/**/*.parquet", hive_partitioning=True)
     .filter(pl.col("kind") == "syscall").select(pl.len()).collect().item())
a = pds.dataset(root, partitioning="hive").to_table(filter=pds.field("kind") == "syscall").num_rows
print(d[0], d[1], d[2], p, a)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&ds)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "2843 121 kubescape-profile 2843 2843"
    );
}

#[test]
fn alert_logs_report_broken_lines_and_keep_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("alerts");
    let logs: Vec<PathBuf> = [
        "anomaly-redis.json",
        "anomaly_redis_61.json",
        "redis_image_switch_full.json",
    ]
    .iter()
    .map(|f| shared(&format!("bob/alerts/{f}")))
    .collect();
    let mut args = vec!["import", "kubescape-alerts", "-o", ds.to_str().unwrap()];
    args.extend(logs.iter().map(|p| p.to_str().unwrap()));
    let out = bob(&args);
    assert_eq!(out.status.code(), Some(3), "broken lines give exit code 3");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("anomaly_redis_61.json: line 39: not JSON"),
        "{err}"
    );
    assert!(
        err.contains("redis_image_switch_full.json: line 12: not JSON"),
        "{err}"
    );
    let n = ok(&[
        "sql",
        "SELECT alert_rule, COUNT(*) AS n FROM events GROUP BY alert_rule ORDER BY alert_rule",
        "-t",
        ds.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(n, "alert_rule,n\nR0003,73\nR1001,1\n");
    args.push("--allow-broken");
    assert_eq!(bob(&args).status.code(), Some(0));
}

#[test]
fn superset_is_a_valid_deterministic_profile() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("redis");
    import_redis(&ds);
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    for out in [&a, &b] {
        ok(&[
            "superset",
            "--traces",
            ds.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
    }
    let (ya, yb) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(ya, yb, "two runs write the same bytes");
    let bob_doc = bob_profile::read_file(&a).unwrap();
    let ap = bob_doc.to_application_profile().unwrap();
    assert_eq!(
        ap.metadata.annotation("kubescape.io/managed-by"),
        Some("User")
    );
    assert_eq!(
        ap.metadata.annotation("kubescape.io/status"),
        Some("completed")
    );
    let c = ap.container("redis").unwrap();
    assert_eq!(c.syscalls().len(), 121);
    assert!(c.image_id.as_deref().unwrap().contains("@sha256:"));

    // merge of the same recordings gives the same container.
    let m = dir.path().join("m.yaml");
    let mut args = vec!["merge"];
    let files = redis_profiles();
    args.extend(files.iter().map(String::as_str));
    args.extend(["-o", m.to_str().unwrap()]);
    ok(&args);
    let merged = bob_profile::read_file(&m)
        .unwrap()
        .to_application_profile()
        .unwrap();
    let mc = merged.container("redis").unwrap();
    assert_eq!(
        (mc.syscalls(), mc.opens(), mc.execs()),
        (c.syscalls(), c.opens(), c.execs())
    );
    // The learned profiles carry R0001 process exemptions; merge unions them.
    let allowed = mc
        .rule_policy("R0001")
        .unwrap()
        .process_allowed
        .clone()
        .unwrap();
    assert!(allowed.contains(&"redis-server".to_string()), "{allowed:?}");

    // seccomp against containerd's RuntimeDefault.
    let sc = dir.path().join("sc.json");
    let rd = shared("seccomp/containerd-runtime-default.yaml");
    let text = ok(&[
        "seccomp",
        "--profile",
        a.to_str().unwrap(),
        "-o",
        sc.to_str().unwrap(),
        "--compare",
        rd.to_str().unwrap(),
        "--json",
    ]);
    let cmp: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        cmp["both"].as_u64().unwrap() + cmp["only_default"].as_array().unwrap().len() as u64,
        363
    );
    assert!(
        cmp["only_bob"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "pivot_root")
    );
    let seccomp: serde_json::Value = serde_json::from_slice(&std::fs::read(&sc).unwrap()).unwrap();
    assert_eq!(
        seccomp["syscalls"][0]["names"].as_array().unwrap().len(),
        121
    );
}

#[test]
fn deviations_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let ds = dir.path().join("redis");
    import_redis(&ds);
    let d = ds.to_str().unwrap();
    let json = ok(&[
        "deviations",
        "--traces",
        d,
        "--by",
        "os,k8s_distribution",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["environments"].as_array().unwrap().len(), 6);
    let csv = ok(&["deviations", "--traces", d, "--by", "os", "--format", "csv"]);
    assert!(csv.starts_with("workload,container,kind,item,environments,in_core,present_in\n"));
    assert!(
        csv.contains("bob-redis-master,redis,syscall,tgkill,2,true,ubuntu-22.04;ubuntu-24.04"),
        "{csv}"
    );
    let seed = shared("bob/profiles/redis/superset-bob.yaml");
    let md = ok(&[
        "deviations",
        "--traces",
        d,
        "--by",
        "os",
        "--format",
        "markdown",
        "--against",
        seed.to_str().unwrap(),
    ]);
    assert!(
        md.contains("| environment | adds | lacks | not in profile |"),
        "{md}"
    );
    assert!(
        md.contains("syscall:getrusage"),
        "the seed superset lacks getrusage: {md}"
    );
    let table = ok(&["deviations", "--traces", d, "--by", "os,k8s_version"]);
    assert!(
        table.contains("bob-redis-master / redis: 12 environments"),
        "{table}"
    );
}

#[test]
fn bad_input_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // A file that is not a BoB.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "apiVersion: v1\nkind: ConfigMap\n").unwrap();
    let ds = dir.path().join("ds");
    let out = bob(&[
        "import",
        "kubescape-profile",
        bad.to_str().unwrap(),
        "-o",
        ds.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bad.yaml: not a BoB: kind is `ConfigMap`")
    );
    assert!(!ds.exists(), "nothing written for a rejected import");
    // Malformed YAML.
    std::fs::write(&bad, "kind: [ApplicationProfile\n").unwrap();
    let out = bob(&[
        "merge",
        bad.to_str().unwrap(),
        "-o",
        dir.path().join("m.yaml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.yaml: malformed document"));
    assert!(!dir.path().join("m.yaml").exists());
    // A corrupt Parquet file in a dataset.
    import_redis(&ds);
    let corrupt = ds.join("source=kubescape-profile/zz-corrupt.parquet");
    std::fs::write(&corrupt, b"PAR1 this is not parquet").unwrap();
    let out_file = dir.path().join("out.yaml");
    let out = bob(&[
        "superset",
        "--traces",
        ds.to_str().unwrap(),
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("zz-corrupt.parquet: not a readable Parquet file")
    );
    assert!(!out_file.exists());
    std::fs::remove_file(&corrupt).unwrap();
    // A filter that selects nothing.
    let out = bob(&[
        "superset",
        "--traces",
        ds.to_str().unwrap(),
        "--where",
        "os = 'plan9'",
        "-o",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("filter selects no rows"));
    assert!(!out_file.exists());
    // A name pattern that does not fit.
    let out = bob(&[
        "import",
        "kubescape-profile",
        &redis_profiles()[0],
        "-o",
        ds.to_str().unwrap(),
        "--name-pattern",
        "x-{os}.yaml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("file name does not fit the pattern"));
}
