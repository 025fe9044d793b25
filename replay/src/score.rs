//! The scoreboard of a candidate: what it flags, and, where rows carry
//! labels, how right it is.
//!
//! Counting is per row (an event). Rows of another workload than the
//! candidate's are counted apart and left out of every other number; rows
//! whose container the candidate lacks are evaluated as upstream would (no
//! alert) and counted as "no profile". A scenario (the `scenario` column,
//! else the `run`) is an attack scenario if any of its rows is labelled
//! attack, and detected if any of its rows alerts; a benign scenario with
//! an alerting row is a false-positive scenario.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::Serialize;

use crate::candidate::Candidate;
use crate::columns::Rows;
use crate::dedup;
use crate::error::ReplayError;
use crate::rules::{Rule, Semantics};
use crate::scan::{Position, Sink};
use crate::verdict::{NO_PROFILE, OTHER_WORKLOAD, RULES};

/// True and false positives and negatives over labelled rows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Confusion {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tn: u64,
}

impl Confusion {
    fn add(&mut self, o: &Confusion) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
        self.tn += o.tn;
    }

    /// Whether any row was labelled.
    pub fn labelled(&self) -> bool {
        self.tp + self.fp + self.fn_ + self.tn > 0
    }

    fn ratio(a: u64, b: u64) -> Option<f64> {
        (b > 0).then(|| a as f64 / b as f64)
    }

    /// TP / (TP + FP); `None` when nothing alerted.
    pub fn precision(&self) -> Option<f64> {
        Confusion::ratio(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN); `None` without attack rows.
    pub fn recall(&self) -> Option<f64> {
        Confusion::ratio(self.tp, self.tp + self.fn_)
    }

    /// FP / (FP + TN); `None` without benign rows.
    pub fn fp_rate(&self) -> Option<f64> {
        Confusion::ratio(self.fp, self.fp + self.tn)
    }
}

/// Row counts of one group (an environment).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    pub events: u64,
    pub alerted_events: u64,
    pub confusion: Confusion,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.events += o.events;
        self.alerted_events += o.alerted_events;
        self.confusion.add(&o.confusion);
    }
}

/// What happened in one scenario.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScenarioScore {
    pub events: u64,
    pub alerted_events: u64,
    pub attack_events: u64,
    pub benign_events: u64,
    /// `attack`, `benign` or `unknown`.
    pub class: &'static str,
    /// `detected`, `missed`, `false-positive`, `clean`, or `-` (unlabelled).
    pub outcome: &'static str,
}

impl ScenarioScore {
    fn add(&mut self, o: &ScenarioScore) {
        self.events += o.events;
        self.alerted_events += o.alerted_events;
        self.attack_events += o.attack_events;
        self.benign_events += o.benign_events;
    }

    fn finish(&mut self) {
        let alerted = self.alerted_events > 0;
        (self.class, self.outcome) = match (self.attack_events > 0, self.benign_events > 0) {
            (true, _) => ("attack", if alerted { "detected" } else { "missed" }),
            (false, true) => ("benign", if alerted { "false-positive" } else { "clean" }),
            _ => ("unknown", "-"),
        };
    }
}

/// The score of one candidate over a dataset.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scoreboard {
    pub candidate: String,
    pub semantics: &'static str,
    /// Rows read.
    pub events: u64,
    /// Rows of the candidate's workload (every number below is over these).
    pub evaluated: u64,
    /// Rows of another workload, left out.
    pub other_workload: u64,
    /// Rows whose container the candidate has no profile for.
    pub no_profile: u64,
    /// Rows that raised at least one alert.
    pub alerted_events: u64,
    /// Alerts, one per rule that fired on a row.
    pub alerts: u64,
    pub alerts_by_rule: BTreeMap<&'static str, u64>,
    /// Alerts left after upstream's de-duplication (rule, container, unique id).
    pub distinct_alerts: u64,
    pub distinct_by_rule: BTreeMap<&'static str, u64>,
    /// Whether any row was labelled benign or attack.
    pub labelled: bool,
    pub confusion: Confusion,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub fp_rate: Option<f64>,
    pub attack_scenarios: u64,
    pub detected_scenarios: u64,
    pub benign_scenarios: u64,
    pub false_positive_scenarios: u64,
    pub by_environment: BTreeMap<String, Counts>,
    pub by_scenario: BTreeMap<String, ScenarioScore>,
    /// Container names of rows the candidate has no profile for, with counts.
    pub missing_containers: BTreeMap<String, u64>,
}

