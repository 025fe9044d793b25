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
use crate::carry::{self, PathCarry};
use crate::columns::{Dict, DictId, Rows};
use crate::eval::{self, EvalOptions};
use crate::fxhash::FxBuild;
use crate::rules::{RuleSet, Semantics};

/// The row's container is not in the candidate: no profile-based verdict.
pub const NO_PROFILE: u16 = 1 << 14;
/// The row is of a workload the candidate is not for.
pub const OTHER_WORKLOAD: u16 = 1 << 15;
/// The bits that are rules.
pub const RULES: u16 = RuleSet::ALL.0;
const R0009: u16 = RuleSet::of(crate::Rule::R0009).0;

const UNSET: u16 = carry::UNKNOWN;
/// Evaluation codes of kinds: below `FAST` an index into the tables.
const FAST: usize = 5;
/// Rows of pass one before pass two fills the tables with what it found
/// new: small, so that the rows of a batch's first chunk rarely wait for a
/// value another row of the chunk also waits for.
const CHUNK: usize = 1024;
const NETWORK: usize = 4;
const SLOW: usize = 5;
/// Execs: the first pass answers those whose program last ran with the
/// same argv in the same slot; the others wait for `exec`.
const EXEC: usize = 6;
const NONE: usize = 7;
const NO_SLOT: i32 = -1;
const OTHER: i32 = -2;

/// A table of verdicts by (slot, key) for one dictionary.
#[derive(Default)]
struct Cache {
    id: DictId,
    width: usize,
    table: Vec<u16>,
}

impl Cache {
    /// Readies the table for `dict`; true when it was emptied (a new
    /// dictionary).
    fn prepare(&mut self, dict: &Dict, slots: usize) -> bool {
        let id = dict.values_id();
        // One column more than values, so a raw key of a null row (0)
        // always indexes the table.
        if self.id != id || self.table.len() != slots * (dict.values_len() + 1) {
            self.id = id;
            self.width = dict.values_len() + 1;
            self.table.clear();
            self.table.resize(slots * self.width, UNSET);
            return true;
        }
        false
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
    /// The dictionary identity of `codes`.
    kinds: DictId,
    /// The evaluation code of each `kind` value (and null, last).
    codes: Vec<u8>,
    /// The kind of each `kind` value (and null, last).
    kind_of: Vec<Option<Kind>>,
    /// Whether each `direction` value (and null, last) is outgoing.
    outbound: Vec<bool>,
    /// Rows of a batch that the tables could not answer.
    pending: Vec<(u32, u32)>,
    /// Rows of a batch whose verdict has a rule.
    alerting: Vec<u32>,
    /// The dictionaries `slots` was computed for.
    slot_ids: Option<(DictId, DictId)>,
    /// Slots by `workload key * width + container key`.
    slots: Vec<i32>,
    width: usize,
    syscall: Cache,
    path: Cache,
    capability: Cache,
    domain: Cache,
    address: Cache,
    silenced: Cache,
    exec_ids: [DictId; 3],
    execs: HashMap<ExecKey, Vec<ExecVerdict>, FxBuild>,
    /// Reused buffer of the argv being looked up.
    argv_scratch: Vec<u8>,
    /// The last exec of each path key (an index into `exec_last`, or
    /// `u32::MAX`), for the first pass.
    exec_last_at: Vec<u32>,
    exec_last: Vec<ExecLast>,
    /// Open verdicts by path string, carried from row group to row group
    /// on this thread (see `CARRY`).
    carry: PathCarry,
    /// Watched paths of a row group being looked up in `carry`.
    carry_queries: Vec<(u32, u64)>,
    carry_slot: (u64, usize),
}

/// The most syscall verdicts computed ahead, when a row group's
/// dictionary arrives, rather than as rows ask for them.
const PREFILL_MAX: usize = 1 << 14;

thread_local! {
    /// The carried open verdicts of this thread: the scan they belong to
    /// and one table per candidate. Dictionary keys change from row group to
    /// row group, paths do not: without this every row group would search
    /// the profile again for each of its thousands of watched paths.
    static CARRY: std::cell::RefCell<(u64, Vec<PathCarry>)> =
        const { std::cell::RefCell::new((0, Vec::new())) };
}

static SCANS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A new scan's identity, so that carried verdicts never cross scans.
pub fn new_scan() -> u64 {
    SCANS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        let (scan, index) = self.carry_slot;
        let carry = std::mem::take(&mut self.carry);
        let _ = CARRY.try_with(|c| {
            let mut c = c.borrow_mut();
            if c.0 == scan && index < c.1.len() {
                c.1[index] = carry;
            }
        });
    }
}

