//! The columns replay reads from a trace batch, as dictionaries.
//!
//! String columns come back from Parquet as Arrow dictionaries; [`Dict`]
//! keeps keys and values apart so callers can evaluate each distinct value
//! once and then look verdicts up by key. A column a file lacks reads as all
//! null; a plain string column (a file not written by bob) is cast to a
//! dictionary on the way in.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, DictionaryArray, ListArray, StringArray, TimestampNanosecondArray,
    UInt16Array, UInt32Array,
};
use arrow::buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow::datatypes::{DataType, Int32Type};
use arrow::record_batch::RecordBatch;
use bob_trace::schema::col;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};

use crate::error::ReplayError;

/// Rows per decoded batch: large enough that per-batch work (dictionary
/// caches) is small beside per-row work.
pub const BATCH_ROWS: usize = 8 * 1024;

/// The environment columns, in the order reports print them.
pub const ENV_COLUMNS: [&str; 7] = [
    col::OS,
    col::DISTRIBUTION,
    col::K8S_DISTRIBUTION,
    col::K8S_VERSION,
    col::KERNEL,
    col::ARCH,
    col::RUNTIME,
];

/// The columns evaluation and scoring read.
pub const BASE_COLUMNS: [&str; 25] = [
    col::KIND,
    col::COMM,
    col::EXE,
    col::PATH,
    col::ARGV,
    col::SYSCALL,
    col::CAPABILITY,
    col::DOMAIN,
    col::REMOTE_ADDR,
    col::REMOTE_PORT,
    col::DIRECTION,
    col::PROTOCOL,
    col::WORKLOAD_NAME,
    col::CONTAINER,
    col::CONTAINER_ID,
    col::LABEL,
    col::SCENARIO,
    col::RUN,
    col::OS,
    col::DISTRIBUTION,
    col::K8S_DISTRIBUTION,
    col::K8S_VERSION,
    col::KERNEL,
    col::ARCH,
    col::RUNTIME,
];

/// The columns de-duplication reads when a dataset spans an hour or more
/// (see [`OpenFile::time_span`]): over a shorter span every repeat of an
/// alert falls in the hour after its first report.
pub const TIME_COLUMNS: [&str; 2] = [col::FIRST_SEEN, col::LAST_SEEN];

/// The columns only alert lines (and the Go rules' flags) need.
pub const ALERT_COLUMNS: [&str; 11] = [
    col::FLAGS,
    col::PID,
    col::PPID,
    col::UID,
    col::GID,
    col::CWD,
    col::NAMESPACE,
    col::WORKLOAD_KIND,
    col::IMAGE,
    col::IMAGE_DIGEST,
    col::FIRST_SEEN,
];

/// A dictionary-encoded string column of one batch.
#[derive(Clone)]
pub struct Dict {
    keys: ScalarBuffer<i32>,
    /// `None` when no row is null.
    nulls: Option<NullBuffer>,
    values: StringArray,
}

impl Dict {
    /// A column the file lacks: every row null (no key is ever read).
    /// `nulls` is a batch's all-null buffer, shared by its absent columns.
    fn absent(nulls: &Option<NullBuffer>) -> Dict {
        Dict {
            keys: ScalarBuffer::from(Vec::<i32>::new()),
            nulls: nulls.clone(),
            // One empty array for all: its identity stays from batch to
            // batch, and so do the caches keyed by it.
            values: EMPTY_VALUES
                .get_or_init(|| StringArray::new_null(0))
                .clone(),
        }
    }

    fn from_array(array: &ArrayRef) -> Result<Dict, String> {
        let dict_type = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        let cast;
        let array = if array.data_type() == &dict_type {
            array
        } else {
            cast = arrow::compute::cast(array, &dict_type).map_err(|e| e.to_string())?;
            &cast
        };
        let d = array
            .as_any()
            .downcast_ref::<DictionaryArray<Int32Type>>()
            .ok_or("string column is not a dictionary of utf8")?;
        let values = d
            .values()
            .as_any()
            .downcast_ref::<StringArray>()
            .ok_or("dictionary values are not utf8")?
            .clone();
        let keys = d.keys();
        // Parquet checks keys against the dictionary unless it is empty.
        if values.is_empty() && keys.len() > keys.null_count() {
            return Err("rows refer to an empty dictionary".into());
        }
        let nulls = keys.nulls().filter(|n| n.null_count() > 0).cloned();
        Ok(Dict {
            keys: keys.values().clone(),
            nulls,
            values,
        })
    }

