//! `bob_env(a, b, ...)`: the `env` column's SQL function.
//!
//! It returns what `concat_ws(' ', a, b, ...)` returns (the non-null
//! arguments joined by single spaces, an empty string when all are null),
//! but builds each distinct label once per run of rows: the labels of a
//! trace change from file to file, not from row to row, and joining six
//! strings for each of ten million rows was most of the time of the
//! deviation query. A row whose arguments are the same views as the row
//! before's reuses that row's label.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringViewArray, builder::make_view};
use arrow::buffer::{Buffer, ScalarBuffer};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// The name SQL calls it by.
pub const NAME: &str = "bob_env";

#[derive(Debug, PartialEq, Eq, Hash)]
struct EnvLabel {
    signature: Signature,
}

/// The function, to register with a session.
pub fn udf() -> ScalarUDF {
    ScalarUDF::from(EnvLabel {
        signature: Signature::variadic_any(Volatility::Immutable),
    })
}

impl ScalarUDFImpl for EnvLabel {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8View)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays: Vec<ArrayRef> = args
            .args
            .iter()
            .map(|a| Ok(cast(&a.to_array(rows)?, &DataType::Utf8View)?))
            .collect::<Result<_>>()?;
        let parts: Vec<&StringViewArray> = arrays.iter().map(|a| a.as_string_view()).collect();
        Ok(ColumnarValue::Array(Arc::new(labels(&parts, rows)?)))
    }
}

/// Whether row `i` of `part` may differ from row `i - 1`, for every row
/// (row 0 always may). Equal views are equal strings; unequal views may
/// still be equal strings, which only costs building a label again.
fn changes(parts: &[&StringViewArray], rows: usize) -> Vec<bool> {
    let mut changed = vec![false; rows];
    if rows > 0 {
        changed[0] = true;
    }
    for p in parts {
        let views = p.views();
        match p.nulls() {
            None => {
                for i in 1..rows {
                    changed[i] |= views[i] != views[i - 1];
                }
            }
            Some(n) => {
                for i in 1..rows {
                    let (a, b) = (n.is_valid(i), n.is_valid(i - 1));
                    changed[i] |= a != b || (a && views[i] != views[i - 1]);
                }
            }
        }
    }
    changed
}

/// The label of every row of `parts`.
fn labels(parts: &[&StringViewArray], rows: usize) -> Result<StringViewArray> {
    let changed = changes(parts, rows);
    let mut views: Vec<u128> = Vec::with_capacity(rows);
    let mut data: Vec<u8> = Vec::new();
    let mut last = 0u128;
    for (i, &new) in changed.iter().enumerate() {
        if !new {
            views.push(last);
            continue;
        }
        let start = data.len();
        let mut first = true;
        for p in parts.iter().filter(|p| p.is_valid(i)) {
            if !first {
                data.push(b' ');
            }
            first = false;
            data.extend_from_slice(p.value(i).as_bytes());
        }
        let offset = u32::try_from(start).map_err(|_| {
            datafusion::common::DataFusionError::Execution(
                "bob_env: the labels of one batch exceed 4 GiB".into(),
            )
        })?;
        last = make_view(&data[start..], 0, offset);
        views.push(last);
        // Labels of up to 12 bytes live in the view itself.
        if data.len() - start <= 12 {
            data.truncate(start);
        }
    }
    Ok(StringViewArray::try_new(
        ScalarBuffer::from(views),
        vec![Buffer::from_vec(data)],
        None,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cols: &[Vec<Option<&str>>]) -> Vec<String> {
        let arrays: Vec<StringViewArray> = cols
            .iter()
            .map(|c| StringViewArray::from(c.clone()))
            .collect();
        let refs: Vec<&StringViewArray> = arrays.iter().collect();
        let out = labels(&refs, cols[0].len()).unwrap();
        (0..out.len()).map(|i| out.value(i).to_owned()).collect()
    }

    #[test]
    fn joins_like_concat_ws_and_skips_nulls() {
        let long = "a-label-longer-than-twelve-bytes";
        let got = run(&[
            vec![
                Some("debian"),
                Some("debian"),
                None,
                Some(long),
                Some(long),
                None,
            ],
            vec![
                Some("1.30"),
                Some("1.30"),
                Some("1.31"),
                Some("x"),
                Some("y"),
                None,
            ],
            vec![Some(""), Some(""), Some("k3s"), None, None, None],
        ]);
        assert_eq!(
            got,
            [
                "debian 1.30 ",
                "debian 1.30 ",
                "1.31 k3s",
                &format!("{long} x"),
                &format!("{long} y"),
                "",
            ]
        );
    }

    #[test]
    fn a_null_after_a_value_is_not_the_same_row() {
        let got = run(&[vec![Some("a"), None, None, Some("a")], vec![Some("b"); 4]]);
        assert_eq!(got, ["a b", "b", "b", "a b"]);
    }
}