/// An argv (as [`crate::columns::StrList::encode_at`] writes it) and the
/// verdict of an exec with it.
type ExecVerdict = (Box<[u8]>, u16);

/// (slot, path key, exe key, comm key, argv hash).
type ExecKey = (usize, usize, usize, usize, u64);

/// The last exec seen of one program path, and its verdict.
struct ExecLast {
    slot: u32,
    exe: u32,
    comm: u32,
    argv: Box<[u8]>,
    verdict: u16,
}

impl<'a> Evaluator<'a> {
    /// An evaluator of `candidate` (number `index` of scan `scan`, see
    /// [`new_scan`]) with empty caches but the open verdicts this thread
    /// carried from earlier row groups of the same scan.
    pub fn new(candidate: &'a Candidate, opts: &'a EvalOptions, scan: u64, index: usize) -> Self {
        let carry = CARRY
            .try_with(|c| {
                let mut c = c.borrow_mut();
                if c.0 != scan {
                    *c = (scan, Vec::new());
                }
                if c.1.len() <= index {
                    c.1.resize_with(index + 1, PathCarry::default);
                }
                std::mem::take(&mut c.1[index])
            })
            .unwrap_or_default();
        let slots = candidate.containers.len();
        let carry = if carry.slots() == slots {
            carry
        } else {
            PathCarry::new(slots)
        };
        Evaluator {
            candidate,
            opts,
            enabled: opts.enabled().0,
            kinds: DictId::default(),
            codes: Vec::new(),
            kind_of: Vec::new(),
            outbound: Vec::new(),
            pending: Vec::new(),
            alerting: Vec::new(),
            slot_ids: None,
            slots: Vec::new(),
            width: 0,
            syscall: Cache::default(),
            path: Cache::default(),
            capability: Cache::default(),
            domain: Cache::default(),
            address: Cache::default(),
            silenced: Cache::default(),
            exec_ids: Default::default(),
            execs: HashMap::default(),
            argv_scratch: Vec::new(),
            exec_last_at: Vec::new(),
            exec_last: Vec::new(),
            carry,
            carry_queries: Vec::new(),
            carry_slot: (scan, index),
        }
    }

    fn prepare(&mut self, rows: &Rows) {
        if self.kinds != rows.kind.values_id() || self.codes.is_empty() {
            self.kinds = rows.kind.values_id();
            let go = self.opts.semantics == Semantics::GoRules;
            self.codes = (0..rows.kind.values_len())
                .map(|k| match Kind::parse(rows.kind.value(k)) {
                    Some(Kind::Syscall) => 0,
                    Some(Kind::Open) if !go => 1,
                    Some(Kind::Capability) => 2,
                    Some(Kind::Dns) => 3,
                    Some(Kind::Network) => NETWORK as u8,
                    Some(Kind::Exec) => EXEC as u8,
                    Some(Kind::Open) => SLOW as u8,
                    _ => NONE as u8,
                })
                .collect();
            self.codes.push(NONE as u8);
            self.kind_of = (0..rows.kind.values_len())
                .map(|k| Kind::parse(rows.kind.value(k)))
                .collect();
            self.kind_of.push(None);
        }
        // Only outgoing traffic counts; a row without a direction is taken
        // as outgoing.
        self.outbound.clear();
        self.outbound.extend(
            (0..rows.direction.values_len()).map(|k| rows.direction.value(k) == "outbound"),
        );
        self.outbound.push(true);
        // A table of slots by (workload key, container key), the last index
        // of each standing for null, kept while both dictionaries stay.
        let ids = (rows.workload_name.values_id(), rows.container.values_id());
        if self.slot_ids.as_ref() == Some(&ids) {
            self.prepare_caches(rows);
            return;
        }
        self.slot_ids = Some(ids);
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
        self.prepare_caches(rows);
    }