    /// The key of row `i`, `None` when the row is null.
    #[inline(always)]
    pub fn key(&self, i: usize) -> Option<usize> {
        match &self.nulls {
            Some(n) if n.is_null(i) => None,
            _ => Some(self.keys[i] as usize),
        }
    }

    /// The key stored at row `i` whatever its validity (0 when there is
    /// none): only for callers that check validity when it matters.
    #[inline(always)]
    pub fn raw_key(&self, i: usize) -> usize {
        self.keys.get(i).copied().unwrap_or(0).max(0) as usize
    }

    /// Every row's key, when no row is null (and the column is present).
    #[inline]
    pub fn dense_keys(&self) -> Option<&[i32]> {
        (self.nulls.is_none() && !self.keys.is_empty()).then_some(&self.keys[..])
    }

    /// The stored keys, whatever their validity; empty for an absent
    /// column (see [`Dict::raw_key`]).
    #[inline]
    pub fn raw_keys(&self) -> &[i32] {
        &self.keys[..]
    }

    /// The key of row `i`, or [`Dict::values_len`] when the row is null:
    /// an index into a table of `values_len() + 1` entries.
    #[inline(always)]
    pub fn key_or_null(&self, i: usize) -> usize {
        self.key(i).unwrap_or(self.values.len())
    }

    /// The distinct values (some may be unused by any row).
    pub fn values_len(&self) -> usize {
        self.values.len()
    }

    /// The value of key `k`.
    #[inline]
    pub fn value(&self, k: usize) -> &str {
        self.values.value(k)
    }

    /// The value of row `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        self.key(i).map(|k| self.value(k))
    }

    /// An identity of the values array, to keep caches across the batches
    /// of one row group (Parquet hands every batch the same dictionary).
    /// It holds the values alive, so that no later dictionary can be given
    /// their addresses and pass for them.
    pub fn values_id(&self) -> DictId {
        DictId(Some((
            self.values.values().clone(),
            self.values.offsets().clone(),
        )))
    }

    /// Whether every row certainly has the same value (one dictionary value
    /// and no null, or every row null), without looking at the rows.
    pub fn is_constant(&self) -> bool {
        match &self.nulls {
            None => self.values.len() <= 1,
            Some(n) => n.null_count() == n.len(),
        }
    }
}

static EMPTY_VALUES: std::sync::OnceLock<StringArray> = std::sync::OnceLock::new();

/// See [`Dict::values_id`]; the default equals no dictionary's, not even
/// another default.
#[derive(Clone, Default)]
pub struct DictId(Option<(Buffer, OffsetBuffer<i32>)>);

impl PartialEq for DictId {
    fn eq(&self, other: &DictId) -> bool {
        match (&self.0, &other.0) {
            (Some((a, x)), Some((b, y))) => {
                a.as_ptr() == b.as_ptr()
                    && a.len() == b.len()
                    && x.as_ptr() == y.as_ptr()
                    && x.len() == y.len()
            }
            _ => false,
        }
    }
}

/// A `List<Utf8>` column (`argv`, `flags`).
#[derive(Clone)]
pub struct StrList(Option<ListArray>);

impl StrList {
    /// The first element of row `i`'s list, `None` when there is none.
    pub fn first(&self, i: usize) -> Option<&str> {
        let list = self.0.as_ref()?;
        if list.is_null(i) || list.value_length(i) == 0 {
            return None;
        }
        let values = list.values().as_any().downcast_ref::<StringArray>()?;
        Some(values.value(list.value_offsets()[i] as usize))
    }

    /// The list of row `i`, `None` when null or the column is absent.
    pub fn get(&self, i: usize) -> Option<Vec<String>> {
        let list = self.0.as_ref()?;
        if list.is_null(i) {
            return None;
        }
        let v = list.value(i);
        let s = v.as_any().downcast_ref::<StringArray>()?;
        Some((0..s.len()).map(|j| s.value(j).to_owned()).collect())
    }