/// One candidate's partial counts.
#[derive(Default)]
pub struct PartScore {
    events: u64,
    evaluated: u64,
    other_workload: u64,
    no_profile: u64,
    alerted_events: u64,
    by_rule: [u64; 12],
    confusion: Confusion,
    by_environment: HashMap<String, Counts>,
    by_scenario: HashMap<String, ScenarioScore>,
    missing: HashMap<String, u64>,
    distinct: dedup::Distinct,
    keys: dedup::RowGroupKeys,
}

/// Folds verdicts into one [`Scoreboard`] per candidate.
pub struct ScoreSink {
    boards: Vec<(Scoreboard, PartScore)>,
    /// Distinct alerts gathered by worker threads, one set per candidate
    /// per thread: merging sets of strings is the costly part of a merge,
    /// and done here it runs in parallel with the scan instead of after
    /// each window of row groups (see [`Sink::seal`]).
    shards: Vec<Mutex<Vec<dedup::Distinct>>>,
}

impl ScoreSink {
    /// A sink for `candidates`, in that order.
    pub fn new(candidates: &[Candidate], semantics: Semantics) -> Self {
        let boards = candidates
            .iter()
            .map(|c| {
                let b = Scoreboard {
                    candidate: c.display_name(),
                    semantics: semantics.as_str(),
                    ..Default::default()
                };
                (b, PartScore::default())
            })
            .collect();
        let shards = (0..rayon::current_num_threads().max(1))
            .map(|_| Mutex::new(candidates.iter().map(|_| Default::default()).collect()))
            .collect();
        ScoreSink { boards, shards }
    }

    /// The finished scoreboards, in candidate order.
    pub fn finish(mut self) -> Vec<Scoreboard> {
        for shard in std::mem::take(&mut self.shards) {
            let sets = shard.into_inner().unwrap_or_else(|e| e.into_inner());
            for ((_, acc), set) in self.boards.iter_mut().zip(sets) {
                acc.distinct.merge(set);
            }
        }
        self.boards.into_iter().map(|(b, p)| finish(b, p)).collect()
    }
}

/// The class of each `label` value (and of null, last): 0 unknown,
/// 1 benign, 2 attack.
fn classes(rows: &Rows) -> Vec<u8> {
    let mut v: Vec<u8> = (0..rows.label.values_len())
        .map(|k| match rows.label.value(k) {
            "benign" => 1,
            "attack" => 2,
            _ => 0,
        })
        .collect();
    v.push(0);
    v
}

/// The environment of each row as a local id (empty when all rows share
/// id 0), and the ids' names.
fn environments(rows: &Rows) -> (Vec<u32>, Vec<String>) {
    let name = |i: usize| {
        let parts: Vec<&str> = rows.env.iter().filter_map(|d| d.get(i)).collect();
        if parts.is_empty() {
            "(unlabelled)".to_owned()
        } else {
            parts.join(" ")
        }
    };
    if rows.len == 0 || rows.env.iter().all(|d| d.is_constant()) {
        return (
            Vec::new(),
            vec![if rows.len == 0 {
                String::new()
            } else {
                name(0)
            }],
        );
    }
    let mut ids = HashMap::new();
    let mut names = Vec::new();
    let mut out = Vec::with_capacity(rows.len);
    for i in 0..rows.len {
        let key: [usize; 7] = std::array::from_fn(|c| rows.env[c].key_or_null(i));
        let id = *ids.entry(key).or_insert_with(|| {
            names.push(name(i));
            names.len() as u32 - 1
        });
        out.push(id);
    }
    (out, names)
}

