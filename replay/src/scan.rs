//! The streaming, parallel pass over a dataset.
//!
//! The unit of work is one row group of one file. Row groups are handed to
//! rayon a window at a time; every worker decodes its row group batch by
//! batch, computes the verdicts of every candidate and passes them to a
//! [`Sink`], which folds them into a partial result. Partials are merged in
//! file and row-group order, so every output is deterministic, and at most
//! one window of partials is alive: memory stays bounded whatever the size
//! of the dataset.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bob_trace::Dataset;
use rayon::prelude::*;

use crate::candidate::Candidate;
use crate::columns::{ALERT_COLUMNS, BASE_COLUMNS, OpenFile, Rows, TIME_COLUMNS, TimeSpan};
use crate::error::ReplayError;
use crate::eval::EvalOptions;
use crate::score::{ScoreSink, Scoreboard};
use crate::verdict::Evaluator;

/// What to evaluate and which columns to read.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    pub eval: EvalOptions,
    /// Read the columns alert lines print (pid, image, flags, ...).
    pub alert_columns: bool,
    /// Do not read the rows' times for de-duplication: saves decoding two
    /// timestamp columns on datasets that span an hour or more. Every
    /// repeat of an alert in a container then counts once however far
    /// apart, unless the times are read anyway (`alert_columns`, the Go
    /// rules' flags), in which case `first_seen` is used.
    pub no_dedup_window: bool,
}

impl ReplayOptions {
    /// The columns a scan of `files` with these options decodes.
    pub fn columns(&self, files: &[OpenFile]) -> Vec<&'static str> {
        let mut cols: Vec<&str> = BASE_COLUMNS.to_vec();
        if self.alert_columns || self.eval.semantics == crate::Semantics::GoRules {
            cols.extend(ALERT_COLUMNS);
        }
        if !self.no_dedup_window && needs_times(files) {
            cols.extend(TIME_COLUMNS);
        }
        cols.sort_unstable();
        cols.dedup();
        cols
    }
}

/// Where a batch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub file: usize,
    pub row_group: usize,
    /// The row of the batch's first row within its row group.
    pub offset: usize,
}

/// Receives verdicts. `batch`, and `seal` once a row group's batches are
/// done, run on worker threads; `merge` runs on the caller's thread, in
/// dataset order, while the workers wait.
pub trait Sink: Sync {
    /// The partial result of one row group.
    type Part: Send;
    /// An empty partial.
    fn part(&self) -> Self::Part;
    /// Folds one batch: `verdicts[c][i]` is candidate `c`'s verdict on row `i`.
    fn batch(&self, part: &mut Self::Part, at: Position, rows: &Rows, verdicts: &[Vec<u16>]);
    /// Finishes a row group's partial, on the worker thread: work done
    /// here is not done by `merge`, which runs alone.
    fn seal(&self, _part: &mut Self::Part) {}
    /// Takes one partial, in order.
    fn merge(&mut self, part: Self::Part) -> Result<(), ReplayError>;
}

/// Two sinks fed by one scan.
impl<A: Sink, B: Sink> Sink for (A, B) {
    type Part = (A::Part, B::Part);

    fn part(&self) -> Self::Part {
        (self.0.part(), self.1.part())
    }

    fn batch(&self, part: &mut Self::Part, at: Position, rows: &Rows, verdicts: &[Vec<u16>]) {
        self.0.batch(&mut part.0, at, rows, verdicts);
        self.1.batch(&mut part.1, at, rows, verdicts);
    }

    fn seal(&self, part: &mut Self::Part) {
        self.0.seal(&mut part.0);
        self.1.seal(&mut part.1);
    }

    fn merge(&mut self, part: Self::Part) -> Result<(), ReplayError> {
        self.0.merge(part.0)?;
        self.1.merge(part.1)
    }
}

/// What a scan read.
#[derive(Debug, Clone, Default)]
pub struct ScanStats {
    pub files: usize,
    pub row_groups: usize,
    pub rows: u64,
    pub elapsed: Duration,
}

