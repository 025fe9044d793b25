//! Scoreboards as a terminal table, markdown or JSON, and the ranking of
//! several candidates.
//!
//! Ranking puts candidates without any false positive on benign rows
//! first, then those that detect the most attack scenarios, then the most
//! attack rows, then the fewest false positives; ties keep the order of
//! the command line. Without labelled rows there is nothing to rank by and
//! the report says so instead of inventing an order.

use std::fmt::Write;

use serde_json::{Value, json};

use crate::score::Scoreboard;

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned columns for a terminal.
    #[default]
    Table,
    /// GitHub-flavoured markdown tables.
    Markdown,
    /// One JSON document.
    Json,
}

/// A candidate that could not be scored, and why.
#[derive(Debug, Clone)]
pub struct Broken {
    pub candidate: String,
    pub error: String,
}

/// The message printed when no row carries a label.
pub const UNLABELLED: &str = "no row is labelled benign or attack: \
                              precision, recall and false-positive rate are not computed";

/// Candidate indices, best first (see the module docs); `None` without labels.
pub fn ranking(boards: &[Scoreboard]) -> Option<Vec<usize>> {
    if !boards.iter().any(|b| b.labelled) {
        return None;
    }
    let mut order: Vec<usize> = (0..boards.len()).collect();
    order.sort_by_key(|&i| {
        let b = &boards[i];
        let has_fp = b.confusion.fp > 0 || b.false_positive_scenarios > 0;
        (
            has_fp,
            std::cmp::Reverse(b.detected_scenarios),
            std::cmp::Reverse(b.confusion.tp),
            b.confusion.fp,
            i,
        )
    });
    Some(order)
}