    /// Writes row `i`'s list to `out` in a form equal for equal lists and
    /// only for them: a null marker, or each item's length (or a null
    /// marker) followed by the items' bytes, which the column already holds
    /// end to end. Lets callers hash and compare a list with one pass over
    /// one buffer.
    pub fn encode_at(&self, i: usize, out: &mut Vec<u8>) {
        out.clear();
        let Some(list) = self.0.as_ref().filter(|l| l.is_valid(i)) else {
            out.push(0);
            return;
        };
        let Some(values) = list.values().as_any().downcast_ref::<StringArray>() else {
            out.push(0);
            return;
        };
        out.push(1);
        let (start, end) = (
            list.value_offsets()[i] as usize,
            list.value_offsets()[i + 1] as usize,
        );
        let offsets = values.value_offsets();
        for j in start..end {
            let len = if values.is_valid(j) {
                (offsets[j + 1] - offsets[j]) as u32
            } else {
                u32::MAX
            };
            out.extend_from_slice(&len.to_le_bytes());
        }
        if end > start {
            let bytes = &values.value_data()[offsets[start] as usize..offsets[end] as usize];
            out.extend_from_slice(bytes);
        }
    }

    /// Whether row `i`'s list is the one `encoded` holds (as
    /// [`StrList::encode_at`] writes it), compared in place.
    pub fn eq_encoded(&self, i: usize, encoded: &[u8]) -> bool {
        let list = self.0.as_ref().filter(|l| l.is_valid(i));
        let Some((list, values)) =
            list.and_then(|l| Some((l, l.values().as_any().downcast_ref::<StringArray>()?)))
        else {
            return encoded == [0];
        };
        let (start, end) = (
            list.value_offsets()[i] as usize,
            list.value_offsets()[i + 1] as usize,
        );
        let n = end - start;
        if encoded.first() != Some(&1) || encoded.len() < 1 + 4 * n {
            return false;
        }
        let offsets = values.value_offsets();
        for j in 0..n {
            let len = if values.is_valid(start + j) {
                (offsets[start + j + 1] - offsets[start + j]) as u32
            } else {
                u32::MAX
            };
            if encoded[1 + 4 * j..5 + 4 * j] != len.to_le_bytes() {
                return false;
            }
        }
        let bytes = if n > 0 {
            &values.value_data()[offsets[start] as usize..offsets[end] as usize]
        } else {
            &[]
        };
        &encoded[1 + 4 * n..] == bytes
    }
}

/// One decoded batch of the columns replay reads.
pub struct Rows {
    pub len: usize,
    pub kind: Dict,
    pub comm: Dict,
    pub exe: Dict,
    pub path: Dict,
    pub argv: StrList,
    pub flags: StrList,
    pub syscall: Dict,
    pub capability: Dict,
    pub domain: Dict,
    pub remote_addr: Dict,
    pub remote_port: Option<UInt16Array>,
    pub direction: Dict,
    pub protocol: Dict,
    pub workload_name: Dict,
    pub container: Dict,
    pub container_id: Dict,
    pub label: Dict,
    pub scenario: Dict,
    pub run: Dict,
    pub env: [Dict; 7],
    pub pid: Option<UInt32Array>,
    pub ppid: Option<UInt32Array>,
    pub uid: Option<UInt32Array>,
    pub gid: Option<UInt32Array>,
    pub cwd: Dict,
    pub namespace: Dict,
    pub workload_kind: Dict,
    pub image: Dict,
    pub image_digest: Dict,
    pub first_seen: Option<TimestampNanosecondArray>,
    pub last_seen: Option<TimestampNanosecondArray>,
}

fn typed<T: Clone + 'static>(batch: &RecordBatch, name: &str) -> Option<T> {
    batch
        .column_by_name(name)?
        .as_any()
        .downcast_ref::<T>()
        .cloned()
}