/// The scenario of row `i` as a local id: its scenario key, else the
/// number of scenario values plus its run key (or the run null slot).
#[inline(always)]
fn scenario_id(rows: &Rows, i: usize) -> usize {
    match rows.scenario.key(i) {
        Some(k) => k,
        None => rows.scenario.values_len() + rows.run.key_or_null(i),
    }
}

fn scenario_name(rows: &Rows, id: usize) -> String {
    let n = rows.scenario.values_len();
    if id < n {
        return rows.scenario.value(id).to_owned();
    }
    let r = id - n;
    if r < rows.run.values_len() {
        rows.run.value(r).to_owned()
    } else {
        "(none)".to_owned()
    }
}

/// Cells per (environment, scenario) in a batch histogram: class (3) x
/// alerted (2).
const CELLS: usize = 6;

impl Sink for ScoreSink {
    type Part = Vec<PartScore>;

    fn part(&self) -> Vec<PartScore> {
        self.boards.iter().map(|_| PartScore::default()).collect()
    }

    fn batch(&self, parts: &mut Vec<PartScore>, _at: Position, rows: &Rows, verdicts: &[Vec<u16>]) {
        let class_of = classes(rows);
        let (env_of, env_names) = environments(rows);
        let n_scen = rows.scenario.values_len() + rows.run.values_len() + 1;
        let mut hist = vec![0u32; env_names.len() * n_scen * CELLS];
        for (p, v) in parts.iter_mut().zip(verdicts) {
            hist.iter_mut().for_each(|h| *h = 0);
            let mut missing: Vec<u64> = Vec::new();
            p.keys.start(rows, &mut p.distinct);
            p.events += rows.len as u64;
            // Keys read once per row without null checks where no row is
            // null: the common case, and this loop runs for every event.
            let scenarios = rows.scenario.dense_keys();
            let labels = rows.label.dense_keys();
            for (i, &verdict) in v.iter().enumerate() {
                if verdict & (OTHER_WORKLOAD | NO_PROFILE) != 0 {
                    if verdict & OTHER_WORKLOAD != 0 {
                        p.other_workload += 1;
                        continue;
                    }
                    missing.resize(rows.container.values_len() + 1, 0);
                    missing[rows.container.key_or_null(i)] += 1;
                }
                let rules = verdict & RULES;
                let alerted = rules != 0;
                let env = if env_of.is_empty() {
                    0
                } else {
                    env_of[i] as usize
                };
                let class = class_of[match labels {
                    Some(k) => k[i] as usize,
                    None => rows.label.key_or_null(i),
                }] as usize;
                let scenario = match scenarios {
                    Some(k) => k[i] as usize,
                    None => scenario_id(rows, i),
                };
                hist[(env * n_scen + scenario) * CELLS + class * 2 + alerted as usize] += 1;
                if alerted {
                    for r in Rule::ALL {
                        if rules & crate::RuleSet::of(r).0 != 0 {
                            p.by_rule[r as usize] += 1;
                            p.keys.insert(r, rows, i);
                        }
                    }
                }
            }
            fold_histogram(p, &hist, &env_names, n_scen, rows);
            for (k, &n) in missing.iter().enumerate().filter(|(_, n)| **n > 0) {
                let name = if k < rows.container.values_len() {
                    rows.container.value(k)
                } else {
                    "(unnamed)"
                };
                p.no_profile += n;
                *p.missing.entry(name.to_owned()).or_default() += n;
            }
            p.distinct.absorb(&mut p.keys, rows);
        }
    }

    fn seal(&self, parts: &mut Vec<PartScore>) {
        // Outside a pool (no thread index) `merge` flushes the keys.
        let Some(thread) = rayon::current_thread_index() else {
            return;
        };
        let mut sets = self.shards[thread % self.shards.len()]
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        for (set, p) in sets.iter_mut().zip(parts) {
            p.keys.flush(set);
            set.merge(std::mem::take(&mut p.distinct));
            // Freed on the thread that allocated it.
            p.keys = Default::default();
        }
    }

