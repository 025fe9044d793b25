//! The Arrow schema of a trace file: the one definition every stage reads.
//!
//! Low-cardinality strings are Arrow dictionaries, which Parquet stores
//! dictionary-encoded and readers get back as dictionaries, so replay can
//! evaluate each distinct value once. The `source` column is not in the
//! files: it is the dataset's hive partition (`source=<value>/`).

use std::sync::{Arc, OnceLock};

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// The version of this schema, stored in every file's key-value metadata.
/// Bump it when a column changes meaning or type; readers refuse others.
pub const SCHEMA_VERSION: &str = "1";
/// The key-value metadata key of [`SCHEMA_VERSION`].
pub const SCHEMA_VERSION_KEY: &str = "bob.schema_version";
/// The metadata key naming the source of a file's rows.
pub const SOURCE_KEY: &str = "bob.source";
/// The name of the partition column.
pub const SOURCE_COLUMN: &str = "source";

/// Column names, in file order.
pub mod col {
    pub const KIND: &str = "kind";
    pub const FIRST_SEEN: &str = "first_seen";
    pub const LAST_SEEN: &str = "last_seen";
    pub const COUNT: &str = "count";
    pub const PID: &str = "pid";
    pub const PPID: &str = "ppid";
    pub const COMM: &str = "comm";
    pub const EXE: &str = "exe";
    pub const CWD: &str = "cwd";
    pub const UID: &str = "uid";
    pub const GID: &str = "gid";
    pub const NAMESPACE: &str = "namespace";
    pub const WORKLOAD_KIND: &str = "workload_kind";
    pub const WORKLOAD_NAME: &str = "workload_name";
    pub const CONTAINER: &str = "container";
    pub const IMAGE: &str = "image";
    pub const IMAGE_DIGEST: &str = "image_digest";
    pub const CONTAINER_ID: &str = "container_id";
    pub const CGROUP_ID: &str = "cgroup_id";
    pub const OS: &str = "os";
    pub const DISTRIBUTION: &str = "distribution";
    pub const K8S_DISTRIBUTION: &str = "k8s_distribution";
    pub const K8S_VERSION: &str = "k8s_version";
    pub const KERNEL: &str = "kernel";
    pub const ARCH: &str = "arch";
    pub const RUNTIME: &str = "runtime";
    pub const LABELS: &str = "labels";
    pub const RUN: &str = "run";
    pub const LABEL: &str = "label";
    pub const SCENARIO: &str = "scenario";
    pub const PATH: &str = "path";
    pub const FLAGS: &str = "flags";
    pub const ARGV: &str = "argv";
    pub const ARGV_TRUNCATED: &str = "argv_truncated";
    pub const SYSCALL: &str = "syscall";
    pub const CAPABILITY: &str = "capability";
    pub const PROTOCOL: &str = "protocol";
    pub const DIRECTION: &str = "direction";
    pub const LOCAL_ADDR: &str = "local_addr";
    pub const LOCAL_PORT: &str = "local_port";
    pub const REMOTE_ADDR: &str = "remote_addr";
    pub const REMOTE_PORT: &str = "remote_port";
    pub const DOMAIN: &str = "domain";
    pub const DNS_TYPE: &str = "dns_type";
    pub const RET: &str = "ret";
    pub const ALERT_RULE: &str = "alert_rule";
}

/// The type of every dictionary-encoded string column.
pub fn dict() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// The type of the `flags` and `argv` columns: lists of strings.
pub fn string_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
}

fn timestamp() -> DataType {
    DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
}

fn labels_type() -> DataType {
    let entries = Field::new(
        "entries",
        DataType::Struct(
            vec![
                Field::new("key", DataType::Utf8, false),
                Field::new("value", DataType::Utf8, true),
            ]
            .into(),
        ),
        false,
    );
    DataType::Map(Arc::new(entries), false)
}

/// The schema of a trace file (without the `source` partition column).
pub fn schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA.get_or_init(build).clone()
}

fn build() -> SchemaRef {
    use col::*;
    let d = |n: &str| Field::new(n, dict(), true);
    let u32f = |n: &str| Field::new(n, DataType::UInt32, true);
    Arc::new(Schema::new(vec![
        Field::new(KIND, dict(), false),
        Field::new(FIRST_SEEN, timestamp(), true),
        Field::new(LAST_SEEN, timestamp(), true),
        Field::new(COUNT, DataType::UInt64, false),
        u32f(PID),
        u32f(PPID),
        d(COMM),
        d(EXE),
        d(CWD),
        u32f(UID),
        u32f(GID),
        d(NAMESPACE),
        d(WORKLOAD_KIND),
        d(WORKLOAD_NAME),
        d(CONTAINER),
        d(IMAGE),
        d(IMAGE_DIGEST),
        d(CONTAINER_ID),
        Field::new(CGROUP_ID, DataType::UInt64, true),
        d(OS),
        d(DISTRIBUTION),
        d(K8S_DISTRIBUTION),
        d(K8S_VERSION),
        d(KERNEL),
        d(ARCH),
        d(RUNTIME),
        Field::new(LABELS, labels_type(), true),
        d(RUN),
        Field::new(LABEL, dict(), false),
        d(SCENARIO),
        d(PATH),
        Field::new(FLAGS, string_list(), true),
        Field::new(ARGV, string_list(), true),
        Field::new(ARGV_TRUNCATED, DataType::Boolean, true),
        d(SYSCALL),
        d(CAPABILITY),
        d(PROTOCOL),
        d(DIRECTION),
        d(LOCAL_ADDR),
        Field::new(LOCAL_PORT, DataType::UInt16, true),
        d(REMOTE_ADDR),
        Field::new(REMOTE_PORT, DataType::UInt16, true),
        d(DOMAIN),
        d(DNS_TYPE),
        Field::new(RET, DataType::Int64, true),
        d(ALERT_RULE),
    ]))
}
