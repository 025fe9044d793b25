//! Query results as a terminal table, CSV, JSON lines or Parquet.

use std::io::Write;
use std::path::Path;

use arrow::record_batch::RecordBatch;

use crate::error::AnalyzeError;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    /// An aligned table for people.
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per row (JSON lines).
    Json,
    /// A Parquet file (needs an output file).
    Parquet,
}

/// Writes `batches` to `out` in a text format.
pub fn write_text(
    batches: &[RecordBatch],
    format: ResultFormat,
    out: &mut dyn Write,
) -> Result<(), AnalyzeError> {
    // Each batch is rendered to memory and then written, so that a failing
    // write (a closed pipe) is an I/O error and not a formatter's.
    let io = |e| AnalyzeError::io("<stdout>", e);
    let mut buf = Vec::new();
    match format {
        ResultFormat::Table => {
            let table = arrow::util::pretty::pretty_format_batches(batches)?;
            writeln!(out, "{table}").map_err(io)?;
        }
        ResultFormat::Csv => {
            for (n, b) in batches.iter().enumerate() {
                let mut w = arrow::csv::WriterBuilder::new()
                    .with_header(n == 0)
                    .build(&mut buf);
                w.write(&flatten_nested(b)?)?;
                drop(w);
                out.write_all(&buf).map_err(io)?;
                buf.clear();
            }
        }
        ResultFormat::Json => {
            for b in batches {
                let mut w = arrow::json::LineDelimitedWriter::new(&mut buf);
                w.write(b)?;
                w.finish()?;
                drop(w);
                out.write_all(&buf).map_err(io)?;
                buf.clear();
            }
        }
        ResultFormat::Parquet => {
            return Err(AnalyzeError::Input(
                "--format parquet needs an output file (-o FILE)".into(),
            ));
        }
    }
    out.flush().map_err(io)
}

/// Writes `batches` to the file `path`, through a temporary name.
pub fn write_file(
    batches: &[RecordBatch],
    format: ResultFormat,
    path: &Path,
) -> Result<(), AnalyzeError> {
    let mut bytes = Vec::new();
    if format == ResultFormat::Parquet {
        let Some(first) = batches.first() else {
            return Err(AnalyzeError::Input(
                "the query returned no batches to write as Parquet".into(),
            ));
        };
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::ZSTD(Default::default()))
            .build();
        let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, first.schema(), Some(props))
            .map_err(|e| AnalyzeError::Input(format!("{}: {e}", path.display())))?;
        for b in batches {
            w.write(b)
                .map_err(|e| AnalyzeError::Input(format!("{}: {e}", path.display())))?;
        }
        w.close()
            .map_err(|e| AnalyzeError::Input(format!("{}: {e}", path.display())))?;
    } else {
        write_text(batches, format, &mut bytes)?;
    }
    bob_profile::write_atomic(path, &bytes).map_err(|e| AnalyzeError::io(path, e))
}

/// The batch with list, map and struct columns rendered as text
/// (`[O_RDONLY, O_CLOEXEC]`), which is all CSV can hold.
fn flatten_nested(batch: &RecordBatch) -> Result<RecordBatch, AnalyzeError> {
    use arrow::array::{ArrayRef, StringBuilder};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::util::display::{ArrayFormatter, FormatOptions};
    use std::sync::Arc;

    if !batch
        .schema()
        .fields()
        .iter()
        .any(|f| f.data_type().is_nested())
    {
        return Ok(batch.clone());
    }
    let opts = FormatOptions::default();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    for (f, col) in batch.schema().fields().iter().zip(batch.columns()) {
        if !f.data_type().is_nested() {
            fields.push(f.as_ref().clone());
            columns.push(col.clone());
            continue;
        }
        let fmt = ArrayFormatter::try_new(col.as_ref(), &opts)?;
        let mut b = StringBuilder::new();
        for i in 0..col.len() {
            if col.is_null(i) {
                b.append_null();
            } else {
                b.append_value(fmt.value(i).to_string());
            }
        }
        fields.push(Field::new(f.name(), DataType::Utf8, true));
        columns.push(Arc::new(b.finish()));
    }
    Ok(RecordBatch::try_new(
        Arc::new(Schema::new(fields)),
        columns,
    )?)
}
