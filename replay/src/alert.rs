//! Alert lines in node-agent's stdout format (SEMANTICS.md §4).
//!
//! One JSON object per alert, written in dataset order (file, row, rule)
//! while the scan runs, so memory does not grow with the number of alerts.
//! Fields the trace does not record (pod name, cluster) are left out rather
//! than invented. `uniqueID` is the md5 of the rule's unique-id expression
//! (see [`dedup`](crate::dedup)); messages follow the rule files' `message`
//! expressions. With several candidates each line also carries
//! `"ReplayCandidate"`, a field node-agent does not have.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use bob_trace::Kind;
use serde_json::{Map, Value, json};

use crate::candidate::Candidate;
use crate::columns::Rows;
use crate::dedup::unique_source;
use crate::error::ReplayError;
use crate::rules::{Rule, RuleSet, Semantics};
use crate::scan::{Position, Sink};
use crate::verdict::RULES;

/// The alert line of `rule` firing on row `i`.
pub fn render(
    rule: Rule,
    rows: &Rows,
    i: usize,
    candidate: &Candidate,
    semantics: Semantics,
) -> Value {
    let s = |d: &crate::columns::Dict| d.get(i).map(str::to_owned);
    let comm = s(&rows.comm).unwrap_or_default();
    let pid = Rows::u32_at(&rows.pid, i);
    let kind = rows.kind.get(i).and_then(Kind::parse);
    let argv = rows.argv.get(i);
    let flags = rows.flags.get(i).unwrap_or_default();
    let path = s(&rows.path).unwrap_or_default();
    let syscall = s(&rows.syscall).unwrap_or_default();
    let addr = s(&rows.remote_addr).unwrap_or_default();
    let port = rows.remote_port_at(i);
    let proto = s(&rows.protocol).unwrap_or_default().to_ascii_uppercase();
    let container = s(&rows.container).unwrap_or_default();
    let exe = {
        let p = rows.path.get(i).or_else(|| rows.exe.get(i));
        crate::eval::exec_path(p, argv.as_deref(), rows.comm.get(i))
            .unwrap_or("")
            .to_owned()
    };
    let pid_s = pid.map_or_else(|| "0".to_owned(), |p| p.to_string());
    let arguments = match kind {
        Some(Kind::Exec) => json!({"exec": exe, "args": argv.clone().unwrap_or_default()}),
        Some(Kind::Open) => json!({"path": path, "flags": flags}),
        Some(Kind::Syscall) => json!({"syscall": syscall}),
        Some(Kind::Capability) => json!({"syscall": syscall, "capability": s(&rows.capability)}),
        Some(Kind::Dns) => {
            json!({"domain": s(&rows.domain), "addresses": [], "protocol": proto, "port": port})
        }
        _ => json!({"ip": addr, "port": port, "protocol": proto}),
    };
    let message = match rule {
        Rule::R0001 => format!("Unexpected process launched: {comm} with PID {pid_s}"),
        Rule::R0040 => {
            let args = argv.clone().unwrap_or_default().join(" ");
            format!("Unexpected process arguments: {comm} with PID {pid_s} argv={args}")
        }
        Rule::R0002 => {
            format!("Unexpected file access detected: {comm} with PID {pid_s} to {path}")
        }
        Rule::R0003 if semantics == Semantics::GoRules => {
            format!("Unexpected system call: {syscall}")
        }
        Rule::R0003 => format!("Unexpected system call detected: {syscall} with PID {pid_s}"),
        Rule::R0004 => format!(
            "Unexpected capability used: {} in syscall {syscall} with PID {pid_s}",
            s(&rows.capability).unwrap_or_default()
        ),
        Rule::R0005 => format!(
            "Unexpected domain communication: {} from: {container}",
            s(&rows.domain).unwrap_or_default()
        ),
        Rule::R0006 => {
            format!(
                "Unexpected access to service account token: {path} with flags: {}",
                flags.join(",")
            )
        }
        Rule::R0007 if kind == Some(Kind::Exec) => {
            format!("Kubernetes client ({comm}) was executed with PID {pid_s}")
        }
        Rule::R0007 => {
            format!("Network connection to Kubernetes API server from container {container}")
        }
        Rule::R0008 => {
            format!("Reading environment variables from procfs: {path} by process {comm}")
        }
        Rule::R0009 => format!(
            "bpf program load system call (bpf) was called by process ({comm}) with command (BPF_PROG_LOAD)"
        ),
        Rule::R0010 => format!("Unexpected sensitive file access: {path} by process {comm}"),
        Rule::R0011 => format!(
            "Unexpected egress network communication to: {addr}:{} using {proto} from: {container}",
            port.unwrap_or(0)
        ),
    };
    let mut k8s = Map::new();
    let mut put = |key: &str, v: Option<String>| {
        if let Some(v) = v {
            k8s.insert(key.to_owned(), Value::String(v));
        }
    };
    put("containerName", s(&rows.container));
    put("image", s(&rows.image));
    put("imageDigest", s(&rows.image_digest));
    put("namespace", s(&rows.namespace));
    put("containerID", s(&rows.container_id));
    put("workloadName", s(&rows.workload_name));
    put("workloadNamespace", s(&rows.namespace));
    put("workloadKind", s(&rows.workload_kind));
    let tree = json!({
        "pid": pid,
        "cmdline": argv.map(|a| a.join(" ")).unwrap_or_default(),
        "comm": comm,
        "ppid": Rows::u32_at(&rows.ppid, i),
        "uid": Rows::u32_at(&rows.uid, i),
        "gid": Rows::u32_at(&rows.gid, i),
        "cwd": s(&rows.cwd),
        "path": s(&rows.exe).unwrap_or(exe),
    });
    let timestamp = rows.first_seen_at(i).map(rfc3339);
    let slot = candidate.container_index(rows.workload_name.get(i), rows.container.get(i));
    let profile = slot.and_then(|k| candidate.containers[k].profile.clone());
    json!({
        "BaseRuntimeMetadata": {
            "alertName": rule.name(semantics),
            "arguments": arguments,
            "infectedPID": pid,
            "severity": rule.severity(semantics),
            "timestamp": timestamp,
            "uniqueID": crate::md5::hex(unique_source(rule, rows, i).as_bytes()),
            "profileMetadata": {"name": profile, "failOnProfile": true, "type": 0},
        },
        "RuleID": rule.id(),
        "RuntimeK8sDetails": Value::Object(k8s),
        "RuntimeProcessDetails": {"processTree": tree},
        "message": message,
    })
}