impl Rows {
    /// The columns of a decoded batch; absent ones read as null.
    pub fn from_batch(batch: &RecordBatch) -> Result<Rows, String> {
        let rows = batch.num_rows();
        let all_null = (rows > 0).then(|| NullBuffer::new_null(rows));
        let d = |name: &str| match batch.column_by_name(name) {
            Some(a) => Dict::from_array(a).map_err(|e| format!("column `{name}`: {e}")),
            None => Ok(Dict::absent(&all_null)),
        };
        let list = |name: &str| StrList(typed::<ListArray>(batch, name));
        let env = [
            d(ENV_COLUMNS[0])?,
            d(ENV_COLUMNS[1])?,
            d(ENV_COLUMNS[2])?,
            d(ENV_COLUMNS[3])?,
            d(ENV_COLUMNS[4])?,
            d(ENV_COLUMNS[5])?,
            d(ENV_COLUMNS[6])?,
        ];
        Ok(Rows {
            len: batch.num_rows(),
            kind: d(col::KIND)?,
            comm: d(col::COMM)?,
            exe: d(col::EXE)?,
            path: d(col::PATH)?,
            argv: list(col::ARGV),
            flags: list(col::FLAGS),
            syscall: d(col::SYSCALL)?,
            capability: d(col::CAPABILITY)?,
            domain: d(col::DOMAIN)?,
            remote_addr: d(col::REMOTE_ADDR)?,
            remote_port: typed(batch, col::REMOTE_PORT),
            direction: d(col::DIRECTION)?,
            protocol: d(col::PROTOCOL)?,
            workload_name: d(col::WORKLOAD_NAME)?,
            container: d(col::CONTAINER)?,
            container_id: d(col::CONTAINER_ID)?,
            label: d(col::LABEL)?,
            scenario: d(col::SCENARIO)?,
            run: d(col::RUN)?,
            env,
            pid: typed(batch, col::PID),
            ppid: typed(batch, col::PPID),
            uid: typed(batch, col::UID),
            gid: typed(batch, col::GID),
            cwd: d(col::CWD)?,
            namespace: d(col::NAMESPACE)?,
            workload_kind: d(col::WORKLOAD_KIND)?,
            image: d(col::IMAGE)?,
            image_digest: d(col::IMAGE_DIGEST)?,
            first_seen: typed(batch, col::FIRST_SEEN),
            last_seen: typed(batch, col::LAST_SEEN),
        })
    }

    /// The remote port of row `i`.
    pub fn remote_port_at(&self, i: usize) -> Option<u16> {
        self.remote_port
            .as_ref()
            .filter(|c| c.is_valid(i))
            .map(|c| c.value(i))
    }

    /// The last-seen time of row `i`, nanoseconds since the epoch.
    pub fn last_seen_at(&self, i: usize) -> Option<i64> {
        self.last_seen
            .as_ref()
            .filter(|c| c.is_valid(i))
            .map(|c| c.value(i))
    }

    /// The first-seen time of row `i`, nanoseconds since the epoch.
    pub fn first_seen_at(&self, i: usize) -> Option<i64> {
        self.first_seen
            .as_ref()
            .filter(|c| c.is_valid(i))
            .map(|c| c.value(i))
    }

    /// A `u32` column's value at row `i`.
    pub fn u32_at(col: &Option<UInt32Array>, i: usize) -> Option<u32> {
        col.as_ref().filter(|c| c.is_valid(i)).map(|c| c.value(i))
    }
}

/// A trace file opened for reading: its footer parsed once.
pub struct OpenFile {
    pub path: std::path::PathBuf,
    meta: ArrowReaderMetadata,
}

impl OpenFile {
    /// Opens `path` and reads its footer.
    pub fn open(path: &Path) -> Result<OpenFile, ReplayError> {
        let file = File::open(path).map_err(|e| ReplayError::Io {
            path: path.into(),
            source: e,
        })?;
        let meta = ArrowReaderMetadata::load(&file, Default::default())
            .map_err(|e| ReplayError::decode(path, e))?;
        Ok(OpenFile {
            path: path.into(),
            meta,
        })
    }

