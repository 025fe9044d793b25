//! The evaluator's verdicts, computed once per dictionary value and cached
//! in tables, prefilled from the dictionary, carried across row groups and
//! remembered per program, equal the rules applied to each row on its own.
//! The dataset has several row groups per file so that every one of those
//! paths is taken, and it is checked in every semantics.

use std::sync::Mutex;

use bob_replay::columns::{OpenFile, Rows};
use bob_replay::scan::{Position, Sink, open_dataset, scan};
use bob_replay::verdict::{NO_PROFILE, OTHER_WORKLOAD};
use bob_replay::{Candidate, EvalOptions, ReplayOptions, RuleSet, Semantics, eval};
use bob_trace::Kind;
use bob_trace::synth::{SynthOptions, generate, write_profiles};

/// The verdict of row `i` for `c`, from the rules alone.
fn reference(c: &Candidate, opts: &EvalOptions, rows: &Rows, i: usize) -> u16 {
    let workload = rows.workload_name.get(i);
    if !c.covers_workload(workload) {
        return OTHER_WORKLOAD;
    }
    let Some(slot) = c.container_index(workload, rows.container.get(i)) else {
        return NO_PROFILE;
    };
    let m = &c.containers[slot];
    let semantics = opts.semantics;
    let none = RuleSet::EMPTY;
    let raw = match rows.kind.get(i).and_then(Kind::parse) {
        Some(Kind::Syscall) => rows.syscall.get(i).map_or(none, |s| {
            let argv = rows.argv.get(i);
            let command = argv.as_ref().and_then(|a| a.first()).map(String::as_str);
            eval::syscall(m, s, command)
        }),
        Some(Kind::Open) => rows.path.get(i).map_or(none, |p| {
            let flags = rows
                .flags
                .get(i)
                .filter(|_| semantics == Semantics::GoRules);
            eval::open(m, p, flags.as_deref(), semantics)
        }),
        Some(Kind::Exec) => eval::exec(
            m,
            rows.path.get(i).or_else(|| rows.exe.get(i)),
            rows.argv.get(i).as_deref(),
            rows.comm.get(i),
        ),
        Some(Kind::Capability) => rows
            .capability
            .get(i)
            .map_or(none, |x| eval::capability(m, x)),
        Some(Kind::Dns) => rows.domain.get(i).map_or(none, |d| eval::dns(m, d)),
        Some(Kind::Network) => rows.remote_addr.get(i).map_or(none, |a| {
            eval::network(m, rows.direction.get(i), a, &opts.api_servers)
        }),
        _ => none,
    };
    raw.0 & opts.enabled().0 & !m.policies.silenced(rows.comm.get(i)).0
}

struct Check<'a> {
    candidates: &'a [Candidate],
    opts: &'a EvalOptions,
    rows: u64,
    alerts: u64,
    wrong: Mutex<Vec<String>>,
}

impl Sink for Check<'_> {
    type Part = (u64, u64);

    fn part(&self) -> (u64, u64) {
        (0, 0)
    }

    fn batch(&self, part: &mut (u64, u64), at: Position, rows: &Rows, verdicts: &[Vec<u16>]) {
        for (c, v) in self.candidates.iter().zip(verdicts) {
            for (i, &got) in v.iter().enumerate() {
                let want = reference(c, self.opts, rows, i);
                part.0 += 1;
                part.1 += u64::from(want & bob_replay::verdict::RULES != 0);
                if got != want {
                    let mut wrong = self.wrong.lock().unwrap();
                    if wrong.len() < 10 {
                        wrong.push(format!(
                            "{} {:?} row {}: {} {:?} {:?}: got {got:#x}, want {want:#x}",
                            c.name,
                            at,
                            i,
                            rows.kind.get(i).unwrap_or("-"),
                            rows.path.get(i).or(rows.syscall.get(i)),
                            rows.argv.get(i),
                        ));
                    }
                }
            }
        }
    }

    fn merge(&mut self, part: (u64, u64)) -> Result<(), bob_replay::ReplayError> {
        self.rows += part.0;
        self.alerts += part.1;
        Ok(())
    }
}

/// Scans `files` with `eval` and checks every verdict against
/// [`reference`]; returns the rows compared and how many alert.
fn compare(files: &[OpenFile], candidates: &[Candidate], eval: EvalOptions) -> (u64, u64) {
    let options = ReplayOptions {
        eval: eval.clone(),
        ..Default::default()
    };
    let mut check = Check {
        candidates,
        opts: &eval,
        rows: 0,
        alerts: 0,
        wrong: Mutex::new(Vec::new()),
    };
    scan(files, candidates, &options, &mut check).unwrap();
    let wrong = check.wrong.into_inner().unwrap();
    assert!(
        wrong.is_empty(),
        "{:?}:\n{}",
        eval.semantics,
        wrong.join("\n")
    );
    (check.rows, check.alerts)
}

