//! node-agent alert logs (JSON lines) to the events they describe.
//!
//! An alert line carries `BaseRuntimeMetadata.arguments` (what happened),
//! `RuntimeProcessDetails.processTree` (who did it) and `RuntimeK8sDetails`
//! (where). Each alert becomes one row of the kind its arguments describe,
//! with the rule that fired kept in `alert_rule`. Lines that are valid JSON
//! but not alerts (node-agent's own log lines) are skipped and counted;
//! lines that are not JSON are reported with their line numbers.

use std::sync::Arc;

use serde_json::Value;

use crate::env::Environment;
use crate::event::{Class, Event, Kind};
use crate::time::parse_rfc3339;

/// What one line of an alert log is.
pub enum Line {
    /// An alert and the event it describes.
    Alert(Box<Event>),
    /// Valid JSON that is not an alert.
    Other,
    /// Not JSON; the reason.
    Broken(String),
}

/// Labels for the rows of one log.
pub struct AlertRows<'a> {
    pub env: Arc<Environment>,
    pub class: Class,
    pub run: &'a str,
    pub scenario: &'a str,
}

/// Parses one line of a log.
pub fn parse_line(line: &str, ctx: &AlertRows<'_>) -> Line {
    let v: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return Line::Broken(e.to_string()),
    };
    let Some(base) = v.get("BaseRuntimeMetadata").filter(|b| b.is_object()) else {
        return Line::Other;
    };
    let rule = v.get("RuleID").and_then(Value::as_str).unwrap_or("");
    let args = base.get("arguments").filter(|a| a.is_object());
    let arg = |k: &str| {
        args.and_then(|a| a.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let tree = v.pointer("/RuntimeProcessDetails/processTree");
    let tstr = |k: &str| {
        tree.and_then(|t| t.get(k))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let tnum = |k: &str| {
        tree.and_then(|t| t.get(k))
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let k8s = v.get("RuntimeK8sDetails");
    let kstr = |k: &str| {
        k8s.and_then(|d| d.get(k))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };

    let kind = kind_of(rule, args);
    let mut env = (*ctx.env).clone();
    if let Some(cluster) = kstr("clusterName")
        && env.get("cluster").is_none()
    {
        env.set("cluster", &cluster);
    }
    let mut e = Event::new(kind, Arc::new(env));
    let time = v
        .pointer("/event/timestamp")
        .and_then(Value::as_i64)
        .or_else(|| {
            base.get("timestamp")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
        });
    e.first_seen = time;
    e.last_seen = time;
    e.class = ctx.class;
    e.run = Some(ctx.run.to_owned());
    e.scenario = Some(ctx.scenario.to_owned());
    e.alert_rule = Some(rule.to_owned()).filter(|r| !r.is_empty());
    e.process.pid = tnum("pid").or_else(|| {
        base.get("infectedPID")
            .and_then(Value::as_u64)
            .map(|p| p as u32)
    });
    e.process.ppid = tnum("ppid");
    e.process.comm = tstr("comm");
    e.process.exe = tstr("path");
    e.process.cwd = tstr("cwd");
    e.process.uid = tnum("uid");
    e.process.gid = tnum("gid");
    e.container.namespace = kstr("namespace");
    e.container.workload_kind = kstr("workloadKind");
    e.container.workload_name = kstr("workloadName");
    e.container.name = kstr("containerName");
    e.container.image = kstr("image");
    e.container.image_digest = kstr("imageDigest");
    e.container.container_id = kstr("containerID");
    match kind {
        Kind::Exec => {
            e.path = arg("exec").or_else(|| e.process.exe.clone());
            e.argv = args
                .and_then(|a| a.get("args"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .or_else(|| {
                    tstr("cmdline").map(|c| c.split_whitespace().map(str::to_owned).collect())
                });
        }
        Kind::Open => {
            e.path = arg("path");
            e.flags = args.and_then(|a| a.get("flags")).and_then(flags_of);
        }
        Kind::Syscall => e.syscall = arg("syscall"),
        Kind::Capability => {
            e.capability = arg("capability").map(|c| bob_profile::capability::normalize(&c));
            e.syscall = arg("syscall");
        }
        Kind::Dns => {
            e.domain = arg("domain");
            e.protocol = arg("protocol").map(|p| p.to_ascii_lowercase());
            e.remote_port = args
                .and_then(|a| a.get("port"))
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok());
        }
        Kind::Network => {
            e.direction = Some("outbound".into());
            e.remote_addr = arg("ip")
                .or_else(|| arg("dstIP"))
                .or_else(|| arg("address"));
            e.remote_port = args
                .and_then(|a| a.get("port"))
                .and_then(Value::as_u64)
                .and_then(|p| u16::try_from(p).ok());
            e.protocol = arg("protocol").map(|p| p.to_ascii_lowercase());
        }
        _ => {}
    }
    Line::Alert(Box::new(e))
}

fn flags_of(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        Value::String(s) => Some(
            s.split(['|', ','])
                .map(|f| f.trim().to_owned())
                .filter(|f| !f.is_empty())
                .collect(),
        ),
        _ => None,
    }
}

/// The kind of event an alert describes: from the shape of its arguments,
/// else from the rule that fired, else an exec of the alerting process.
fn kind_of(rule: &str, args: Option<&Value>) -> Kind {
    let has = |k: &str| args.is_some_and(|a| a.get(k).is_some());
    if has("capability") {
        return Kind::Capability;
    }
    if has("syscall") {
        return Kind::Syscall;
    }
    if has("domain") {
        return Kind::Dns;
    }
    if has("exec") || has("args") {
        return Kind::Exec;
    }
    if has("path") {
        return Kind::Open;
    }
    match rule {
        "R0002" | "R0006" | "R0008" | "R0010" => Kind::Open,
        "R0003" | "R0009" => Kind::Syscall,
        "R0004" => Kind::Capability,
        "R0005" => Kind::Dns,
        "R0011" => Kind::Network,
        _ => Kind::Exec,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> AlertRows<'static> {
        AlertRows {
            env: Arc::default(),
            class: Class::Unknown,
            run: "r",
            scenario: "s",
        }
    }

    #[test]
    fn syscall_alert() {
        let line = serde_json::json!({
            "BaseRuntimeMetadata": {
                "arguments": {"syscall": "accept4"},
                "timestamp": "2025-07-13T11:15:56Z"
            },
            "RuleID": "R0003",
            "RuntimeK8sDetails": {"containerName": "redis", "namespace": "bob", "clusterName": "c1"},
            "RuntimeProcessDetails": {
                "processTree": {"pid": 7, "comm": "redis-server", "path": "/opt/redis-server"}
            }
        })
        .to_string();
        let line = line.as_str();
        let Line::Alert(e) = parse_line(line, &ctx()) else {
            panic!("an alert")
        };
        assert_eq!(e.kind, Kind::Syscall);
        assert_eq!(e.syscall.as_deref(), Some("accept4"));
        assert_eq!(e.alert_rule.as_deref(), Some("R0003"));
        assert_eq!(e.process.pid, Some(7));
        assert_eq!(e.container.name.as_deref(), Some("redis"));
        assert_eq!(e.env.get("cluster"), Some("c1"));
        assert_eq!(e.first_seen, Some(1_752_405_356_000_000_000));
    }

    #[test]
    fn exec_and_open_alerts() {
        let exec = r#"{"BaseRuntimeMetadata":{"arguments":
            {"exec":"/bin/sh","args":["sh","-c","id"]}},"RuleID":"R0001"}"#;
        let Line::Alert(e) = parse_line(exec, &ctx()) else {
            panic!()
        };
        assert_eq!((e.kind, e.path.as_deref()), (Kind::Exec, Some("/bin/sh")));
        assert_eq!(e.argv.as_deref().unwrap().len(), 3);
        let open = r#"{"BaseRuntimeMetadata":{"arguments":
            {"path":"/etc/shadow","flags":["O_RDONLY"]}},"RuleID":"R0010"}"#;
        let Line::Alert(e) = parse_line(open, &ctx()) else {
            panic!()
        };
        assert_eq!(
            (e.kind, e.flags.as_deref().unwrap()[0].as_str()),
            (Kind::Open, "O_RDONLY")
        );
    }

    #[test]
    fn other_and_broken_lines() {
        assert!(matches!(
            parse_line(r#"{"level":"info","msg":"x"}"#, &ctx()),
            Line::Other
        ));
        assert!(matches!(
            parse_line(r#"{"level":"#, &ctx()),
            Line::Broken(_)
        ));
    }
}
