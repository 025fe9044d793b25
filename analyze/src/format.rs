//! How DataFusion reads trace files: their string columns as `Utf8View`.
//!
//! bob writes string columns dictionary-encoded, and each file's embedded
//! Arrow schema asks readers for Arrow dictionaries. That suits replay, which
//! evaluates once per dictionary value, but not SQL: DataFusion groups
//! dictionary columns through its row format, copying every value of every
//! row, while it groups `Utf8View` columns column by column, comparing
//! 16-byte views. Decoding a dictionary page straight to views is as cheap
//! as decoding it to keys, so [`TraceFormat`] hands the Parquet reader, per
//! file, the file's own schema with every `Dictionary(_, Utf8)` replaced by
//! `Utf8View`, and [`sql_schema`] is the table schema to match. On the
//! 10-million-row benchmark this halves the time DataFusion spends
//! grouping (see `analyze/bench/bench.py`).

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use async_trait::async_trait;
use bob_trace::Dataset;
use datafusion::catalog::Session;
use datafusion::common::{Result, Statistics};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::file_format::{FileFormat, FileMeta};
use datafusion::datasource::physical_plan::{FileScanConfig, FileSource};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::object_store::{ObjectMeta, ObjectStore};
use datafusion::physical_expr::LexOrdering;
use datafusion::physical_plan::ExecutionPlan;

use crate::error::AnalyzeError;

/// `data_type` made a `Utf8View` if it is a dictionary of strings (the
/// trace's lists and maps hold plain strings and stay as they are).
fn view_type(data_type: &DataType) -> DataType {
    match data_type {
        DataType::Dictionary(_, value) if value.as_ref() == &DataType::Utf8 => DataType::Utf8View,
        other => other.clone(),
    }
}

fn view_schema(schema: &Schema) -> Schema {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_data_type(view_type(f.data_type())))
        .collect();
    Schema::new_with_metadata(fields, schema.metadata().clone())
}

/// The schema SQL sees: the trace schema with string columns as `Utf8View`.
pub fn sql_schema() -> SchemaRef {
    Arc::new(view_schema(&bob_trace::schema()))
}

/// Parquet, read with each file's string columns as `Utf8View`.
#[derive(Debug)]
pub struct TraceFormat {
    inner: ParquetFormat,
    /// The reading schema of each file, by its object-store location
    /// (the absolute path without its leading `/`).
    schemas: HashMap<String, SchemaRef>,
}

impl TraceFormat {
    /// The format for the (already checked) files of `dataset`, reading with
    /// `inner`'s options.
    pub fn new(dataset: &Dataset, inner: ParquetFormat) -> Result<TraceFormat, AnalyzeError> {
        let mut schemas = HashMap::with_capacity(dataset.files.len());
        // The table is registered at the dataset root made canonical, and
        // files are listed below it as they are named there (a symlinked
        // file keeps its own name): the same locations here.
        let root =
            std::fs::canonicalize(&dataset.root).map_err(|e| AnalyzeError::io(&dataset.root, e))?;
        for f in &dataset.files {
            let path = match f.path.strip_prefix(&dataset.root) {
                Ok(rel) if !rel.as_os_str().is_empty() => root.join(rel),
                _ => root.clone(),
            };
            let location = path.to_string_lossy().trim_start_matches('/').to_owned();
            schemas.insert(location, Arc::new(view_schema(&f.schema)));
        }
        Ok(TraceFormat { inner, schemas })
    }
}

#[async_trait]
impl FileFormat for TraceFormat {
    fn get_ext(&self) -> String {
        self.inner.get_ext()
    }

    fn get_ext_with_compression(&self, c: &FileCompressionType) -> Result<String> {
        self.inner.get_ext_with_compression(c)
    }

    fn compression_type(&self) -> Option<FileCompressionType> {
        self.inner.compression_type()
    }

    async fn infer_schema(
        &self,
        state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        objects: &[ObjectMeta],
    ) -> Result<SchemaRef> {
        let schema = self.inner.infer_schema(state, store, objects).await?;
        Ok(Arc::new(view_schema(&schema)))
    }

    async fn infer_stats(
        &self,
        state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        table_schema: SchemaRef,
        object: &ObjectMeta,
    ) -> Result<Statistics> {
        self.inner
            .infer_stats(state, store, table_schema, object)
            .await
    }

    async fn infer_ordering(
        &self,
        state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        table_schema: SchemaRef,
        object: &ObjectMeta,
    ) -> Result<Option<LexOrdering>> {
        self.inner
            .infer_ordering(state, store, table_schema, object)
            .await
    }

    async fn infer_stats_and_ordering(
        &self,
        state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        table_schema: SchemaRef,
        object: &ObjectMeta,
    ) -> Result<FileMeta> {
        self.inner
            .infer_stats_and_ordering(state, store, table_schema, object)
            .await
    }

    async fn create_physical_plan(
        &self,
        state: &dyn Session,
        mut conf: FileScanConfig,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        for group in conf.file_groups.iter_mut() {
            for i in 0..group.len() {
                let file = &mut group[i];
                if let Some(schema) = self.schemas.get(file.object_meta.location.as_ref()) {
                    file.arrow_schema = Some(Arc::clone(schema));
                }
            }
        }
        self.inner.create_physical_plan(state, conf).await
    }

    fn file_source(&self, table_schema: TableSchema) -> Arc<dyn FileSource> {
        self.inner.file_source(table_schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bob_trace::{Environment, Event, Kind, Source, TraceWriter};

    /// Each file's reading schema is found under the location DataFusion
    /// lists it by: below the canonical root, a symlinked file by its own
    /// name.
    #[test]
    fn schemas_are_keyed_as_files_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let mut w = TraceWriter::create(elsewhere.path(), Source::Capture, "real").unwrap();
        w.write(Event::new(Kind::Syscall, Arc::new(Environment::default())))
            .unwrap();
        let real = w.finish().unwrap();
        let part = dir.path().join("source=capture");
        std::fs::create_dir_all(&part).unwrap();
        std::os::unix::fs::symlink(&real, part.join("linked.parquet")).unwrap();
        let dataset = Dataset::open(dir.path()).unwrap();
        let format = TraceFormat::new(&dataset, ParquetFormat::default()).unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let key = root.join("source=capture/linked.parquet");
        let key = key.to_string_lossy().trim_start_matches('/').to_owned();
        assert!(
            format.schemas.contains_key(&key),
            "{:?}",
            format.schemas.keys()
        );
        let kind = format.schemas[&key].field_with_name("kind").unwrap();
        assert_eq!(kind.data_type(), &DataType::Utf8View);
    }
}
