//! Open verdicts carried from one row group to the next, by path.
//!
//! Parquet dictionaries belong to a row group, so every row group brings
//! its thousands of paths under new keys. R0002's verdict of a watched path
//! is the costly one to find (the profile's opens are searched), and it
//! depends only on the path and the container: a [`PathCarry`] keeps it by
//! path string, for every container slot of one candidate.
//!
//! It is a flat open-addressing table rather than a `HashMap` of boxed
//! strings because a row group asks for all its watched paths at once
//! ([`PathCarry::find_all`]): with the strings in one buffer and each
//! probe a single word, the lookups of consecutive paths do not wait on
//! each other's cache misses.

use std::hash::Hasher;

use crate::fxhash::FxHasher;

/// A slot whose verdict for the path has not been found yet.
pub const UNKNOWN: u16 = u16::MAX;

/// Paths carried before the carry starts over: bounds its memory.
const MAX_PATHS: usize = 1 << 18;
/// Bytes of path strings carried before the carry starts over.
const MAX_BYTES: usize = 1 << 26;
/// Verdicts (paths times slots) carried before the carry starts over: a
/// candidate of many containers keeps fewer paths.
const MAX_VERDICTS: usize = 1 << 22;

/// Verdicts by (path, slot).
#[derive(Default)]
pub struct PathCarry {
    /// Verdicts kept per path: the candidate's containers.
    slots: usize,
    /// Linear probing. A word is empty (0) or holds the low 32 bits of a
    /// path's hash above its index + 1.
    table: Vec<u64>,
    /// Where each path's bytes end in `bytes`; it starts where the one
    /// before it ends.
    ends: Vec<u32>,
    bytes: Vec<u8>,
    /// `slots` verdicts per path, [`UNKNOWN`] where none was found.
    verdicts: Vec<u16>,
}

/// A path's hash, spread over all 64 bits: the table's position comes from
/// the high bits, the tag from the low ones.
#[inline]
pub fn hash(path: &str) -> u64 {
    hash_bytes(path.as_bytes())
}

