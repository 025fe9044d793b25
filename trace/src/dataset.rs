//! A dataset: a directory of trace files in hive-style partitions.
//!
//! `bob` writes `<dataset>/source=<source>/<name>.parquet`; any other
//! `key=value/` directories that users add are read too, and every
//! `*.parquet` file below the root belongs to the dataset. Hidden files
//! (the writer's `.tmp` files among them) are not.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use parquet::arrow::parquet_to_arrow_schema;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::error::TraceError;
use crate::schema::{SCHEMA_VERSION, SCHEMA_VERSION_KEY};

/// One trace file and the partition values of its directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataFile {
    pub path: PathBuf,
    /// `(key, value)` of every `key=value` directory between root and file.
    pub partitions: Vec<(String, String)>,
    pub rows: u64,
    /// The Arrow schema of the file, as its footer gives it.
    pub schema: SchemaRef,
}

/// The checked files of a dataset, sorted by path.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub root: PathBuf,
    pub files: Vec<DataFile>,
}

impl Dataset {
    /// Lists and checks every trace file under `root`: each must be Parquet
    /// and carry a schema version this build reads. A single `.parquet` file
    /// is a dataset of one file.
    pub fn open(root: &Path) -> Result<Dataset, TraceError> {
        let meta = std::fs::metadata(root).map_err(|e| TraceError::io(root, e))?;
        let mut paths = Vec::new();
        if meta.is_file() {
            paths.push((root.to_path_buf(), Vec::new()));
        } else {
            walk(root, &mut Vec::new(), &mut paths)?;
        }
        let mut files = Vec::with_capacity(paths.len());
        for (path, partitions) in paths {
            let (rows, schema) = read_footer(&path)?;
            files.push(DataFile {
                path,
                partitions,
                rows,
                schema,
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Dataset {
            root: root.to_path_buf(),
            files,
        })
    }

    /// Rows in all files.
    pub fn rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }

    /// The partition keys that occur, sorted. SQL sessions take them in this
    /// order, which is the directory order of what bob writes (`source=`
    /// alone); a hand-made layout whose nesting is not alphabetical
    /// (`source=x/cluster=y/`) is not read correctly, because the keys are
    /// not yet taken from the paths themselves.
    pub fn partition_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .files
            .iter()
            .flat_map(|f| f.partitions.iter().map(|(k, _)| k.clone()))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

fn walk(
    dir: &Path,
    parts: &mut Vec<(String, String)>,
    out: &mut Vec<(PathBuf, Vec<(String, String)>)>,
) -> Result<(), TraceError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| TraceError::io(dir, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| TraceError::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| TraceError::io(&path, e))?;
        if kind.is_dir() {
            let pushed = name
                .split_once('=')
                .map(|(k, v)| parts.push((k.into(), v.into())));
            walk(&path, parts, out)?;
            if pushed.is_some() {
                parts.pop();
            }
        } else if name.ends_with(".parquet") {
            out.push((path, parts.clone()));
        }
    }
    Ok(())
}

/// Checks that `path` is a bob trace of a version this build reads and
/// returns its row count.
pub fn check_file(path: &Path) -> Result<u64, TraceError> {
    read_footer(path).map(|(rows, _)| rows)
}

/// Checks `path` as [`check_file`] does and returns its row count and
/// Arrow schema, from one read of its footer.
fn read_footer(path: &Path) -> Result<(u64, SchemaRef), TraceError> {
    let file = File::open(path).map_err(|e| TraceError::io(path, e))?;
    let reader = SerializedFileReader::new(file).map_err(|source| TraceError::Parquet {
        path: path.into(),
        source,
    })?;
    let meta = reader.metadata().file_metadata();
    let version = meta
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|kv| kv.key == SCHEMA_VERSION_KEY))
        .and_then(|kv| kv.value.clone());
    match version.as_deref() {
        Some(SCHEMA_VERSION) => {
            let schema = parquet_to_arrow_schema(meta.schema_descr(), meta.key_value_metadata())
                .map_err(|source| TraceError::Parquet {
                    path: path.into(),
                    source,
                })?;
            Ok((meta.num_rows().max(0) as u64, Arc::new(schema)))
        }
        Some(v) => Err(TraceError::Version {
            path: path.into(),
            message: format!(
                "trace schema version {v} is not known to this bob (it reads version {SCHEMA_VERSION})"
            ),
        }),
        None => Err(TraceError::Version {
            path: path.into(),
            message: format!("not a bob trace: no `{SCHEMA_VERSION_KEY}` in the file's metadata"),
        }),
    }
}