/// A table of strings, printed aligned or as markdown.
struct Table {
    head: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(head: &[&'static str]) -> Table {
        Table {
            head: head.to_vec(),
            rows: Vec::new(),
        }
    }

    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    fn print(&self, format: Format, out: &mut String) {
        if format == Format::Markdown {
            let _ = writeln!(out, "| {} |", self.head.join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(self.head.len()));
            for r in &self.rows {
                let _ = writeln!(out, "| {} |", r.join(" | ").replace('\n', " "));
            }
            out.push('\n');
            return;
        }
        let mut width: Vec<usize> = self.head.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (w, c) in width.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: Vec<&str>, out: &mut String| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&width)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            let _ = writeln!(out, "  {}", padded.join("  ").trim_end());
        };
        line(self.head.clone(), out);
        for r in &self.rows {
            line(r.iter().map(String::as_str).collect(), out);
        }
        out.push('\n');
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn heading(format: Format, text: &str, out: &mut String) {
    match format {
        Format::Markdown => {
            let _ = writeln!(out, "### {text}\n");
        }
        _ => {
            let _ = writeln!(out, "{text}");
        }
    }
}

/// The report of a replay: a summary of every candidate, the ranking, and
/// per candidate its alerts by rule, environments and scenarios.
pub fn render(boards: &[Scoreboard], broken: &[Broken], format: Format) -> String {
    if format == Format::Json {
        return serde_json::to_string_pretty(&to_json(boards, broken)).unwrap_or_default() + "\n";
    }
    let mut out = String::new();
    let labelled = boards.iter().any(|b| b.labelled);
    if let Some(first) = boards.first() {
        heading(
            format,
            &format!("Replay ({} semantics)", first.semantics),
            &mut out,
        );
        out.push('\n');
    }
    let mut t = Table::new(&[
        "candidate",
        "events",
        "evaluated",
        "no profile",
        "other workload",
        "alerted",
        "alerts",
        "distinct",
        "TP",
        "FP",
        "FN",
        "TN",
        "precision",
        "recall",
        "FP rate",
        "attacks detected",
        "benign with FP",
    ]);
    for b in boards {
        let c = &b.confusion;
        let lab = |v: u64| labelled_count(b.labelled, v);
        t.row(vec![
            b.candidate.clone(),
            b.events.to_string(),
            b.evaluated.to_string(),
            b.no_profile.to_string(),
            b.other_workload.to_string(),
            b.alerted_events.to_string(),
            b.alerts.to_string(),
            b.distinct_alerts.to_string(),
            lab(c.tp),
            lab(c.fp),
            lab(c.fn_),
            lab(c.tn),
            pct(b.precision),
            pct(b.recall),
            pct(b.fp_rate),
            if b.labelled {
                format!("{}/{}", b.detected_scenarios, b.attack_scenarios)
            } else {
                "-".into()
            },
            if b.labelled {
                format!("{}/{}", b.false_positive_scenarios, b.benign_scenarios)
            } else {
                "-".into()
            },
        ]);
    }
    t.print(format, &mut out);
    for x in broken {
        let _ = writeln!(out, "candidate `{}` not scored: {}", x.candidate, x.error);
    }
    if !broken.is_empty() {
        out.push('\n');
    }
    if !labelled {
        let _ = writeln!(out, "{UNLABELLED}\n");
    } else if let Some(order) = ranking(boards).filter(|_| boards.len() > 1) {
        heading(
            format,
            "Ranking (no false positive first, then most attacks detected)",
            &mut out,
        );
        out.push('\n');
        for (n, i) in order.iter().enumerate() {
            let b = &boards[*i];
            let _ = writeln!(
                out,
                "{}. {} — {} false-positive rows, {}/{} attack scenarios detected",
                n + 1,
                b.candidate,
                b.confusion.fp,
                b.detected_scenarios,
                b.attack_scenarios
            );
        }
        out.push('\n');
    }
    for b in boards {
        details(b, format, &mut out);
    }
    out
}

fn details(b: &Scoreboard, format: Format, out: &mut String) {
    heading(format, &format!("Candidate {}", b.candidate), out);
    out.push('\n');
    if !b.missing_containers.is_empty() {
        let names: Vec<String> = b
            .missing_containers
            .iter()
            .map(|(k, n)| format!("{k} ({n} rows)"))
            .collect();
        let _ = writeln!(out, "no profile for containers: {}\n", names.join(", "));
    }
    let mut rules = Table::new(&["rule", "alerts", "distinct"]);
    for (rule, n) in &b.alerts_by_rule {
        rules.row(vec![
            rule.to_string(),
            n.to_string(),
            b.distinct_by_rule
                .get(rule)
                .copied()
                .unwrap_or(0)
                .to_string(),
        ]);
    }
    if !rules.rows.is_empty() {
        rules.print(format, out);
    }
    let mut envs = Table::new(&[
        "environment",
        "events",
        "alerted",
        "TP",
        "FP",
        "FN",
        "TN",
        "precision",
        "recall",
    ]);
    for (name, c) in &b.by_environment {
        let f = &c.confusion;
        let lab = |v: u64| labelled_count(b.labelled, v);
        envs.row(vec![
            name.clone(),
            c.events.to_string(),
            c.alerted_events.to_string(),
            lab(f.tp),
            lab(f.fp),
            lab(f.fn_),
            lab(f.tn),
            pct(f.precision()),
            pct(f.recall()),
        ]);
    }
    envs.print(format, out);
    let mut scen = Table::new(&[
        "scenario",
        "class",
        "outcome",
        "events",
        "alerted",
        "attack rows",
        "benign rows",
    ]);
    for (name, s) in &b.by_scenario {
        scen.row(vec![
            name.clone(),
            s.class.to_owned(),
            s.outcome.to_owned(),
            s.events.to_string(),
            s.alerted_events.to_string(),
            s.attack_events.to_string(),
            s.benign_events.to_string(),
        ]);
    }
    scen.print(format, out);
}

/// The report as one JSON value.
pub fn to_json(boards: &[Scoreboard], broken: &[Broken]) -> Value {
    let labelled = boards.iter().any(|b| b.labelled);
    let ranking: Option<Vec<&str>> =
        ranking(boards).map(|o| o.iter().map(|&i| boards[i].candidate.as_str()).collect());
    json!({
        "labelled": labelled,
        "note": if labelled { Value::Null } else { Value::String(UNLABELLED.into()) },
        "ranking": ranking,
        "candidates": boards,
        "errors": broken
            .iter()
            .map(|b| json!({"candidate": b.candidate, "error": b.error}))
            .collect::<Vec<_>>(),
    })
}

/// A confusion count, or `-` when no row was labelled (the count would
/// mean nothing).
fn labelled_count(labelled: bool, v: u64) -> String {
    if labelled {
        v.to_string()
    } else {
        "-".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(name: &str, fp: u64, detected: u64) -> Scoreboard {
        let mut b = Scoreboard {
            candidate: name.into(),
            labelled: true,
            ..Default::default()
        };
        b.confusion.fp = fp;
        b.detected_scenarios = detected;
        b
    }

    #[test]
    fn no_false_positive_ranks_first_then_detections() {
        let boards = vec![
            board("loose", 0, 1),
            board("noisy", 5, 9),
            board("tight", 0, 3),
        ];
        assert_eq!(ranking(&boards), Some(vec![2, 0, 1]));
        let unlabelled = vec![Scoreboard::default()];
        assert_eq!(ranking(&unlabelled), None);
        assert!(render(&unlabelled, &[], Format::Table).contains(UNLABELLED));
    }

    #[test]
    fn markdown_has_pipes() {
        let md = render(&[board("a", 1, 1)], &[], Format::Markdown);
        assert!(md.contains("| candidate |"), "{md}");
        let json = render(
            &[board("a", 1, 1)],
            &[Broken {
                candidate: "b".into(),
                error: "x".into(),
            }],
            Format::Json,
        );
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["errors"][0]["candidate"], "b");
    }
}
