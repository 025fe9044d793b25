//! The bob trace format: one Parquet row per observed behaviour.
//!
//! [`schema`] defines the columns once for every stage; [`Event`] is the row
//! as Rust code builds it; [`TraceWriter`] streams rows to a zstd-compressed
//! Parquet file under a temporary name; [`dataset`] lists and checks the
//! files of a dataset directory (hive-style `source=<source>/` partitions);
//! [`import`] turns Kubescape profiles and alert logs into rows.
//!
//! The format is described for users in `docs/trace-format.md`.

pub mod dataset;
pub mod env;
pub mod error;
pub mod event;
pub mod import;
pub mod schema;
pub mod synth;
pub mod time;
pub mod writer;

pub use dataset::{DataFile, Dataset};
pub use env::Environment;
pub use error::TraceError;
pub use event::{Class, Event, Kind, Source};
pub use schema::{SCHEMA_VERSION, SCHEMA_VERSION_KEY, schema};
pub use writer::TraceWriter;
