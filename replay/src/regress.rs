//! Verdict changes between a base and a candidate profile over the same
//! traces: what a profile change now lets through and what it now flags.
//!
//! Both profiles are evaluated in one scan, row by row. A row whose
//! "alerts or not" differs is a change; changes are grouped by what the row
//! did (kind, container, value) and which rules fired before and after.
//! Benign rows that now alert are new false positives and attack rows that
//! no longer alert are lost detections: both are regressions. The reverse
//! are improvements; rows without a label are listed as changes only.

use std::collections::BTreeMap;
use std::fmt::Write;

use bob_trace::Kind;
use serde::Serialize;

use crate::columns::Rows;
use crate::error::ReplayError;
use crate::rules::RuleSet;
use crate::scan::{Position, Sink};
use crate::verdict::{NO_PROFILE, OTHER_WORKLOAD, RULES};

/// Distinct change groups kept; rows beyond are still counted.
const MAX_GROUPS: usize = 10_000;

/// What kind of change a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A benign row alerts with the candidate and did not with the base.
    NewFalsePositive,
    /// An attack row alerted with the base and does not with the candidate.
    LostDetection,
    /// A benign row no longer alerts.
    FixedFalsePositive,
    /// An attack row now alerts.
    NewDetection,
    /// An unlabelled row now alerts.
    NowAlerts,
    /// An unlabelled row no longer alerts.
    NoLongerAlerts,
}

impl ChangeKind {
    /// Whether this change fails a regression test.
    pub fn is_regression(self) -> bool {
        matches!(
            self,
            ChangeKind::NewFalsePositive | ChangeKind::LostDetection
        )
    }

    fn label(self) -> &'static str {
        match self {
            ChangeKind::NewFalsePositive => "new false positive",
            ChangeKind::LostDetection => "lost detection",
            ChangeKind::FixedFalsePositive => "fixed false positive",
            ChangeKind::NewDetection => "new detection",
            ChangeKind::NowAlerts => "now alerts (unlabelled)",
            ChangeKind::NoLongerAlerts => "no longer alerts (unlabelled)",
        }
    }
}

/// One group of rows with the same change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub change: ChangeKind,
    pub kind: String,
    pub container: String,
    /// What the rows did: the syscall, path, `exec argv...`, capability,
    /// domain or address.
    pub what: String,
    pub before: String,
    pub after: String,
    pub rows: u64,
    /// One scenario the rows occur in.
    pub scenario: String,
}

/// All changes between two profiles.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegressReport {
    pub base: String,
    pub candidate: String,
    pub events: u64,
    /// Rows per change kind.
    pub rows: BTreeMap<ChangeKind, u64>,
    pub changes: Vec<Change>,
    /// Rows whose group was not kept (more than 10 000 groups).
    pub ungrouped_rows: u64,
}

impl RegressReport {
    /// Rows that are regressions.
    pub fn regressions(&self) -> u64 {
        self.rows
            .iter()
            .filter(|(k, _)| k.is_regression())
            .map(|(_, n)| n)
            .sum()
    }
}

type GroupKey = (ChangeKind, String, String, String, u16, u16);

/// Collects changes from a scan of exactly two candidates (base, candidate).
#[derive(Default)]
pub struct RegressSink {
    events: u64,
    groups: BTreeMap<GroupKey, (u64, String)>,
    counts: BTreeMap<ChangeKind, u64>,
    ungrouped: u64,
}

fn what(rows: &Rows, i: usize) -> (String, String) {
    let kind = rows.kind.get(i).unwrap_or("").to_owned();
    let w = match Kind::parse(&kind) {
        Some(Kind::Syscall) => match (rows.syscall.get(i), rows.argv.first(i)) {
            // bpf rows differ by command (R0009 is for loads only).
            (Some(name), Some(command)) => format!("{name} {command}"),
            (name, _) => name.unwrap_or("").to_owned(),
        },
        Some(Kind::Open) => rows.path.get(i).unwrap_or("").to_owned(),
        Some(Kind::Exec) => {
            let path = rows.path.get(i).or_else(|| rows.exe.get(i)).unwrap_or("");
            format!("{path} {}", rows.argv.get(i).unwrap_or_default().join(" "))
        }
        Some(Kind::Capability) => rows.capability.get(i).unwrap_or("").to_owned(),
        Some(Kind::Dns) => rows.domain.get(i).unwrap_or("").to_owned(),
        _ => rows.remote_addr.get(i).unwrap_or("").to_owned(),
    };
    (kind, w)
}

