//! Upstream's alert de-duplication: one alert per (rule, container, unique
//! id) where the unique id is the rule's `uniqueId` CEL expression.
//!
//! node-agent prints the md5 of that expression's value as `uniqueID` and
//! drops repeats of the same triple for an hour after it reported one.
//! Replay counts the same way from the rows' times: a triple is reported
//! at its earliest time, and again at the first time an hour or more after
//! the last report. An aggregated row (`count` above one) is taken as seen
//! at its first and at its last time; what happened in between is not
//! known, so for a triple repeating over hours the count is a lower bound.
//! Rows without a time join the first report. The container is its id
//! when the trace has one, else the run and container name. Keys are
//! first collected as dictionary keys (cheap integers) and turned into
//! strings once per row group.

use std::collections::{BTreeMap, HashMap};

use bob_trace::Kind;

use crate::columns::Rows;
use crate::eval::exec_path;
use crate::fxhash::FxBuild;
use crate::rules::Rule;

/// The value of a rule's `uniqueId` expression for row `i` (see the rule
/// files, `spec.rules[].expressions.uniqueId`).
pub fn unique_source(rule: Rule, rows: &Rows, i: usize) -> String {
    let comm = rows.comm.get(i).unwrap_or("");
    let path = rows.path.get(i).unwrap_or("");
    let argv = rows.argv.get(i);
    let exe = || {
        let p = rows.path.get(i).or_else(|| rows.exe.get(i));
        exec_path(p, argv.as_deref(), rows.comm.get(i))
            .unwrap_or("")
            .to_owned()
    };
    let addr = rows.remote_addr.get(i).unwrap_or("");
    match rule {
        Rule::R0001 => format!("{comm}_{}", exe()),
        Rule::R0040 => format!("{comm}_{}_{}", exe(), argv.unwrap_or_default().join(" ")),
        Rule::R0002 | Rule::R0010 => format!("{comm}_{path}"),
        Rule::R0003 => rows.syscall.get(i).unwrap_or("").to_owned(),
        Rule::R0004 => format!("{comm}_{}", rows.capability.get(i).unwrap_or("")),
        Rule::R0005 => format!("{comm}_{}", rows.domain.get(i).unwrap_or("")),
        Rule::R0006 | Rule::R0008 => comm.to_owned(),
        Rule::R0007 => match rows.kind.get(i).and_then(Kind::parse) {
            Some(Kind::Exec) => format!("exec_{comm}"),
            _ => format!("network_{addr}"),
        },
        Rule::R0009 => format!("{comm}_bpf_5"),
        Rule::R0011 => {
            let port = rows.remote_port_at(i).unwrap_or(0);
            let proto = rows.protocol.get(i).unwrap_or("").to_ascii_uppercase();
            format!("{addr}_{port}_{proto}")
        }
    }
}

/// The container a de-duplication key names.
pub fn container_ref(rows: &Rows, i: usize) -> String {
    match rows.container_id.get(i) {
        Some(id) => id.to_owned(),
        None => format!(
            "{}/{}",
            rows.run.get(i).unwrap_or(""),
            rows.container.get(i).unwrap_or("")
        ),
    }
}

type K = Option<u32>;

/// A de-duplication key in dictionary keys of one batch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DedupKey {
    rule: u8,
    container: (K, K, K),
    values: (K, K, K),
    /// What dictionary keys cannot say: an argv, or the whole unique id.
    text: Option<Vec<u8>>,
}

impl DedupKey {
    /// The key of rule `rule` firing on row `i`.
    pub fn of(rule: Rule, rows: &Rows, i: usize) -> DedupKey {
        let k = |d: &crate::columns::Dict| d.key(i).map(|k| k as u32);
        let container = match k(&rows.container_id) {
            Some(id) => (Some(id), None, None),
            None => (None, k(&rows.run), k(&rows.container)),
        };
        let comm = k(&rows.comm);
        // The program is its path when the row has one (see `exec_path`).
        let path = k(&rows.path).filter(|&p| !rows.path.value(p as usize).is_empty());
        let whole = || Some(unique_source(rule, rows, i).into_bytes());
        let (values, text) = match rule {
            Rule::R0002 | Rule::R0010 => ((comm, k(&rows.path), None), None),
            Rule::R0003 => ((k(&rows.syscall), None, None), None),
            Rule::R0004 => ((comm, k(&rows.capability), None), None),
            Rule::R0005 => ((comm, k(&rows.domain), None), None),
            Rule::R0006 | Rule::R0008 | Rule::R0009 => ((comm, None, None), None),
            Rule::R0001 if path.is_some() => ((comm, path, None), None),
            Rule::R0040 if path.is_some() => {
                let mut argv = Vec::new();
                rows.argv.encode_at(i, &mut argv);
                ((comm, path, None), Some(argv))
            }
            Rule::R0007 => ((k(&rows.kind), comm, k(&rows.remote_addr)), None),
            Rule::R0011 => {
                let port = rows.remote_port_at(i).map(u32::from);
                ((k(&rows.remote_addr), port, k(&rows.protocol)), None)
            }
            _ => ((None, None, None), whole()),
        };
        DedupKey {
            rule: rule as u8,
            container,
            values,
            text,
        }
    }
}

