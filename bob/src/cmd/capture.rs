//! `bob capture`: record what a command or a cgroup does into a dataset.
//!
//! The work is in `bob-capture`; this module maps flags to its options,
//! installs the SIGINT/SIGTERM handlers and prints the summary (file, rows,
//! drops) to stderr. The traced command keeps bob's stdin, stdout and
//! stderr; bob itself writes only the trace file and log lines.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use bob_capture::{Identity, Options, Target};
use bob_trace::Class;
use bob_trace::event::ContainerRef;

/// Record what a program does (execs, opens, syscalls, network, DNS,
/// capabilities, forks and exits) with eBPF into a trace dataset.
///
/// Traces either the command after `--`, from its first instruction and
/// with every process it forks, or every task of a cgroup v2 group
/// (`--cgroup`). Writes `<DATASET>/source=capture/<RUN>.parquet`; the file
/// appears when the capture ends (the command exits, `--duration` passes,
/// or Ctrl-C / SIGTERM), and records lost to a full ring buffer are counted
/// in its metadata and printed. Needs CAP_BPF and CAP_PERFMON (root).
///
/// EXAMPLES:
///
///   # Trace a command and everything it starts:
///   bob capture -o data --class benign --container web -- nginx -g 'daemon off;'
///
///   # Trace a container's cgroup for ten minutes:
///   bob capture -o data --cgroup /sys/fs/cgroup/kubepods.slice/... --duration 10m
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct CaptureArgs {
    /// Dataset directory to write the trace into.
    ///
    /// Created if missing. The trace is written to
    /// `source=capture/<RUN>.parquet` below it, readable by its owner only.
    #[arg(short, long, value_name = "DATASET")]
    output: PathBuf,

    /// Name of this recording.
    ///
    /// Used as the file name and the `run` column. Default: `capture-`
    /// followed by the UTC start time and bob's pid.
    #[arg(long, value_name = "NAME")]
    run: Option<String>,

    /// Ground truth of the rows: benign, attack or unknown.
    ///
    /// Written to the `label` column for scoring. Choices: benign, attack,
    /// unknown. Default: unknown.
    #[arg(long, value_name = "CLASS", default_value = "unknown", value_parser = parse_class)]
    class: Class,

    /// Scenario name written in every row.
    ///
    /// Free text naming what the workload was doing. Default: none.
    #[arg(long, value_name = "NAME")]
    scenario: Option<String>,

    /// Container name written in every row.
    ///
    /// The analyze stage builds one profile entry per container name.
    /// Default: none.
    #[arg(long, value_name = "NAME")]
    container: Option<String>,

    /// Workload name written in every row.
    ///
    /// Together with --workload-kind and --namespace it says which
    /// profile the rows belong to. Default: none.
    #[arg(long, value_name = "NAME")]
    workload_name: Option<String>,

    /// Workload kind written in every row.
    ///
    /// E.g. Deployment, StatefulSet, DaemonSet. Default: none.
    #[arg(long, value_name = "KIND")]
    workload_kind: Option<String>,

    /// Kubernetes namespace written in every row.
    ///
    /// Default: none.
    #[arg(long, value_name = "NAMESPACE")]
    namespace: Option<String>,

    /// Container image written in every row.
    ///
    /// Default: none.
    #[arg(long, value_name = "IMAGE")]
    image: Option<String>,

    /// Add or override an environment label (repeatable).
    ///
    /// `key=value`. Detected labels are kernel, arch, os, distribution and
    /// runtime (where known); a --label with the same key wins. Other keys
    /// go to the free-form `labels` column.
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = bob_trace::env::parse_label)]
    labels: Vec<(String, String)>,

    /// Stop the capture after this long.
    ///
    /// A number with a unit: `500ms`, `30s`, `10m`, `2h` (plain numbers are
    /// seconds). A traced command still running then gets SIGTERM.
    /// Default: until the command exits, or Ctrl-C.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    duration: Option<Duration>,

    /// Trace a cgroup v2 group instead of a command.
    ///
    /// The directory of the group (a container's cgroup), e.g.
    /// `/sys/fs/cgroup/system.slice/foo.service`; its descendants are
    /// traced too. Conflicts with a command. Default: trace the command.
    #[arg(long, value_name = "PATH", conflicts_with = "command")]
    cgroup: Option<PathBuf>,

    /// Replace matches of this regex in argv values.
    ///
    /// Matches are replaced by `[REDACTED]` before anything reaches the
    /// disk, e.g. `--redact '(?i)(password|token)=\S+'`. Default: none.
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    redact: Option<bob_capture::Regex>,

    /// UDP port whose payload is read as DNS.
    ///
    /// Queries sent to this port are decoded into `dns` rows. Default: 53.
    #[arg(long, value_name = "PORT", default_value_t = 53)]
    dns_port: u16,

    /// Size of the kernel ring buffer in MiB.
    ///
    /// A power of two. A larger buffer rides out longer bursts; records
    /// that find it full are counted as drops. Default: 8.
    #[arg(long, value_name = "MIB", default_value_t = 8, value_parser = parse_ring)]
    ring_mib: u32,

    /// The command to trace, after `--`.
    ///
    /// Run with bob's stdin, stdout and stderr, traced from its first
    /// instruction with every process it starts. Conflicts with --cgroup.
    #[arg(last = true, value_name = "CMD")]
    command: Vec<String>,
}

