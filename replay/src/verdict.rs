//! Verdicts of one batch for one candidate, computed once per distinct
//! dictionary value.
//!
//! A verdict is a `u16`: the bits of the rules that fired ([`RuleSet`]), or
//! [`NO_PROFILE`] when the candidate has no container for the row, or
//! [`OTHER_WORKLOAD`] when the row belongs to another workload. Caches are
//! tables indexed by (container slot, dictionary key) and survive from one
//! batch to the next while the dictionary stays the same, which it does
//! within a Parquet row group.

use std::collections::HashMap;

use bob_trace::Kind;

use crate::candidate::Candidate;
use crate::columns::{Dict, Rows};
use crate::eval::{self, EvalOptions};
use crate::rules::{RuleSet, Semantics};

/// The row's container is not in the candidate: no profile-based verdict.
pub const NO_PROFILE: u16 = 1 << 14;
/// The row is of a workload the candidate is not for.
pub const OTHER_WORKLOAD: u16 = 1 << 15;
/// The bits that are rules.
pub const RULES: u16 = RuleSet::ALL.0;

const UNSET: u16 = u16::MAX;
const NO_SLOT: i32 = -1;
const OTHER: i32 = -2;

/// A table of verdicts by (slot, key) for one dictionary.
#[derive(Default)]
struct Cache {
    id: (usize, usize),
    width: usize,
    table: Vec<u16>,
}

impl Cache {
    fn prepare(&mut self, dict: &Dict, slots: usize) {
        let id = dict.values_id();
        if self.id != id || self.table.len() != slots * dict.values_len() {
            self.id = id;
            self.width = dict.values_len();
            self.table.clear();
            self.table.resize(slots * self.width, UNSET);
        }
    }

    #[inline]
    fn get(&mut self, slot: usize, key: usize, f: impl FnOnce() -> u16) -> u16 {
        let cell = &mut self.table[slot * self.width + key];
        if *cell == UNSET {
            *cell = f();
        }
        *cell
    }
}

/// Evaluates batches for one candidate, keeping its caches.
pub struct Evaluator<'a> {
    candidate: &'a Candidate,
    opts: &'a EvalOptions,
    enabled: u16,
    kinds: (Cache, Vec<Option<Kind>>),
    /// Slots by `workload key * width + container key`.
    slots: Vec<i32>,
    width: usize,
    syscall: Cache,
    path: Cache,
    capability: Cache,
    domain: Cache,
    address: Cache,
    silenced: Cache,
    exec_ids: [(usize, usize); 3],
    execs: HashMap<ExecKey, Vec<(Option<Vec<String>>, u16)>>,
}

/// (slot, path key, exe key, comm key, argv hash).
type ExecKey = (usize, usize, usize, usize, u64);

impl<'a> Evaluator<'a> {
    /// An evaluator of `candidate` with empty caches.
    pub fn new(candidate: &'a Candidate, opts: &'a EvalOptions) -> Self {
        Evaluator {
            candidate,
            opts,
            enabled: opts.enabled().0,
            kinds: (Cache::default(), Vec::new()),
            slots: Vec::new(),
            width: 0,
            syscall: Cache::default(),
            path: Cache::default(),
            capability: Cache::default(),
            domain: Cache::default(),
            address: Cache::default(),
            silenced: Cache::default(),
            exec_ids: [(0, 0); 3],
            execs: HashMap::new(),
        }
    }

    fn prepare(&mut self, rows: &Rows) {
        let n = self.candidate.containers.len();
        let (kc, kinds) = &mut self.kinds;
        if kc.id != rows.kind.values_id() {
            kc.id = rows.kind.values_id();
            *kinds = (0..rows.kind.values_len())
                .map(|k| Kind::parse(rows.kind.value(k)))
                .collect();
        }
        // Container and workload dictionaries are small: a table of slots by
        // (workload key, container key) per batch, the last index of each
        // standing for null.
        let c = self.candidate;
        let (wn, cn) = (
            rows.workload_name.values_len() + 1,
            rows.container.values_len() + 1,
        );
        self.width = cn;
        self.slots.clear();
        for w in 0..wn {
            let wl = (w < wn - 1).then(|| rows.workload_name.value(w));
            if !c.covers_workload(wl) {
                self.slots.extend(std::iter::repeat_n(OTHER, cn));
                continue;
            }
            for k in 0..cn {
                let name = (k < cn - 1).then(|| rows.container.value(k));
                self.slots
                    .push(c.container_index(wl, name).map_or(NO_SLOT, |i| i as i32));
            }
        }
        self.syscall.prepare(&rows.syscall, n);
        self.path.prepare(&rows.path, n);
        self.capability.prepare(&rows.capability, n);
        self.domain.prepare(&rows.domain, n);
        self.address.prepare(&rows.remote_addr, n);
        self.silenced.prepare(&rows.comm, n);
    }