    fn merge(&mut self, parts: Vec<PartScore>) -> Result<(), ReplayError> {
        for ((_, acc), mut p) in self.boards.iter_mut().zip(parts) {
            // Empty after `seal`; a driver that does not seal loses nothing.
            p.keys.flush(&mut p.distinct);
            acc.events += p.events;
            acc.evaluated += p.evaluated;
            acc.other_workload += p.other_workload;
            acc.no_profile += p.no_profile;
            acc.alerted_events += p.alerted_events;
            for (a, b) in acc.by_rule.iter_mut().zip(p.by_rule) {
                *a += b;
            }
            acc.confusion.add(&p.confusion);
            for (k, c) in p.by_environment {
                acc.by_environment.entry(k).or_default().add(&c);
            }
            for (k, s) in p.by_scenario {
                acc.by_scenario.entry(k).or_default().add(&s);
            }
            for (k, n) in p.missing {
                *acc.missing.entry(k).or_default() += n;
            }
            acc.distinct.merge(p.distinct);
        }
        Ok(())
    }
}

/// Adds a batch histogram to the partial counts.
fn fold_histogram(
    p: &mut PartScore,
    hist: &[u32],
    env_names: &[String],
    n_scen: usize,
    rows: &Rows,
) {
    for (env, env_name) in env_names.iter().enumerate() {
        let mut e = Counts::default();
        for scen in 0..n_scen {
            let cells = &hist[(env * n_scen + scen) * CELLS..][..CELLS];
            if cells.iter().all(|&c| c == 0) {
                continue;
            }
            let n = |class: usize, alerted: usize| u64::from(cells[class * 2 + alerted]);
            let c = Confusion {
                tp: n(2, 1),
                fp: n(1, 1),
                fn_: n(2, 0),
                tn: n(1, 0),
            };
            let events: u64 = cells.iter().map(|&x| u64::from(x)).sum();
            let alerted = n(0, 1) + n(1, 1) + n(2, 1);
            e.events += events;
            e.alerted_events += alerted;
            e.confusion.add(&c);
            let s = ScenarioScore {
                events,
                alerted_events: alerted,
                attack_events: n(2, 0) + n(2, 1),
                benign_events: n(1, 0) + n(1, 1),
                ..Default::default()
            };
            p.by_scenario
                .entry(scenario_name(rows, scen))
                .or_default()
                .add(&s);
        }
        if e.events > 0 {
            p.evaluated += e.events;
            p.alerted_events += e.alerted_events;
            p.confusion.add(&e.confusion);
            p.by_environment
                .entry(env_name.clone())
                .or_default()
                .add(&e);
        }
    }
}

fn finish(mut b: Scoreboard, p: PartScore) -> Scoreboard {
    b.events = p.events;
    b.evaluated = p.evaluated;
    b.other_workload = p.other_workload;
    b.no_profile = p.no_profile;
    b.alerted_events = p.alerted_events;
    for r in Rule::ALL {
        let n = p.by_rule[r as usize];
        if n > 0 {
            b.alerts_by_rule.insert(r.id(), n);
        }
        b.alerts += n;
    }
    for (rule, n) in p.distinct.by_rule() {
        b.distinct_by_rule.insert(rule.id(), n);
        b.distinct_alerts += n;
    }
    b.confusion = p.confusion;
    b.labelled = p.confusion.labelled();
    if b.labelled {
        b.precision = b.confusion.precision();
        b.recall = b.confusion.recall();
        b.fp_rate = b.confusion.fp_rate();
    }
    b.by_environment = p.by_environment.into_iter().collect();
    b.by_scenario = p.by_scenario.into_iter().collect();
    for s in b.by_scenario.values_mut() {
        s.finish();
        match s.outcome {
            "detected" => b.detected_scenarios += 1,
            "false-positive" => b.false_positive_scenarios += 1,
            _ => {}
        }
        match s.class {
            "attack" => b.attack_scenarios += 1,
            "benign" => b.benign_scenarios += 1,
            _ => {}
        }
    }
    b.missing_containers = p.missing.into_iter().collect();
    b
}