fn parse_class(s: &str) -> Result<Class, String> {
    Class::parse(s).ok_or_else(|| format!("class `{s}` is not one of benign, attack, unknown"))
}

fn parse_regex(s: &str) -> Result<bob_capture::Regex, String> {
    bob_capture::Regex::new(s).map_err(|e| format!("--redact `{s}` is not a regex: {e}"))
}

fn parse_ring(s: &str) -> Result<u32, String> {
    let n: u32 = s
        .parse()
        .map_err(|_| format!("ring size `{s}` is not a number of MiB"))?;
    if !n.is_power_of_two() || n > 1024 {
        return Err(format!(
            "ring size {n} MiB must be a power of two up to 1024"
        ));
    }
    Ok(n)
}

/// Parses `500ms`, `30s`, `10m`, `2h` or a plain number of seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("duration `{s}` is not a number with unit ms, s, m or h");
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(bad()),
    };
    if !secs.is_finite() || secs <= 0.0 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
}

fn default_run() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (now / 86400, now % 86400);
    let (y, m, d) = civil_from_days(days as i64);
    let (hh, mm, ss) = (rem / 3600, rem / 60 % 60, rem % 60);
    format!(
        "capture-{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}Z-{}",
        std::process::id()
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub fn run(args: CaptureArgs) -> anyhow::Result<ExitCode> {
    let target = match (&args.cgroup, args.command.is_empty()) {
        (Some(p), _) => Target::Cgroup(p.clone()),
        (None, false) => Target::Command(args.command.clone()),
        (None, true) => {
            anyhow::bail!("nothing to trace: give a command after `--` or --cgroup PATH")
        }
    };
    let run = args.run.clone().unwrap_or_else(default_run);
    if run.is_empty() || run.contains('/') || run.starts_with('.') {
        anyhow::bail!("run name `{run}` must be non-empty, without `/`, and not start with `.`");
    }
    let command_line = std::env::args().collect::<Vec<_>>().join(" ");
    let opts = Options {
        dataset: args.output.clone(),
        run: run.clone(),
        target,
        duration: args.duration,
        identity: Identity {
            container: ContainerRef {
                namespace: args.namespace,
                workload_kind: args.workload_kind,
                workload_name: args.workload_name,
                name: args.container,
                image: args.image,
                ..ContainerRef::default()
            },
            run: Some(run),
            class: args.class,
            scenario: args.scenario,
        },
        labels: args.labels,
        redact: args.redact,
        dns_port: args.dns_port,
        ring_bytes: args.ring_mib << 20,
        command_line,
    };
    let stop = bob_capture::stop_on_signals();
    let summary = bob_capture::run(opts, stop)
        .with_context(|| format!("capture into `{}`", args.output.display()))?;
    let d = summary.drops;
    eprintln!(
        "capture: wrote {} rows to {} ({} records; dropped: {} events, {} syscall counts)",
        summary.rows,
        summary.path.display(),
        summary.records,
        d.events,
        d.syscalls
    );
    if d.any_lost() {
        tracing::warn!("some records were lost; a larger --ring-mib may help");
    }
    if let Some(status) = summary.status {
        tracing::info!("traced command ended: {status}");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("3d").is_err());
        assert!(parse_duration("0").is_err());
    }

    #[test]
    fn run_names_carry_the_date() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert!(default_run().starts_with("capture-"));
    }
}