#[test]
fn cached_verdicts_equal_the_rules_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let opts = SynthOptions {
        rows: 400_000,
        envs: 3,
        seed: 7,
        workloads: 5,
        rows_per_file: 200_000,
        attack_runs: 0.3,
    };
    generate(&dir.path().join("dataset"), &opts).unwrap();
    write_profiles(&dir.path().join("profiles"), &opts).unwrap();
    let mut profiles: Vec<String> = std::fs::read_dir(dir.path().join("profiles"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    profiles.sort();
    assert!(profiles.len() >= 4, "{profiles:?}");
    // Every profile; and all but two, so that rows of other workloads and
    // rows without a profile occur too.
    let candidates = [
        Candidate::load(&profiles.join(",")).unwrap(),
        Candidate::load(&profiles[2..].join(",")).unwrap(),
    ];
    let files = open_dataset(&dir.path().join("dataset")).unwrap();
    assert!(
        files.iter().all(|f| f.row_groups() >= 2),
        "each file needs several row groups"
    );
    for semantics in [
        Semantics::Current,
        Semantics::Kubescape40,
        Semantics::GoRules,
    ] {
        let eval = EvalOptions {
            semantics,
            ..Default::default()
        };
        let (rows, alerts) = compare(&files, &candidates, eval);
        assert_eq!(rows, 2 * 400_000);
        // Attack runs alert, so the comparison covered alerting rows.
        assert!(alerts > 1000, "{semantics:?}: {alerts} alerts");
    }
}

/// Two workloads run the same program with the same argv, and the same
/// program runs under two names: the tables and the per-program memory
/// of execs must keep them apart.
#[test]
fn execs_alike_in_all_but_workload_or_comm_keep_their_own_verdicts() {
    use bob_trace::{Environment, Event, Source, TraceWriter};
    use std::sync::Arc;
    let profile = r#"
apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1
kind: ApplicationProfile
metadata:
  name: p
spec:
  containers:
  - name: app
    execs: [{path: /bin/sh, args: [sh, -c, x]}]
    opens: [{path: /etc/app.conf}]
"#;
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    for (workload, with_sh) in [("a", true), ("b", false)] {
        let text = profile.replace(
            "name: p",
            &format!("name: {workload}\n  labels: {{kubescape.io/workload-name: {workload}}}"),
        );
        let text = if with_sh {
            text
        } else {
            text.replace("/bin/sh", "/bin/true")
        };
        let path = dir.path().join(format!("{workload}.yaml"));
        std::fs::write(&path, text).unwrap();
        docs.push(path.display().to_string());
    }
    let candidate = Candidate::load(&docs.join(",")).unwrap();
    let env = Arc::new(Environment::default());
    let mut w = TraceWriter::create(&dir.path().join("ds"), Source::Capture, "t").unwrap();
    for n in 0..3000 {
        let mut e = Event::new(Kind::Exec, env.clone());
        e.container.workload_name = Some(["a", "b"][n % 2].into());
        e.container.name = Some("app".into());
        e.path = Some("/bin/sh".into());
        e.argv = Some(vec!["sh".into(), "-c".into(), "x".into()]);
        e.process.comm = Some(["sh", "sh", "kubectl", "kubectl"][n % 4].into());
        w.write(e).unwrap();
        let mut o = Event::new(Kind::Open, env.clone());
        o.container.workload_name = Some(["a", "b"][n % 2].into());
        o.container.name = Some("app".into());
        o.path = Some(["/etc/app.conf", "/etc/other.conf"][n / 2 % 2].into());
        w.write(o).unwrap();
    }
    w.finish().unwrap();
    let files = open_dataset(&dir.path().join("ds")).unwrap();
    let (rows, alerts) = compare(&files, &[candidate], EvalOptions::default());
    assert_eq!(rows, 6000);
    // b's execs (R0001, with R0007 under kubectl) and both workloads'
    // opens of /etc/other.conf.
    assert_eq!(alerts, 1500 + 1500);
}

/// `bpf` rows name their command in argv: against a profile without
/// `bpf`, every call is an unexpected syscall (R0003) and only program
/// loads, or calls whose command is unknown, are R0009.
#[test]
fn r0009_fires_on_program_loads_only() {
    use bob_trace::{Environment, Event, Source, TraceWriter};
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.yaml");
    std::fs::write(
        &path,
        "apiVersion: spdx.softwarecomposition.kubescape.io/v1beta1\n\
         kind: ContainerProfile\nmetadata: {name: p}\n\
         spec: {syscalls: [read]}\n",
    )
    .unwrap();
    let candidate = Candidate::load(&path.display().to_string()).unwrap();
    let env = Arc::new(Environment::default());
    let mut w = TraceWriter::create(&dir.path().join("ds"), Source::Capture, "t").unwrap();
    let commands = [
        Some("BPF_MAP_CREATE"),
        Some("BPF_PROG_LOAD"),
        None,
        Some("BPF_OBJ_GET"),
    ];
    for n in 0..400 {
        let mut e = Event::new(Kind::Syscall, env.clone());
        e.container.name = Some("p".into());
        e.process.comm = Some("loader".into());
        e.syscall = Some(if n % 5 == 4 { "read" } else { "bpf" }.into());
        e.argv = commands[n % 4].map(|c| vec![c.to_owned()]);
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let files = open_dataset(&dir.path().join("ds")).unwrap();
    let candidates = [candidate];
    compare(&files, &candidates, EvalOptions::default());
    let (boards, _) = bob_replay::replay(&files, &candidates, &ReplayOptions::default()).unwrap();
    let by_rule = &boards[0].alerts_by_rule;
    // Rows n with n % 5 != 4 call bpf; of those, n % 4 == 1 or 2 load.
    let bpf = (0..400).filter(|n| n % 5 != 4);
    let loads = bpf.clone().filter(|n| n % 4 == 1 || n % 4 == 2).count() as u64;
    assert_eq!(by_rule.get("R0003"), Some(&(bpf.count() as u64)));
    assert_eq!(by_rule.get("R0009"), Some(&loads));
    assert!(loads > 0 && loads < 320, "{loads}");
}