    /// The slot of row `i`, or the verdict code of a row without one.
    #[inline]
    fn slot(&self, rows: &Rows, i: usize) -> Result<usize, u16> {
        let w = rows
            .workload_name
            .key(i)
            .unwrap_or(rows.workload_name.values_len());
        let k = rows.container.key(i).unwrap_or(rows.container.values_len());
        match self.slots[w * self.width + k] {
            OTHER => Err(OTHER_WORKLOAD),
            NO_SLOT => Err(NO_PROFILE),
            slot => Ok(slot as usize),
        }
    }

    /// Appends the verdict of every row of `rows` to `out`.
    pub fn evaluate(&mut self, rows: &Rows, out: &mut Vec<u16>) {
        self.prepare(rows);
        out.reserve(rows.len);
        for i in 0..rows.len {
            let v = match self.slot(rows, i) {
                Ok(slot) => self.row(rows, i, slot),
                Err(code) => code,
            };
            out.push(v);
        }
    }

    /// An exec's verdict, cached by (slot, path, exe, comm, argv) so that
    /// argv is only copied out of the batch once per distinct exec.
    fn exec(&mut self, rows: &Rows, i: usize, slot: usize) -> u16 {
        let ids = [
            rows.path.values_id(),
            rows.exe.values_id(),
            rows.comm.values_id(),
        ];
        if self.exec_ids != ids {
            self.exec_ids = ids;
            self.execs.clear();
        }
        let key = (
            slot,
            rows.path.key_or_null(i),
            rows.exe.key_or_null(i),
            rows.comm.key_or_null(i),
            rows.argv.hash_at(i),
        );
        let bucket = self.execs.entry(key).or_default();
        if let Some((_, v)) = bucket
            .iter()
            .find(|(argv, _)| rows.argv.eq_at(i, argv.as_deref()))
        {
            return *v;
        }
        let argv = rows.argv.get(i);
        let path = rows.path.get(i).or_else(|| rows.exe.get(i));
        let c = &self.candidate.containers[slot];
        let v = eval::exec(c, path, argv.as_deref(), rows.comm.get(i)).0;
        bucket.push((argv, v));
        v
    }

    #[inline]
    fn row(&mut self, rows: &Rows, i: usize, slot: usize) -> u16 {
        let Some(kind) = rows.kind.key(i).and_then(|k| self.kinds.1[k]) else {
            return 0;
        };
        let c = &self.candidate.containers[slot];
        let semantics = self.opts.semantics;
        let raw = match kind {
            Kind::Syscall => match rows.syscall.key(i) {
                Some(k) => self
                    .syscall
                    .get(slot, k, || eval::syscall(c, rows.syscall.value(k), None).0),
                None => 0,
            },
            Kind::Open => match rows.path.key(i) {
                Some(k) if semantics == Semantics::GoRules => match rows.flags.get(i) {
                    Some(flags) => eval::open(c, rows.path.value(k), Some(&flags), semantics).0,
                    None => self.path.get(slot, k, || {
                        eval::open(c, rows.path.value(k), None, semantics).0
                    }),
                },
                Some(k) => self.path.get(slot, k, || {
                    eval::open(c, rows.path.value(k), None, semantics).0
                }),
                None => 0,
            },
            Kind::Exec => self.exec(rows, i, slot),
            Kind::Capability => match rows.capability.key(i) {
                Some(k) => self
                    .capability
                    .get(slot, k, || eval::capability(c, rows.capability.value(k)).0),
                None => 0,
            },
            Kind::Dns => match rows.domain.key(i) {
                Some(k) => self
                    .domain
                    .get(slot, k, || eval::dns(c, rows.domain.value(k)).0),
                None => 0,
            },
            Kind::Network => match (rows.direction.get(i), rows.remote_addr.key(i)) {
                (Some(d), _) if d != "outbound" => 0,
                (_, Some(k)) => {
                    let api = &self.opts.api_servers;
                    self.address.get(slot, k, || {
                        eval::network(c, None, rows.remote_addr.value(k), api).0
                    })
                }
                _ => 0,
            },
            _ => 0,
        };
        let raw = raw & self.enabled;
        if raw == 0 {
            return 0;
        }
        let silenced = match rows.comm.key(i) {
            Some(k) => self
                .silenced
                .get(slot, k, || c.policies.silenced(Some(rows.comm.value(k))).0),
            None => c.policies.silenced(None).0,
        };
        raw & !silenced
    }
}