/// Nanoseconds since the epoch as RFC 3339 with nanoseconds, UTC.
pub fn rfc3339(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let frac = nanos.rem_euclid(1_000_000_000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (H. Hinnant's method).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:09}Z")
}

/// Writes every alert of a scan as a JSON line, in dataset order.
pub struct AlertSink<'a> {
    candidates: &'a [Candidate],
    semantics: Semantics,
    out: BufWriter<File>,
    path: PathBuf,
    /// Alert lines written.
    pub written: u64,
}

impl<'a> AlertSink<'a> {
    /// Creates (truncates) `path`.
    pub fn create(
        path: &Path,
        candidates: &'a [Candidate],
        semantics: Semantics,
    ) -> Result<Self, ReplayError> {
        let file = File::create(path).map_err(|e| ReplayError::Io {
            path: path.into(),
            source: e,
        })?;
        Ok(AlertSink {
            candidates,
            semantics,
            out: BufWriter::new(file),
            path: path.into(),
            written: 0,
        })
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<u64, ReplayError> {
        self.out.flush().map_err(|e| ReplayError::Io {
            path: self.path.clone(),
            source: e,
        })?;
        Ok(self.written)
    }
}

impl Sink for AlertSink<'_> {
    type Part = Vec<String>;

    fn part(&self) -> Vec<String> {
        Vec::new()
    }

    fn batch(&self, part: &mut Vec<String>, _at: Position, rows: &Rows, verdicts: &[Vec<u16>]) {
        let several = self.candidates.len() > 1;
        for i in 0..rows.len {
            for (c, v) in self.candidates.iter().zip(verdicts) {
                let rules = RuleSet(v[i] & RULES);
                for rule in rules.iter() {
                    let mut line = render(rule, rows, i, c, self.semantics);
                    if several {
                        line["ReplayCandidate"] = Value::String(c.name.clone());
                    }
                    part.push(line.to_string());
                }
            }
        }
    }

    fn merge(&mut self, part: Vec<String>) -> Result<(), ReplayError> {
        for line in part {
            writeln!(self.out, "{line}").map_err(|e| ReplayError::Io {
                path: self.path.clone(),
                source: e,
            })?;
            self.written += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_print_as_rfc3339() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00.000000000Z");
        assert_eq!(
            super::rfc3339(1_752_405_356_477_669_971),
            "2025-07-13T11:15:56.477669971Z"
        );
    }
}