fn change_of(label: Option<&str>, before: bool, after: bool) -> ChangeKind {
    match (label, before, after) {
        (Some("benign"), false, _) => ChangeKind::NewFalsePositive,
        (Some("benign"), true, _) => ChangeKind::FixedFalsePositive,
        (Some("attack"), true, _) => ChangeKind::LostDetection,
        (Some("attack"), false, _) => ChangeKind::NewDetection,
        (_, false, _) => ChangeKind::NowAlerts,
        (_, true, _) => ChangeKind::NoLongerAlerts,
    }
}

impl Sink for RegressSink {
    type Part = RegressSink;

    fn part(&self) -> RegressSink {
        RegressSink::default()
    }

    fn batch(&self, part: &mut RegressSink, _at: Position, rows: &Rows, verdicts: &[Vec<u16>]) {
        // A scan of anything but two candidates has nothing to compare.
        let [base, cand] = verdicts else { return };
        part.events += rows.len as u64;
        for i in 0..rows.len {
            if base[i] & cand[i] & OTHER_WORKLOAD != 0 {
                continue;
            }
            let (b, c) = (base[i] & RULES, cand[i] & RULES);
            if (b != 0) == (c != 0) {
                continue;
            }
            let change = change_of(rows.label.get(i), b != 0, c != 0);
            let (kind, w) = what(rows, i);
            let mut container = rows.container.get(i).unwrap_or("").to_owned();
            if (base[i] | cand[i]) & NO_PROFILE != 0 {
                container.push_str(" (no profile in one)");
            }
            *part.counts.entry(change).or_default() += 1;
            let key = (change, kind, container, w, b, c);
            if part.groups.len() >= MAX_GROUPS && !part.groups.contains_key(&key) {
                part.ungrouped += 1;
                continue;
            }
            let scenario = || {
                rows.scenario
                    .get(i)
                    .or_else(|| rows.run.get(i))
                    .unwrap_or("")
                    .to_owned()
            };
            let g = part.groups.entry(key).or_insert_with(|| (0, scenario()));
            g.0 += 1;
        }
    }

    fn merge(&mut self, part: RegressSink) -> Result<(), ReplayError> {
        self.events += part.events;
        self.ungrouped += part.ungrouped;
        for (k, n) in part.counts {
            *self.counts.entry(k).or_default() += n;
        }
        for (k, (n, s)) in part.groups {
            if self.groups.len() >= MAX_GROUPS && !self.groups.contains_key(&k) {
                self.ungrouped += n;
                continue;
            }
            let g = self.groups.entry(k).or_insert((0, s));
            g.0 += n;
        }
        Ok(())
    }
}

impl RegressSink {
    /// The report, groups sorted by change kind, then most rows first.
    pub fn finish(self, base: &str, candidate: &str) -> RegressReport {
        let mut r = RegressReport {
            base: base.into(),
            candidate: candidate.into(),
            events: self.events,
            ungrouped_rows: self.ungrouped,
            rows: self.counts,
            ..Default::default()
        };
        for ((change, kind, container, what, b, c), (rows, scenario)) in self.groups {
            let (before, after) = (RuleSet(b).to_string(), RuleSet(c).to_string());
            r.changes.push(Change {
                change,
                kind,
                container,
                what,
                before,
                after,
                rows,
                scenario,
            });
        }
        r.changes.sort_by(|a, b| {
            (a.change, std::cmp::Reverse(a.rows))
                .cmp(&(b.change, std::cmp::Reverse(b.rows)))
                .then(a.cmp(b))
        });
        r
    }
}