    fn prepare_caches(&mut self, rows: &Rows) {
        let n = self.candidate.containers.len();
        if self.syscall.prepare(&rows.syscall, n) && n * rows.syscall.values_len() <= PREFILL_MAX {
            // Few slots times few syscall names: every verdict at once, in
            // a loop whose set lookups overlap.
            let width = self.syscall.width;
            for (slot, c) in self.candidate.containers.iter().enumerate() {
                for k in 0..rows.syscall.values_len() {
                    self.syscall.table[slot * width + k] =
                        eval::syscall(c, rows.syscall.value(k), None).0;
                }
            }
        }
        if self.path.prepare(&rows.path, n) && n > 0 && self.opts.semantics != Semantics::GoRules {
            // In one pass over the dictionary, before any row asks: paths no
            // rule looks at (most of them) get their verdict, none, in every
            // slot, and watched paths the verdicts this thread carries from
            // earlier row groups. The carry is probed for all of them at
            // once, so that the probes' cache misses overlap. The Go rules'
            // opens depend on flags too and do not use the table.
            let semantics = self.opts.semantics;
            let width = self.path.width;
            let (first, rest) = self.path.table.split_at_mut(width);
            self.carry_queries.clear();
            for (k, cell) in first[..rows.path.values_len()].iter_mut().enumerate() {
                let path = rows.path.value(k);
                if eval::open_is_quiet(path, semantics) {
                    *cell = 0;
                } else if eval::r0002_watches(path, semantics) {
                    self.carry_queries.push((k as u32, carry::hash(path)));
                }
            }
            // Every slot starts as the first: quiet paths answered.
            for row in rest.chunks_exact_mut(width) {
                row.copy_from_slice(first);
            }
            self.carry
                .find_all(&mut self.carry_queries, |k| rows.path.value(k as usize));
            for &(k, entry) in &self.carry_queries {
                for (slot, &v) in self.carry.verdicts(entry as u32).iter().enumerate() {
                    // UNKNOWN is UNSET: the row asks when it comes.
                    self.path.table[slot * width + k as usize] = v;
                }
            }
        }
        self.capability.prepare(&rows.capability, n);
        self.domain.prepare(&rows.domain, n);
        self.address.prepare(&rows.remote_addr, n);
        self.silenced.prepare(&rows.comm, n);
        let ids = [
            rows.path.values_id(),
            rows.exe.values_id(),
            rows.comm.values_id(),
        ];
        if self.exec_ids != ids {
            self.exec_ids = ids;
            self.execs.clear();
            self.exec_last.clear();
            self.exec_last_at.clear();
            self.exec_last_at.resize(rows.path.values_len(), u32::MAX);
        }
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
    ///
    /// Three passes: table lookups for every row whose verdict depends on
    /// one dictionary column (no branch on the kind and no null check, so
    /// the loop runs at memory speed), then the rows the tables could not
    /// answer (values not seen yet, execs, the Go rules' opens), then, on
    /// the rows that alert only, the checks the first pass skipped (a null
    /// value, incoming traffic) and `rulePolicies`.
    pub fn evaluate(&mut self, rows: &Rows, out: &mut Vec<u16>) {
        self.prepare(rows);
        let start = out.len();
        out.resize(start + rows.len, 0);
        let mut pending = std::mem::take(&mut self.pending);
        let mut alerting = std::mem::take(&mut self.alerting);
        pending.clear();
        alerting.clear();
        for lo in (0..rows.len).step_by(CHUNK) {
            let hi = (lo + CHUNK).min(rows.len);
            let chunk = &mut out[start + lo..start + hi];
            self.lookup(rows, lo..hi, chunk, &mut pending, &mut alerting);
            self.resolve(rows, start, out, &pending, &mut alerting);
            pending.clear();
        }
        self.pending = pending;
        for &i in &alerting {
            let i = i as usize;
            let slot = self.slot(rows, i).unwrap_or(0);
            let mut v = out[start + i];
            // Syscall verdicts are kept per name, where `bpf` counts as a
            // program load; the row's command says whether it is one.
            if v & R0009 != 0 && !eval::bpf_loads(rows.argv.first(i)) {
                v &= !R0009;
            }
            out[start + i] = if self.looked_up_wrongly(rows, i) {
                0
            } else {
                self.finish(rows, i, slot, v)
            };
        }
        self.alerting = alerting;
    }

    /// Pass one over `range`: table lookups; rows the tables cannot
    /// answer go to `pending`, rows that alert to `alerting`.
    fn lookup(
        &self,
        rows: &Rows,
        range: std::ops::Range<usize>,
        out: &mut [u16],
        pending: &mut Vec<(u32, u32)>,
        alerting: &mut Vec<u32>,
    ) {
        let (lo, n) = (range.start, range.len());
        let out = &mut out[..n];
        // The slot (or verdict code) and evaluation code of every row
        // first, in loops without branches when no key is null.
        let mut slots = [0i32; CHUNK];
        match (rows.workload_name.dense_keys(), rows.container.dense_keys()) {
            (Some(w), Some(c)) => {
                for ((s, &w), &c) in slots[..n]
                    .iter_mut()
                    .zip(&w[range.clone()])
                    .zip(&c[range.clone()])
                {
                    *s = self.slots[w as usize * self.width + c as usize];
                }
            }
            _ => {
                for (j, s) in slots[..n].iter_mut().enumerate() {
                    *s = match self.slot(rows, lo + j) {
                        Ok(slot) => slot as i32,
                        Err(OTHER_WORKLOAD) => OTHER,
                        Err(_) => NO_SLOT,
                    };
                }
            }
        }
        let mut codes = [0u8; CHUNK];
        match rows.kind.dense_keys() {
            Some(k) => {
                for (c, &k) in codes[..n].iter_mut().zip(&k[range.clone()]) {
                    *c = self.codes[k as usize];
                }
            }
            None => {
                for (j, c) in codes[..n].iter_mut().enumerate() {
                    *c = self.codes[rows.kind.key_or_null(lo + j)];
                }
            }
        }
        let keys = [
            rows.syscall.raw_keys(),
            rows.path.raw_keys(),
            rows.capability.raw_keys(),
            rows.domain.raw_keys(),
            rows.remote_addr.raw_keys(),
        ];
        let caches = [
            &self.syscall,
            &self.path,
            &self.capability,
            &self.domain,
            &self.address,
        ];
        for j in 0..n {
            let i = lo + j;
            let slot = match slots[j] {
                OTHER => {
                    out[j] = OTHER_WORKLOAD;
                    continue;
                }
                NO_SLOT => {
                    out[j] = NO_PROFILE;
                    continue;
                }
                slot => slot as usize,
            };
            let code = codes[j] as usize;
            if code >= FAST {
                if code == EXEC
                    && let Some(v) = self.last_exec(rows, i, slot)
                {
                    if v & RULES != 0 {
                        alerting.push(i as u32);
                    }
                    out[j] = v;
                    continue;
                }
                out[j] = if code == NONE { 0 } else { UNSET };
                if code != NONE {
                    pending.push((i as u32, slot as u32));
                }
                continue;
            }
            // Null values and incoming traffic are sorted out in the
            // last pass, which only sees rows that would alert.
            let cache = caches[code];
            let k = (keys[code].get(i).copied().unwrap_or(0).max(0) as usize).min(cache.width - 1);
            let cell = cache.table[slot * cache.width + k];
            if cell == UNSET {
                pending.push((i as u32, slot as u32));
            } else if cell & RULES != 0 {
                alerting.push(i as u32);
            }
            out[j] = cell;
        }
    }

    /// Pass two: the pending rows of one chunk, evaluated once per new value.
    fn resolve(
        &mut self,
        rows: &Rows,
        start: usize,
        out: &mut [u16],
        pending: &[(u32, u32)],
        alerting: &mut Vec<u32>,
    ) {
        for &(i, slot) in pending {
            let (i, slot) = (i as usize, slot as usize);
            let key = rows.kind.key_or_null(i);
            let code = self.codes[key] as usize;
            // Rows waiting for a value an earlier row of the batch has
            // just evaluated read the table.
            if code < FAST {
                let (col, cache) = match code {
                    0 => (&rows.syscall, &self.syscall),
                    1 => (&rows.path, &self.path),
                    2 => (&rows.capability, &self.capability),
                    3 => (&rows.domain, &self.domain),
                    _ => (&rows.remote_addr, &self.address),
                };
                if let Some(k) = col.key(i) {
                    let cell = cache.table[slot * cache.width + k];
                    if cell != UNSET {
                        out[start + i] = cell;
                        continue;
                    }
                }
            }
            let kind = self.kind_of[key].unwrap_or(Kind::Fork);
            out[start + i] = self.slow(rows, i, slot, kind);
        }
        alerting.extend(
            pending
                .iter()
                .filter(|(i, _)| out[start + *i as usize] & RULES != 0)
                .map(|p| p.0),
        );
    }

    /// Whether the first pass read a verdict that does not apply to row
    /// `i`: its value is null, or it is incoming traffic.
    fn looked_up_wrongly(&self, rows: &Rows, i: usize) -> bool {
        match self.codes[rows.kind.key_or_null(i)] as usize {
            0 => rows.syscall.key(i).is_none(),
            1 => rows.path.key(i).is_none(),
            2 => rows.capability.key(i).is_none(),
            3 => rows.domain.key(i).is_none(),
            NETWORK => {
                rows.remote_addr.key(i).is_none() || !self.outbound[rows.direction.key_or_null(i)]
            }
            _ => false,
        }
    }

    /// Evaluates a value not seen yet (and every exec, and the Go rules'
    /// opens, whose verdict depends on more than one column) and fills the
    /// cache.
    #[inline(never)]
    fn slow(&mut self, rows: &Rows, i: usize, slot: usize, kind: Kind) -> u16 {
        let c = &self.candidate.containers[slot];
        let semantics = self.opts.semantics;
        // Several rows of a batch may wait for the same new value: the
        // first fills the table, the others read it.
        let cached = |cache: &mut Cache, k: usize, f: &dyn Fn() -> u16| {
            let cell = &mut cache.table[slot * cache.width + k];
            if *cell == UNSET {
                *cell = f();
            }
            *cell
        };
        match kind {
            Kind::Exec => self.exec(rows, i, slot),
            Kind::Syscall => {
                let Some(k) = rows.syscall.key(i) else {
                    return 0;
                };
                cached(&mut self.syscall, k, &|| {
                    eval::syscall(c, rows.syscall.value(k), None).0
                })
            }
            Kind::Open => {
                let Some(k) = rows.path.key(i) else { return 0 };
                let flags = if semantics == Semantics::GoRules {
                    rows.flags.get(i)
                } else {
                    None
                };
                if let Some(f) = flags {
                    return eval::open(c, rows.path.value(k), Some(&f), semantics).0;
                }
                let cell = self.path.table[slot * self.path.width + k];
                if cell != UNSET {
                    return cell;
                }
                let v = self.open_carried(slot, rows.path.value(k));
                self.path.table[slot * self.path.width + k] = v;
                v
            }
            Kind::Capability => {
                let Some(k) = rows.capability.key(i) else {
                    return 0;
                };
                cached(&mut self.capability, k, &|| {
                    eval::capability(c, rows.capability.value(k)).0
                })
            }
            Kind::Dns => {
                let Some(k) = rows.domain.key(i) else {
                    return 0;
                };
                cached(&mut self.domain, k, &|| {
                    eval::dns(c, rows.domain.value(k)).0
                })
            }
            Kind::Network => {
                if !self.outbound[rows.direction.key_or_null(i)] {
                    return 0;
                }
                let Some(k) = rows.remote_addr.key(i) else {
                    return 0;
                };
                let api = &self.opts.api_servers;
                cached(&mut self.address, k, &|| {
                    eval::network(c, None, rows.remote_addr.value(k), api).0
                })
            }
            _ => 0,
        }
    }

    /// The verdict of an open of `path`, from the verdicts this thread
    /// found in earlier row groups when R0002 watches the path (its
    /// evaluation is the costly one: the profile's opens are searched).
    fn open_carried(&mut self, slot: usize, path: &str) -> u16 {
        let c = &self.candidate.containers[slot];
        let semantics = self.opts.semantics;
        if !eval::r0002_watches(path, semantics) {
            return eval::open(c, path, None, semantics).0;
        }
        if let Some(v) = self.carry.get(path, slot) {
            return v;
        }
        let v = eval::open(c, path, None, semantics).0;
        self.carry.insert(path, slot, v);
        v
    }

    /// Applies the enabled rules and `rulePolicies` to a raw verdict.
    #[inline(always)]
    fn finish(&mut self, rows: &Rows, i: usize, slot: usize, raw: u16) -> u16 {
        let raw = raw & self.enabled;
        if raw == 0 {
            return 0;
        }
        let c = &self.candidate.containers[slot];
        let silenced = match rows.comm.key(i) {
            Some(k) => self
                .silenced
                .get(slot, k, || c.policies.silenced(Some(rows.comm.value(k))).0),
            None => c.policies.silenced(None).0,
        };
        raw & !silenced
    }

    /// An exec's verdict, cached by (slot, path, exe, comm, argv) so that
    /// argv is only copied out of the batch once per distinct exec.
    fn exec(&mut self, rows: &Rows, i: usize, slot: usize) -> u16 {
        let mut argv_bytes = std::mem::take(&mut self.argv_scratch);
        rows.argv.encode_at(i, &mut argv_bytes);
        let argv_hash = {
            use std::hash::Hasher;
            let mut h = crate::fxhash::FxHasher::default();
            h.write(&argv_bytes);
            h.finish()
        };
        let key = (
            slot,
            rows.path.key_or_null(i),
            rows.exe.key_or_null(i),
            rows.comm.key_or_null(i),
            argv_hash,
        );
        let bucket = self.execs.entry(key).or_default();
        let v = match bucket.iter().find(|(a, _)| **a == *argv_bytes) {
            Some(&(_, v)) => v,
            None => {
                let argv = rows.argv.get(i);
                let path = rows.path.get(i).or_else(|| rows.exe.get(i));
                let c = &self.candidate.containers[slot];
                let v = eval::exec(c, path, argv.as_deref(), rows.comm.get(i)).0;
                bucket.push((argv_bytes.as_slice().into(), v));
                v
            }
        };
        if let Some(p) = rows.path.key(i) {
            let last = ExecLast {
                slot: slot as u32,
                exe: rows.exe.key_or_null(i) as u32,
                comm: rows.comm.key_or_null(i) as u32,
                argv: argv_bytes.as_slice().into(),
                verdict: v,
            };
            match self.exec_last_at.get(p).copied() {
                Some(u32::MAX) => {
                    self.exec_last_at[p] = self.exec_last.len() as u32;
                    self.exec_last.push(last);
                }
                Some(at) => self.exec_last[at as usize] = last,
                None => {}
            }
        }
        self.argv_scratch = argv_bytes;
        v
    }

    /// The verdict of exec row `i` if its program path last ran in the same
    /// slot, by the same exe and comm, with the same argv.
    #[inline]
    fn last_exec(&self, rows: &Rows, i: usize, slot: usize) -> Option<u16> {
        let at = *self.exec_last_at.get(rows.path.key(i)?)?;
        let last = self.exec_last.get(at as usize)?;
        (last.slot == slot as u32
            && last.exe == rows.exe.key_or_null(i) as u32
            && last.comm == rows.comm.key_or_null(i) as u32
            && rows.argv.eq_encoded(i, &last.argv))
        .then_some(last.verdict)
    }
}