#[inline]
fn hash_bytes(path: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(path);
    let h = h.finish() ^ path.len() as u64;
    // The finalizer of MurmurHash3: Fx's low bits alone are weak.
    let h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    let h = (h ^ (h >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

impl PathCarry {
    /// An empty carry for a candidate of `slots` containers.
    pub fn new(slots: usize) -> Self {
        PathCarry {
            slots,
            ..Default::default()
        }
    }

    /// The number of containers it keeps verdicts for.
    pub fn slots(&self) -> usize {
        self.slots
    }

    fn path(&self, entry: usize) -> &[u8] {
        let start = if entry == 0 {
            0
        } else {
            self.ends[entry - 1] as usize
        };
        &self.bytes[start..self.ends[entry] as usize]
    }

    #[inline]
    fn position(&self, hash: u64) -> usize {
        // The table's length is a power of two.
        (hash >> (64 - self.table.len().trailing_zeros())) as usize
    }

    /// The entry of `path` (whose [`hash`] is `h`).
    fn find(&self, path: &str, h: u64) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let mask = self.table.len() - 1;
        let tag = h as u32;
        let mut at = self.position(h);
        loop {
            let word = self.table[at];
            if word == 0 {
                return None;
            }
            let entry = (word as u32 - 1) as usize;
            if (word >> 32) as u32 == tag && self.path(entry) == path.as_bytes() {
                return Some(entry);
            }
            at = (at + 1) & mask;
        }
    }

    /// The verdict of `path` in `slot`, when one was carried.
    pub fn get(&self, path: &str, slot: usize) -> Option<u16> {
        let entry = self.find(path, hash(path))?;
        let v = self.verdicts[entry * self.slots + slot];
        (v != UNKNOWN).then_some(v)
    }

    /// The verdicts of one entry, by slot ([`UNKNOWN`] where none).
    pub fn verdicts(&self, entry: u32) -> &[u16] {
        let at = entry as usize * self.slots;
        &self.verdicts[at..at + self.slots]
    }

    /// Looks up many paths at once. `queries` holds (key, hash) pairs, and
    /// keeps only those found, as (key, entry); `path_of` gives a key's
    /// path. The first pass only probes the table, so that its loads
    /// overlap; the second checks the strings of the entries it chose.
    pub fn find_all<'p>(&self, queries: &mut Vec<(u32, u64)>, path_of: impl Fn(u32) -> &'p str) {
        if self.table.is_empty() {
            queries.clear();
            return;
        }
        let mask = self.table.len() - 1;
        for q in queries.iter_mut() {
            let (tag, mut at) = (q.1 as u32, self.position(q.1));
            let found = loop {
                let word = self.table[at];
                if word == 0 {
                    break u64::MAX;
                }
                if (word >> 32) as u32 == tag {
                    break u64::from(word as u32 - 1);
                }
                at = (at + 1) & mask;
            };
            q.1 = found;
        }
        queries.retain_mut(|q| {
            if q.1 == u64::MAX {
                return false;
            }
            let path = path_of(q.0);
            if self.path(q.1 as usize) == path.as_bytes() {
                return true;
            }
            // Two paths share a tag: the full search decides.
            match self.find(path, hash(path)) {
                Some(entry) => {
                    q.1 = entry as u64;
                    true
                }
                None => false,
            }
        });
    }

    /// Records the verdict of `path` in `slot`.
    pub fn insert(&mut self, path: &str, slot: usize, verdict: u16) {
        let h = hash(path);
        let entry = match self.find(path, h) {
            Some(e) => e,
            None => {
                if self.ends.len() >= MAX_PATHS
                    || self.bytes.len() + path.len() > MAX_BYTES
                    || self.verdicts.len() + self.slots > MAX_VERDICTS
                {
                    *self = PathCarry::new(self.slots);
                }
                self.append(path, h)
            }
        };
        self.verdicts[entry * self.slots + slot] = verdict;
    }

    fn append(&mut self, path: &str, h: u64) -> usize {
        let entry = self.ends.len();
        self.bytes.extend_from_slice(path.as_bytes());
        self.ends.push(self.bytes.len() as u32);
        self.verdicts
            .extend(std::iter::repeat_n(UNKNOWN, self.slots));
        if (entry + 1) * 2 > self.table.len() {
            self.grow();
        } else {
            self.place(entry, h);
        }
        entry
    }

    /// Doubles the table and places every entry again.
    fn grow(&mut self) {
        let len = (self.table.len() * 2).max(1024);
        self.table = vec![0; len];
        for entry in 0..self.ends.len() {
            let h = hash_bytes(self.path(entry));
            self.place(entry, h);
        }
    }

    fn place(&mut self, entry: usize, h: u64) {
        let mask = self.table.len() - 1;
        let mut at = self.position(h);
        while self.table[at] != 0 {
            at = (at + 1) & mask;
        }
        self.table[at] = (u64::from(h as u32) << 32) | (entry as u64 + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_in_each_slot() {
        let mut c = PathCarry::new(3);
        let paths: Vec<String> = (0..5000).map(|i| format!("/etc/conf.d/{i}")).collect();
        for (i, p) in paths.iter().enumerate() {
            c.insert(p, i % 3, i as u16 % 7);
        }
        for (i, p) in paths.iter().enumerate() {
            for slot in 0..3 {
                let want = (slot == i % 3).then_some(i as u16 % 7);
                assert_eq!(c.get(p, slot), want, "{p} {slot}");
            }
        }
        assert_eq!(c.get("/etc/conf.d/5000", 0), None);
        assert_eq!(c.get("", 0), None);
    }

    #[test]
    fn find_all_keeps_exactly_the_carried_paths() {
        let mut c = PathCarry::new(2);
        for i in (0..3000).step_by(2) {
            c.insert(&format!("/var/lib/x/{i}"), 1, 4);
        }
        let paths: Vec<String> = (0..3000).map(|i| format!("/var/lib/x/{i}")).collect();
        let mut queries: Vec<(u32, u64)> = paths
            .iter()
            .enumerate()
            .map(|(k, p)| (k as u32, hash(p)))
            .collect();
        c.find_all(&mut queries, |k| paths[k as usize].as_str());
        assert_eq!(queries.len(), 1500);
        for &(k, e) in &queries {
            assert_eq!(k % 2, 0);
            assert_eq!(c.verdicts(e as u32), &[UNKNOWN, 4]);
        }
    }

    #[test]
    fn many_slots_keep_fewer_paths() {
        let slots = 1 << 12;
        let mut c = PathCarry::new(slots);
        for i in 0..3000 {
            c.insert(&format!("/etc/{i}"), i % slots, 1);
            assert!(c.verdicts.len() <= MAX_VERDICTS);
        }
        // It started over: the last paths are kept, the first are not.
        assert_eq!(c.get("/etc/2999", 2999 % slots), Some(1));
        assert_eq!(c.get("/etc/0", 0), None);
        assert_eq!(c.ends.len() * slots, c.verdicts.len());
    }

    #[test]
    fn a_shared_tag_is_told_apart_by_the_string() {
        // Force every path into one tag and one run of the table by
        // searching with a doctored hash: the strings must decide.
        let mut c = PathCarry::new(1);
        c.insert("/etc/a", 0, 1);
        c.insert("/etc/b", 0, 2);
        let tag_of_a = hash("/etc/a");
        let paths = ["/etc/b", "/etc/c"];
        let mut queries = vec![(0, tag_of_a), (1, tag_of_a)];
        c.find_all(&mut queries, |k| paths[k as usize]);
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0].0, 0);
        assert_eq!(c.verdicts(queries[0].1 as u32), &[2]);
    }
}
