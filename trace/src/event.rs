//! One trace row as Rust code builds it.

use std::sync::Arc;

use crate::env::Environment;

/// What a row records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A program was executed (`path` is the executable, `argv` the arguments).
    Exec,
    /// A file was opened (`path`, `flags`).
    Open,
    /// A syscall was made (`syscall`; aggregated with `count`).
    Syscall,
    /// A connection, accept, bind or listen (`protocol`, `direction`, addresses).
    Network,
    /// A DNS query (`domain`, `dns_type`).
    Dns,
    /// A capability check (`capability`; `ret` 0 when granted).
    Capability,
    /// An HTTP endpoint (`path` is `:port/path`, `flags` the methods).
    Http,
    /// A process was forked (`pid` is the child, `ppid` the parent).
    Fork,
    /// A process exited (`ret` is the exit code).
    Exit,
}

impl Kind {
    /// Every kind, in column-value order.
    pub const ALL: [Kind; 9] = [
        Kind::Exec,
        Kind::Open,
        Kind::Syscall,
        Kind::Network,
        Kind::Dns,
        Kind::Capability,
        Kind::Http,
        Kind::Fork,
        Kind::Exit,
    ];

    /// The value of the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Exec => "exec",
            Kind::Open => "open",
            Kind::Syscall => "syscall",
            Kind::Network => "network",
            Kind::Dns => "dns",
            Kind::Capability => "capability",
            Kind::Http => "http",
            Kind::Fork => "fork",
            Kind::Exit => "exit",
        }
    }

    /// The kind of a `kind` column value.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a row came from: the `source` partition of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// Recorded by `bob capture`.
    Capture,
    /// Imported from a learned Kubescape profile.
    KubescapeProfile,
    /// Imported from a node-agent alert log.
    KubescapeAlert,
}

impl Source {
    /// The partition value (`source=<this>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Capture => "capture",
            Source::KubescapeProfile => "kubescape-profile",
            Source::KubescapeAlert => "kubescape-alert",
        }
    }
}

/// The ground truth of a row, for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Class {
    /// Normal behaviour of the workload.
    Benign,
    /// Behaviour caused by an attack.
    Attack,
    /// Not known.
    #[default]
    Unknown,
}

impl Class {
    /// The value of the `label` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Benign => "benign",
            Class::Attack => "attack",
            Class::Unknown => "unknown",
        }
    }

    /// The class of a `label` value.
    pub fn parse(s: &str) -> Option<Class> {
        match s {
            "benign" => Some(Class::Benign),
            "attack" => Some(Class::Attack),
            "unknown" => Some(Class::Unknown),
            _ => None,
        }
    }
}

/// The process a row belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Process {
    pub pid: Option<u32>,
    pub ppid: Option<u32>,
    pub comm: Option<String>,
    /// The executable path of the process.
    pub exe: Option<String>,
    pub cwd: Option<String>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// The container a row belongs to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerRef {
    pub namespace: Option<String>,
    pub workload_kind: Option<String>,
    pub workload_name: Option<String>,
    /// Container name, as profiles name containers.
    pub name: Option<String>,
    pub image: Option<String>,
    pub image_digest: Option<String>,
    pub container_id: Option<String>,
    pub cgroup_id: Option<u64>,
}

/// One observed behaviour. Fields that do not apply to the kind stay `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: Kind,
    /// First time seen, nanoseconds since the epoch (UTC).
    pub first_seen: Option<i64>,
    /// Last time seen; equal to `first_seen` for a single observation.
    pub last_seen: Option<i64>,
    /// How many observations this row stands for (at least 1).
    pub count: u64,
    pub process: Process,
    pub container: ContainerRef,
    pub env: Arc<Environment>,
    /// The recording this row belongs to (one capture, one imported file).
    pub run: Option<String>,
    pub class: Class,
    pub scenario: Option<String>,
    pub path: Option<String>,
    pub flags: Option<Vec<String>>,
    /// Exec: the arguments, argv[0] included. Syscall `bpf`: its command.
    pub argv: Option<Vec<String>>,
    pub argv_truncated: Option<bool>,
    pub syscall: Option<String>,
    pub capability: Option<String>,
    pub protocol: Option<String>,
    /// `outbound`, `inbound`, `bind` or `listen`.
    pub direction: Option<String>,
    pub local_addr: Option<String>,
    pub local_port: Option<u16>,
    pub remote_addr: Option<String>,
    pub remote_port: Option<u16>,
    pub domain: Option<String>,
    pub dns_type: Option<String>,
    /// The syscall's result: a file descriptor, 0, or a negative errno.
    pub ret: Option<i64>,
    /// For rows imported from alerts: the rule that fired upstream.
    pub alert_rule: Option<String>,
}

impl Event {
    /// An event of `kind` with everything else empty and a count of 1.
    pub fn new(kind: Kind, env: Arc<Environment>) -> Self {
        Event {
            kind,
            first_seen: None,
            last_seen: None,
            count: 1,
            process: Process::default(),
            container: ContainerRef::default(),
            env,
            run: None,
            class: Class::Unknown,
            scenario: None,
            path: None,
            flags: None,
            argv: None,
            argv_truncated: None,
            syscall: None,
            capability: None,
            protocol: None,
            direction: None,
            local_addr: None,
            local_port: None,
            remote_addr: None,
            remote_port: None,
            domain: None,
            dns_type: None,
            ret: None,
            alert_rule: None,
        }
    }
}
