//! The trace format on disk: what the writer produces and the reader checks.

use std::fs::File;
use std::sync::Arc;

use arrow::array::{Array, AsArray, DictionaryArray};
use arrow::datatypes::{Int32Type, UInt64Type};
use bob_trace::{
    Class, Dataset, Environment, Event, Kind, Source, TraceError, TraceWriter, schema,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::reader::{FileReader, SerializedFileReader};

fn env() -> Arc<Environment> {
    let mut e = Environment::default();
    e.set("os", "debian-12");
    e.set("libc", "glibc-2.36");
    Arc::new(e)
}

fn open_event(i: u64) -> Event {
    let mut e = Event::new(Kind::Open, env());
    e.path = Some(format!("/etc/file{}", i % 3));
    e.flags = Some(vec!["O_RDONLY".into(), "O_CLOEXEC".into()]);
    e.count = i + 1;
    e.class = Class::Benign;
    e
}

#[test]
fn written_rows_read_back_with_dictionaries() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "run1").unwrap();
    for i in 0..20_000 {
        w.write(open_event(i)).unwrap();
    }
    let path = w.finish().unwrap();
    assert_eq!(path, dir.path().join("source=capture/run1.parquet"));

    let ds = Dataset::open(dir.path()).unwrap();
    assert_eq!(ds.rows(), 20_000);
    assert_eq!(
        ds.files[0].partitions,
        vec![("source".to_owned(), "capture".to_owned())]
    );

    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap();
    assert_eq!(reader.schema().fields(), schema().fields());
    let mut total = 0u64;
    for batch in reader.build().unwrap() {
        let batch = batch.unwrap();
        let paths: &DictionaryArray<Int32Type> =
            batch.column_by_name("path").unwrap().as_dictionary();
        assert!(
            paths.values().len() <= 3,
            "path is dictionary-encoded per batch"
        );
        let counts = batch
            .column_by_name("count")
            .unwrap()
            .as_primitive::<UInt64Type>();
        total += counts.iter().flatten().sum::<u64>();
        let os: &DictionaryArray<Int32Type> = batch.column_by_name("os").unwrap().as_dictionary();
        assert_eq!(os.values().as_string::<i32>().value(0), "debian-12");
        assert_eq!(batch.column_by_name("labels").unwrap().null_count(), 0);
    }
    assert_eq!(total, (1..=20_000u64).sum::<u64>());

    let meta = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
    let kv = meta
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap();
    assert!(
        kv.iter()
            .any(|k| k.key == "bob.schema_version" && k.value.as_deref() == Some("1"))
    );
    let col = meta.metadata().row_group(0).column(0);
    assert_eq!(
        col.compression(),
        parquet::basic::Compression::ZSTD(Default::default())
    );
}

#[test]
fn files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "secret").unwrap();
    w.write(open_event(1)).unwrap();
    let path = w.finish().unwrap();
    assert_eq!(
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn an_unfinished_writer_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut w = TraceWriter::create(dir.path(), Source::Capture, "crash").unwrap();
        for i in 0..10_000 {
            w.write(open_event(i)).unwrap();
        }
        // Dropped without finish, as on an error path.
    }
    let part = dir.path().join("source=capture");
    let left: Vec<_> = std::fs::read_dir(&part)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert_eq!(Dataset::open(dir.path()).unwrap().files.len(), 0);
}

#[test]
fn corrupt_and_foreign_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = TraceWriter::create(dir.path(), Source::Capture, "good").unwrap();
    w.write(open_event(1)).unwrap();
    let good = w.finish().unwrap();

    let bad = dir.path().join("source=capture/bad.parquet");
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 2]).unwrap();
    let err = Dataset::open(dir.path()).unwrap_err();
    assert!(matches!(err, TraceError::Parquet { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("bad.parquet: not a readable Parquet file"),
        "{err}"
    );
    std::fs::remove_file(&bad).unwrap();

    // A Parquet file without bob's version key.
    let foreign = dir.path().join("source=capture/foreign.parquet");
    let batch = arrow::record_batch::RecordBatch::try_from_iter([(
        "x",
        Arc::new(arrow::array::Int32Array::from(vec![1])) as _,
    )])
    .unwrap();
    let mut pw =
        parquet::arrow::ArrowWriter::try_new(File::create(&foreign).unwrap(), batch.schema(), None)
            .unwrap();
    pw.write(&batch).unwrap();
    pw.close().unwrap();
    let err = Dataset::open(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains("foreign.parquet: not a bob trace"),
        "{err}"
    );

    // A bob file of a future version.
    std::fs::remove_file(&foreign).unwrap();
    let future = dir.path().join("source=capture/future.parquet");
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            "bob.schema_version".to_owned(),
            "99".to_owned(),
        )]))
        .build();
    let mut pw = parquet::arrow::ArrowWriter::try_new(
        File::create(&future).unwrap(),
        batch.schema(),
        Some(props),
    )
    .unwrap();
    pw.write(&batch).unwrap();
    pw.close().unwrap();
    let err = Dataset::open(dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("future.parquet: trace schema version 99 is not known"),
        "{err}"
    );
}