    /// The earliest and the latest time of the file's rows, from its row
    /// groups' statistics.
    pub fn time_span(&self) -> TimeSpan {
        use parquet::file::statistics::Statistics;
        let meta = self.meta.metadata();
        let columns: Vec<usize> = meta
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                [col::FIRST_SEEN, col::LAST_SEEN].contains(&c.path().string().as_str())
            })
            .map(|(i, _)| i)
            .collect();
        let mut span = TimeSpan::NoTimes;
        for rg in meta.row_groups() {
            for &c in &columns {
                let Some(Statistics::Int64(v)) = rg.column(c).statistics() else {
                    return TimeSpan::Unknown;
                };
                if v.null_count_opt() == Some(rg.num_rows() as u64) {
                    continue;
                }
                // Both ends of both columns: de-duplication uses every time
                // a row has, and either column may be null where the other
                // is not.
                let (Some(&lo), Some(&hi)) = (v.min_opt(), v.max_opt()) else {
                    return TimeSpan::Unknown;
                };
                span = match span {
                    TimeSpan::Known(a, b) => TimeSpan::Known(a.min(lo), b.max(hi)),
                    _ => TimeSpan::Known(lo, hi),
                };
            }
        }
        span
    }

    /// The number of row groups.
    pub fn row_groups(&self) -> usize {
        self.meta.metadata().num_row_groups()
    }

    /// Decodes the columns `names` (those the file has) of one row group and
    /// hands each batch to `f`.
    pub fn read_row_group(
        &self,
        row_group: usize,
        names: &[&str],
        mut f: impl FnMut(&RecordBatch) -> Result<(), ReplayError>,
    ) -> Result<(), ReplayError> {
        let err = |e: &dyn std::fmt::Display| ReplayError::decode(&self.path, e);
        let schema = self.meta.schema();
        let roots: Vec<usize> = names
            .iter()
            .filter_map(|n| schema.index_of(n).ok())
            .collect();
        let file = File::open(&self.path).map_err(|e| ReplayError::Io {
            path: self.path.clone(),
            source: e,
        })?;
        let mask = ProjectionMask::roots(self.meta.parquet_schema(), roots);
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
            .with_projection(mask)
            .with_row_groups(vec![row_group])
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| err(&e))?;
        for batch in reader {
            f(&batch.map_err(|e| err(&e))?)?;
        }
        Ok(())
    }
}

/// What a file's statistics say of its rows' times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpan {
    /// No row has a time.
    NoTimes,
    /// From the earliest to the latest, nanoseconds since the epoch.
    Known(i64, i64),
    /// Times without statistics.
    Unknown,
}

/// Shared handle of the files of a dataset.
pub type Files = Arc<Vec<OpenFile>>;

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::ListBuilder;
    use arrow::array::StringBuilder;

    #[test]
    fn encoded_lists_are_equal_exactly_when_the_lists_are() {
        let lists: Vec<Option<Vec<Option<&str>>>> = vec![
            None,
            Some(vec![]),
            Some(vec![Some("")]),
            Some(vec![Some("sh"), Some("-c"), Some("id")]),
            Some(vec![Some("sh"), Some("-cid")]),
            Some(vec![Some("sh-c"), Some("id")]),
            Some(vec![Some("sh"), None, Some("id")]),
            Some(vec![Some("sh"), Some(""), Some("id")]),
            Some(vec![Some("sh"), Some("-c"), Some("id")]),
        ];
        let mut b = ListBuilder::new(StringBuilder::new());
        for l in &lists {
            match l {
                None => b.append_null(),
                Some(items) => {
                    for it in items {
                        b.values().append_option(*it);
                    }
                    b.append(true);
                }
            }
        }
        let col = StrList(Some(b.finish()));
        let enc: Vec<Vec<u8>> = (0..lists.len())
            .map(|i| {
                let mut v = Vec::new();
                col.encode_at(i, &mut v);
                v
            })
            .collect();
        for i in 0..lists.len() {
            for j in 0..lists.len() {
                let same = lists[i] == lists[j];
                assert_eq!(enc[i] == enc[j], same, "{i} {j}");
                assert_eq!(col.eq_encoded(i, &enc[j]), same, "{i} {j}");
            }
        }
        // An absent column reads as null lists.
        assert!(StrList(None).eq_encoded(0, &enc[0]));
    }
}