/// The de-duplication keys of the batches of one row group, with the
/// times each was seen. The batches of a row group share its
/// dictionaries, so a key is compared as dictionary keys and turned into
/// strings once, in the batch that first has it; when a batch has other
/// dictionaries (a new row group, or a column chunk that left dictionary
/// encoding) the keys are handed to [`Distinct`] and forgotten.
#[derive(Default)]
pub struct RowGroupKeys {
    ids: Vec<crate::columns::DictId>,
    /// Each key's index in `seen`.
    keys: HashMap<DedupKey, u32, FxBuild>,
    /// Per key: its strings once known, and its times.
    seen: Vec<(Option<Triple>, Vec<i64>)>,
    /// The rule, a row and the index of each key first seen in the
    /// current batch.
    fresh: Vec<(Rule, usize, u32)>,
}

/// (rule, container, unique id), as strings.
type Triple = (u8, String, String);

impl RowGroupKeys {
    /// Readies for a batch of `rows`; keys of other dictionaries go to
    /// `into`.
    pub fn start(&mut self, rows: &Rows, into: &mut Distinct) {
        self.fresh.clear();
        let same = self.ids.len() == DICTS
            && dicts(rows)
                .iter()
                .zip(&self.ids)
                .all(|(d, id)| d.values_id() == *id);
        if !same {
            self.flush(into);
            self.ids = dicts(rows).iter().map(|d| d.values_id()).collect();
        }
    }

    /// Records that `rule` fired on row `i`.
    pub fn insert(&mut self, rule: Rule, rows: &Rows, i: usize) {
        let next = self.seen.len() as u32;
        let at = *self.keys.entry(DedupKey::of(rule, rows, i)).or_insert(next);
        if at == next {
            self.seen.push((None, Vec::new()));
            self.fresh.push((rule, i, at));
        }
        let times = &mut self.seen[at as usize].1;
        let first = rows.first_seen_at(i);
        if let Some(t) = first {
            times.push(t);
        }
        if let Some(t) = rows.last_seen_at(i).filter(|&t| Some(t) != first) {
            times.push(t);
        }
    }

    /// Hands every key and its times to `into` and forgets them.
    pub fn flush(&mut self, into: &mut Distinct) {
        for (triple, times) in self.seen.drain(..) {
            if let Some(triple) = triple {
                into.0.entry(triple).or_default().extend(times);
            }
        }
        self.keys.clear();
    }
}

/// The dictionaries [`DedupKey`] takes keys of.
const DICTS: usize = 11;

fn dicts(rows: &Rows) -> [&crate::columns::Dict; DICTS] {
    [
        &rows.kind,
        &rows.comm,
        &rows.path,
        &rows.syscall,
        &rows.capability,
        &rows.domain,
        &rows.remote_addr,
        &rows.protocol,
        &rows.container_id,
        &rows.run,
        &rows.container,
    ]
}

/// Alerts as (rule, container, unique id) strings, with the times each was
/// seen.
#[derive(Default)]
pub struct Distinct(HashMap<Triple, Vec<i64>, FxBuild>);

/// How long node-agent drops repeats of a reported alert.
pub const WINDOW_NS: i64 = 3600 * 1_000_000_000;

impl Distinct {
    /// Gives the keys first seen in the batch `rows` their strings.
    pub fn absorb(&mut self, keys: &mut RowGroupKeys, rows: &Rows) {
        for (rule, i, at) in keys.fresh.drain(..) {
            keys.seen[at as usize].0 = Some((
                rule as u8,
                container_ref(rows, i),
                unique_source(rule, rows, i),
            ));
        }
    }

    /// Adds another set.
    pub fn merge(&mut self, other: Distinct) {
        if self.0.len() < other.0.len() {
            let mine = std::mem::replace(&mut self.0, other.0);
            self.merge(Distinct(mine));
            return;
        }
        for (k, t) in other.0 {
            self.0.entry(k).or_default().extend(t);
        }
    }

    /// Distinct alerts per rule.
    /// Alerts per rule after de-duplication: each triple's reports.
    pub fn by_rule(&self) -> BTreeMap<Rule, u64> {
        let mut out = BTreeMap::new();
        for ((r, _, _), times) in &self.0 {
            *out.entry(Rule::ALL[*r as usize]).or_default() += reports(times);
        }
        out
    }
}

/// How many times node-agent reports an alert seen at `times` (in any
/// order): the earliest, then the first an hour or more after the last
/// report. No known time is one report.
pub fn reports(times: &[i64]) -> u64 {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let Some(&first) = sorted.first() else {
        return 1;
    };
    let (mut n, mut last) = (1, first);
    for &t in &sorted[1..] {
        if t.saturating_sub(last) >= WINDOW_NS {
            n += 1;
            last = t;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_silences_its_repeats_for_an_hour() {
        let m = WINDOW_NS / 60;
        assert_eq!(reports(&[]), 1);
        assert_eq!(reports(&[5]), 1);
        assert_eq!(reports(&[0, 30 * m, 59 * m]), 1);
        assert_eq!(reports(&[61 * m, 0]), 2);
        assert_eq!(reports(&[0, 60 * m]), 2);
        // The window runs from the last report, not from the last repeat.
        assert_eq!(reports(&[0, 59 * m, 61 * m]), 2);
        assert_eq!(reports(&[0, 61 * m, 120 * m]), 2);
        assert_eq!(reports(&[0, 61 * m, 121 * m]), 3);
        assert_eq!(reports(&[i64::MIN, i64::MAX]), 2);
    }
}
