//! A streaming trace writer with bounded memory and atomic completion.
//!
//! Rows are buffered [`BATCH_ROWS`] at a time, turned into an Arrow batch and
//! handed to Parquet, which holds at most one row group in memory. The file
//! is written as `.<name>.parquet.tmp` and renamed to `<name>.parquet` by
//! [`TraceWriter::finish`]: a crash or an error leaves no half file under a
//! final name. Files are created readable by their owner only, since argv
//! and paths can hold secrets.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Int64Array, ListBuilder, MapBuilder, MapFieldNames, StringBuilder,
    StringDictionaryBuilder, TimestampNanosecondArray, UInt16Array, UInt32Array, UInt64Array,
};
use arrow::datatypes::Int32Type;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use crate::error::TraceError;
use crate::event::{Event, Source};
use crate::schema::{SCHEMA_VERSION, SCHEMA_VERSION_KEY, SOURCE_COLUMN, SOURCE_KEY, col, schema};

/// Rows buffered before they become an Arrow batch.
pub const BATCH_ROWS: usize = 8192;
/// Rows per Parquet row group: the most a reader or writer holds at once.
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Writes one trace file of a dataset.
pub struct TraceWriter {
    tmp: PathBuf,
    path: PathBuf,
    writer: Option<ArrowWriter<File>>,
    buffer: Vec<Event>,
    rows: u64,
}