/// Whether de-duplication needs the rows' times: when the files' times
/// span an hour or more (or a file's statistics do not say).
pub fn needs_times(files: &[OpenFile]) -> bool {
    let mut span: Option<(i64, i64)> = None;
    for f in files {
        match f.time_span() {
            TimeSpan::Unknown => return true,
            TimeSpan::NoTimes => {}
            TimeSpan::Known(lo, hi) => {
                span = Some(span.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
            }
        }
    }
    span.is_some_and(|(lo, hi)| hi.saturating_sub(lo) >= crate::dedup::WINDOW_NS)
}

/// Opens every file of a dataset (a directory or one `.parquet` file).
pub fn open_dataset(path: &Path) -> Result<Arc<Vec<OpenFile>>, ReplayError> {
    let dataset = Dataset::open(path)?;
    let files: Result<Vec<_>, _> = dataset
        .files
        .par_iter()
        .map(|f| OpenFile::open(&f.path))
        .collect();
    Ok(Arc::new(files?))
}

fn work_list(files: &[OpenFile]) -> Vec<(usize, usize)> {
    let mut work = Vec::new();
    for (f, file) in files.iter().enumerate() {
        work.extend((0..file.row_groups()).map(|rg| (f, rg)));
    }
    work
}

fn window() -> usize {
    rayon::current_num_threads().max(1) * 8
}

/// Evaluates every row of `files` against every candidate and feeds `sink`.
pub fn scan<S: Sink>(
    files: &[OpenFile],
    candidates: &[Candidate],
    opts: &ReplayOptions,
    sink: &mut S,
) -> Result<ScanStats, ReplayError> {
    let start = Instant::now();
    let columns = opts.columns(files);
    let work = work_list(files);
    let scan_id = crate::verdict::new_scan();
    let mut stats = ScanStats {
        files: files.len(),
        row_groups: work.len(),
        ..Default::default()
    };
    for chunk in work.chunks(window()) {
        let shared: &S = sink;
        let parts: Vec<Result<(S::Part, u64), ReplayError>> = chunk
            .par_iter()
            .map(|&(f, rg)| {
                let mut part = shared.part();
                let mut evaluators: Vec<Evaluator> = candidates
                    .iter()
                    .enumerate()
                    .map(|(n, c)| Evaluator::new(c, &opts.eval, scan_id, n))
                    .collect();
                let mut verdicts: Vec<Vec<u16>> = vec![Vec::new(); candidates.len()];
                let (mut offset, mut rows_read) = (0usize, 0u64);
                files[f].read_row_group(rg, &columns, |batch| {
                    let rows = Rows::from_batch(batch)
                        .map_err(|e| ReplayError::decode(&files[f].path, e))?;
                    for (e, v) in evaluators.iter_mut().zip(verdicts.iter_mut()) {
                        v.clear();
                        e.evaluate(&rows, v);
                    }
                    shared.batch(
                        &mut part,
                        Position {
                            file: f,
                            row_group: rg,
                            offset,
                        },
                        &rows,
                        &verdicts,
                    );
                    offset += rows.len;
                    rows_read += rows.len as u64;
                    Ok(())
                })?;
                shared.seal(&mut part);
                Ok((part, rows_read))
            })
            .collect();
        for p in parts {
            let (part, rows) = p?;
            stats.rows += rows;
            sink.merge(part)?;
        }
    }
    stats.elapsed = start.elapsed();
    Ok(stats)
}

/// Only decodes the columns a scan with `opts` reads, in the same parallel
/// order, and touches every batch: the speed limit of any scan.
pub fn decode_only(files: &[OpenFile], opts: &ReplayOptions) -> Result<ScanStats, ReplayError> {
    let start = Instant::now();
    let columns = opts.columns(files);
    let work = work_list(files);
    let mut stats = ScanStats {
        files: files.len(),
        row_groups: work.len(),
        ..Default::default()
    };
    for chunk in work.chunks(window()) {
        let counts: Vec<Result<u64, ReplayError>> = chunk
            .par_iter()
            .map(|&(f, rg)| {
                let mut n = 0u64;
                files[f].read_row_group(rg, &columns, |b| {
                    n += b.num_rows() as u64;
                    Ok(())
                })?;
                Ok(n)
            })
            .collect();
        for c in counts {
            stats.rows += c?;
        }
    }
    stats.elapsed = start.elapsed();
    Ok(stats)
}

/// Scores `files` against every candidate: the call the pipeline makes.
pub fn replay(
    files: &[OpenFile],
    candidates: &[Candidate],
    opts: &ReplayOptions,
) -> Result<(Vec<Scoreboard>, ScanStats), ReplayError> {
    let mut sink = ScoreSink::new(candidates, opts.eval.semantics);
    let stats = scan(files, candidates, opts, &mut sink)?;
    Ok((sink.finish(), stats))
}

/// Scores the dataset at `dataset` (a directory or one trace file) against
/// one BoB already in memory, named `name` in the scoreboard.
pub fn score_bob(
    dataset: &Path,
    name: &str,
    bob: &bob_profile::Bob,
    opts: &ReplayOptions,
) -> Result<Scoreboard, ReplayError> {
    let files = open_dataset(dataset)?;
    let candidates = [Candidate::from_documents(name, std::slice::from_ref(bob))?];
    let (mut boards, _) = replay(&files, &candidates, opts)?;
    Ok(boards.remove(0))
}