fn summary_line(r: &RegressReport) -> String {
    let n = |k| r.rows.get(&k).copied().unwrap_or(0);
    format!(
        "{} new false positives, {} lost detections, {} fixed false positives, \
         {} new detections, {} unlabelled changes over {} events",
        n(ChangeKind::NewFalsePositive),
        n(ChangeKind::LostDetection),
        n(ChangeKind::FixedFalsePositive),
        n(ChangeKind::NewDetection),
        n(ChangeKind::NowAlerts) + n(ChangeKind::NoLongerAlerts),
        r.events
    )
}

/// The report for a terminal.
pub fn to_text(r: &RegressReport) -> String {
    let mut out = format!("{} -> {}: {}\n", r.base, r.candidate, summary_line(r));
    for c in &r.changes {
        let _ = writeln!(
            out,
            "  {:<30} {:>8} rows  {} {} `{}`  {} -> {}  (e.g. {})",
            c.change.label(),
            c.rows,
            c.container,
            c.kind,
            c.what,
            c.before,
            c.after,
            c.scenario
        );
    }
    if r.ungrouped_rows > 0 {
        let _ = writeln!(
            out,
            "  and {} more changed rows in groups not listed",
            r.ungrouped_rows
        );
    }
    out
}

/// A summary fit for a pull-request comment.
pub fn to_markdown(r: &RegressReport) -> String {
    let verdict = if r.regressions() > 0 {
        "❌ regression"
    } else {
        "✅ no regression"
    };
    let mut out = format!(
        "## bob regress: {verdict}\n\n`{}` → `{}`: {}.\n\n",
        r.base,
        r.candidate,
        summary_line(r)
    );
    if r.changes.is_empty() {
        return out;
    }
    out.push_str(
        "| change | rows | container | kind | what | rules before | rules after | e.g. scenario |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for c in r.changes.iter().take(50) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | `{}` | {} | {} | {} |",
            c.change.label(),
            c.rows,
            c.container,
            c.kind,
            c.what.replace('|', "\\|"),
            c.before,
            c.after,
            c.scenario
        );
    }
    if r.changes.len() > 50 {
        let _ = writeln!(out, "\n{} more groups not shown.", r.changes.len() - 50);
    }
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JUnit XML: one test per regression kind, failing with its groups.
pub fn to_junit(r: &RegressReport) -> String {
    let cases = [
        (
            ChangeKind::NewFalsePositive,
            "benign events raise no new alerts",
        ),
        (
            ChangeKind::LostDetection,
            "attack events keep their detections",
        ),
    ];
    let failures = cases.iter().filter(|(k, _)| r.rows.contains_key(k)).count();
    let mut out = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n",
            "  <testsuite name=\"bob regress\" tests=\"2\" failures=\"{}\">\n"
        ),
        failures
    );
    for (kind, name) in cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{name}\"",
            xml(&r.candidate)
        );
        let groups: Vec<&Change> = r.changes.iter().filter(|c| c.change == kind).collect();
        if groups.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        let rows = r.rows.get(&kind).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            ">\n      <failure message=\"{rows} {}\">",
            kind.label()
        );
        for c in groups {
            let line = format!(
                "{} rows: {} {} `{}` {} -> {}",
                c.rows, c.container, c.kind, c.what, c.before, c.after
            );
            let _ = writeln!(out, "{}", xml(&line));
        }
        out.push_str("      </failure>\n    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_decide_the_change() {
        assert_eq!(
            change_of(Some("benign"), false, true),
            ChangeKind::NewFalsePositive
        );
        assert_eq!(
            change_of(Some("attack"), true, false),
            ChangeKind::LostDetection
        );
        assert_eq!(
            change_of(Some("benign"), true, false),
            ChangeKind::FixedFalsePositive
        );
        assert_eq!(
            change_of(Some("attack"), false, true),
            ChangeKind::NewDetection
        );
        assert_eq!(change_of(None, false, true), ChangeKind::NowAlerts);
        assert_eq!(
            change_of(Some("unknown"), true, false),
            ChangeKind::NoLongerAlerts
        );
        assert!(
            ChangeKind::LostDetection.is_regression() && !ChangeKind::NewDetection.is_regression()
        );
    }
}