impl TraceWriter {
    /// Starts `<dataset>/source=<source>/<name>.parquet`.
    pub fn create(dataset: &Path, source: Source, name: &str) -> Result<Self, TraceError> {
        let dir = dataset.join(format!("{SOURCE_COLUMN}={}", source.as_str()));
        std::fs::create_dir_all(&dir).map_err(|e| TraceError::io(&dir, e))?;
        let path = dir.join(format!("{name}.parquet"));
        let tmp = dir.join(format!(".{name}.parquet.tmp"));
        let file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(|e| TraceError::io(&tmp, e))?;
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(3).expect("level 3 is valid"),
            ))
            .set_dictionary_enabled(true)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_key_value_metadata(Some(vec![
                KeyValue::new(SCHEMA_VERSION_KEY.to_owned(), SCHEMA_VERSION.to_owned()),
                KeyValue::new(SOURCE_KEY.to_owned(), source.as_str().to_owned()),
            ]));
        // Times are nearly sorted nanoseconds, one per row: a dictionary
        // overflows and falls back to 8 plain bytes a row, deltas take a
        // few bits. They were the largest columns and the slowest to decode.
        for column in [col::FIRST_SEEN, col::LAST_SEEN] {
            let path = ColumnPath::from(column);
            props = props
                .set_column_dictionary_enabled(path.clone(), false)
                .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
        }
        let props = props.build();
        let writer = ArrowWriter::try_new(file, schema(), Some(props)).map_err(|source| {
            TraceError::Parquet {
                path: tmp.clone(),
                source,
            }
        })?;
        Ok(TraceWriter {
            tmp,
            path,
            writer: Some(writer),
            buffer: Vec::new(),
            rows: 0,
        })
    }

    /// The name the file gets when it is complete.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows + self.buffer.len() as u64
    }

    /// Appends one row.
    pub fn write(&mut self, event: Event) -> Result<(), TraceError> {
        self.buffer.push(event);
        if self.buffer.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Records a key-value pair in the file's metadata (drop counts, the
    /// command line of a capture).
    pub fn set_metadata(&mut self, key: &str, value: &str) {
        if let Some(w) = self.writer.as_mut() {
            w.append_key_value_metadata(KeyValue::new(key.to_owned(), value.to_owned()));
        }
    }

    fn flush(&mut self) -> Result<(), TraceError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let batch = to_batch(&self.buffer).map_err(|source| TraceError::Arrow {
            path: self.tmp.clone(),
            source,
        })?;
        let w = self.writer.as_mut().expect("writer is open until finish");
        w.write(&batch).map_err(|source| TraceError::Parquet {
            path: self.tmp.clone(),
            source,
        })?;
        self.rows += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// Writes what is buffered, closes the file and renames it into place.
    pub fn finish(mut self) -> Result<PathBuf, TraceError> {
        self.flush()?;
        let w = self.writer.take().expect("finish runs once");
        let file = w.into_inner().map_err(|source| TraceError::Parquet {
            path: self.tmp.clone(),
            source,
        })?;
        file.sync_all().map_err(|e| TraceError::io(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| TraceError::io(&self.path, e))?;
        Ok(self.path.clone())
    }
}

impl Drop for TraceWriter {
    fn drop(&mut self) {
        // Not finished: an error or a panic on the way. Remove the partial file
        // so no reader ever sees it.
        if self.writer.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Builds one Arrow batch of the trace schema from rows.
pub fn to_batch(rows: &[Event]) -> Result<RecordBatch, arrow::error::ArrowError> {
    let s = |f: fn(&Event) -> Option<&str>| dict_column(rows, f);
    let columns: Vec<ArrayRef> = vec![
        s(|e| Some(e.kind.as_str())),
        Arc::new(
            TimestampNanosecondArray::from_iter(rows.iter().map(|e| e.first_seen))
                .with_timezone("UTC"),
        ),
        Arc::new(
            TimestampNanosecondArray::from_iter(rows.iter().map(|e| e.last_seen))
                .with_timezone("UTC"),
        ),
        Arc::new(UInt64Array::from_iter_values(
            rows.iter().map(|e| e.count.max(1)),
        )),
        Arc::new(UInt32Array::from_iter(rows.iter().map(|e| e.process.pid))),
        Arc::new(UInt32Array::from_iter(rows.iter().map(|e| e.process.ppid))),
        s(|e| e.process.comm.as_deref()),
        s(|e| e.process.exe.as_deref()),
        s(|e| e.process.cwd.as_deref()),
        Arc::new(UInt32Array::from_iter(rows.iter().map(|e| e.process.uid))),
        Arc::new(UInt32Array::from_iter(rows.iter().map(|e| e.process.gid))),
        s(|e| e.container.namespace.as_deref()),
        s(|e| e.container.workload_kind.as_deref()),
        s(|e| e.container.workload_name.as_deref()),
        s(|e| e.container.name.as_deref()),
        s(|e| e.container.image.as_deref()),
        s(|e| e.container.image_digest.as_deref()),
        s(|e| e.container.container_id.as_deref()),
        Arc::new(UInt64Array::from_iter(
            rows.iter().map(|e| e.container.cgroup_id),
        )),
        s(|e| e.env.os.as_deref()),
        s(|e| e.env.distribution.as_deref()),
        s(|e| e.env.k8s_distribution.as_deref()),
        s(|e| e.env.k8s_version.as_deref()),
        s(|e| e.env.kernel.as_deref()),
        s(|e| e.env.arch.as_deref()),
        s(|e| e.env.runtime.as_deref()),
        labels_column(rows)?,
        s(|e| e.run.as_deref()),
        s(|e| Some(e.class.as_str())),
        s(|e| e.scenario.as_deref()),
        s(|e| e.path.as_deref()),
        list_column(rows, |e| e.flags.as_deref()),
        list_column(rows, |e| e.argv.as_deref()),
        Arc::new(BooleanArray::from_iter(
            rows.iter().map(|e| e.argv_truncated),
        )),
        s(|e| e.syscall.as_deref()),
        s(|e| e.capability.as_deref()),
        s(|e| e.protocol.as_deref()),
        s(|e| e.direction.as_deref()),
        s(|e| e.local_addr.as_deref()),
        Arc::new(UInt16Array::from_iter(rows.iter().map(|e| e.local_port))),
        s(|e| e.remote_addr.as_deref()),
        Arc::new(UInt16Array::from_iter(rows.iter().map(|e| e.remote_port))),
        s(|e| e.domain.as_deref()),
        s(|e| e.dns_type.as_deref()),
        Arc::new(Int64Array::from_iter(rows.iter().map(|e| e.ret))),
        s(|e| e.alert_rule.as_deref()),
    ];
    RecordBatch::try_new(schema(), columns)
}

fn dict_column(rows: &[Event], f: fn(&Event) -> Option<&str>) -> ArrayRef {
    let mut b = StringDictionaryBuilder::<Int32Type>::new();
    for e in rows {
        b.append_option(f(e));
    }
    Arc::new(b.finish())
}

fn list_column(rows: &[Event], f: fn(&Event) -> Option<&[String]>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for e in rows {
        match f(e) {
            Some(items) => {
                for i in items {
                    b.values().append_value(i);
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Arc::new(b.finish())
}

fn labels_column(rows: &[Event]) -> Result<ArrayRef, arrow::error::ArrowError> {
    let names = MapFieldNames {
        entry: "entries".into(),
        key: "key".into(),
        value: "value".into(),
    };
    let mut b = MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new());
    for e in rows {
        for (k, v) in &e.env.labels {
            b.keys().append_value(k);
            b.values().append_value(v);
        }
        b.append(true)?;
    }
    Ok(Arc::new(b.finish()))
}
