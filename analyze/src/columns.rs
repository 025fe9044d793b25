//! Reading query results by column name, whatever string or list type
//! DataFusion chose (plain, view or dictionary).

use arrow::array::{Array, ArrayRef, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field};
use arrow::record_batch::RecordBatch;
use std::sync::Arc;

use crate::error::AnalyzeError;

/// A result column cast to a type that is easy to read.
pub enum Column {
    Str(ArrayRef),
    List(ArrayRef),
    U64(ArrayRef),
}

impl Column {
    /// The named column of `batch`, cast for reading.
    pub fn get(batch: &RecordBatch, name: &str) -> Result<Column, AnalyzeError> {
        let col = batch.column_by_name(name).ok_or_else(|| {
            AnalyzeError::Input(format!("the query result has no column `{name}`"))
        })?;
        let c = match col.data_type() {
            DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) => {
                let to = DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)));
                Column::List(cast(col, &to)?)
            }
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64 => Column::U64(cast(col, &DataType::UInt64)?),
            _ => Column::Str(cast(col, &DataType::Utf8)?),
        };
        Ok(c)
    }

    /// The string at `row`, `None` for null.
    pub fn str(&self, row: usize) -> Option<String> {
        match self {
            Column::Str(a) => {
                let s = a.as_string::<i32>();
                s.is_valid(row).then(|| s.value(row).to_owned())
            }
            Column::U64(a) => {
                let n = a.as_primitive::<arrow::datatypes::UInt64Type>();
                n.is_valid(row).then(|| n.value(row).to_string())
            }
            Column::List(_) => None,
        }
    }

    /// The list of strings at `row`, `None` for null.
    pub fn list(&self, row: usize) -> Option<Vec<String>> {
        let Column::List(a) = self else { return None };
        let l = a.as_list::<i32>();
        if !l.is_valid(row) {
            return None;
        }
        let v = l.value(row);
        let s = v.as_string::<i32>();
        Some(
            (0..s.len())
                .filter(|&i| s.is_valid(i))
                .map(|i| s.value(i).to_owned())
                .collect(),
        )
    }
}
