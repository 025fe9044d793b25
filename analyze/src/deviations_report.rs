//! Deviations as text: a terminal table, markdown, CSV or JSON.

use std::fmt::Write;

use bob_profile::ApplicationProfile;

use crate::deviations::{EnvDiff, Group, Item};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Table,
    Markdown,
    Csv,
    Json,
}

/// The whole report in one format.
pub fn render(
    groups: &[Group],
    against: Option<&ApplicationProfile>,
    format: ReportFormat,
) -> String {
    match format {
        ReportFormat::Json => json(groups, against),
        ReportFormat::Csv => csv(groups, against),
        ReportFormat::Table => text(groups, against, false),
        ReportFormat::Markdown => text(groups, against, true),
    }
}

fn items(list: &[Item]) -> String {
    list.iter()
        .map(|i| format!("{}:{}", i.kind, i.item))
        .collect::<Vec<_>>()
        .join(", ")
}

fn text(groups: &[Group], against: Option<&ApplicationProfile>, md: bool) -> String {
    let mut s = String::new();
    for g in groups {
        let title = format!(
            "{} / {}",
            if g.workload.is_empty() {
                "(no workload)"
            } else {
                &g.workload
            },
            g.container
        );
        if md {
            let _ = writeln!(s, "## {title}\n");
            let _ = writeln!(
                s,
                "{} environments: {}\n",
                g.environments.len(),
                g.environments.join(", ")
            );
            let _ = writeln!(s, "| kind | superset | core |\n|---|---:|---:|");
            for (k, a, c) in g.sizes() {
                let _ = writeln!(s, "| {k} | {a} | {c} |");
            }
            let _ = writeln!(s);
            let head = if against.is_some() {
                "| environment | adds | lacks | not in profile |\n|---|---|---|---|"
            } else {
                "| environment | adds | lacks |\n|---|---|---|"
            };
            let _ = writeln!(s, "{head}");
            for d in g.per_environment(against) {
                let un = d
                    .uncovered
                    .as_ref()
                    .map(|u| format!(" {} |", cell(u)))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "| {} | {} | {} |{un}",
                    if d.env.is_empty() {
                        "(unlabelled)"
                    } else {
                        &d.env
                    },
                    cell(&d.adds),
                    cell(&d.lacks)
                );
            }
            let _ = writeln!(s);
        } else {
            let _ = writeln!(s, "{title}: {} environments", g.environments.len());
            let _ = writeln!(s, "  {:<12} {:>9} {:>6}", "kind", "superset", "core");
            for (k, a, c) in g.sizes() {
                let _ = writeln!(s, "  {k:<12} {a:>9} {c:>6}");
            }
            let width = g
                .environments
                .iter()
                .map(String::len)
                .max()
                .unwrap_or(0)
                .max(11);
            let _ = writeln!(
                s,
                "  {:<width$} {:>5} {:>6}{}",
                "environment",
                "adds",
                "lacks",
                if against.is_some() {
                    "  not-in-profile"
                } else {
                    ""
                }
            );
            let diffs = g.per_environment(against);
            for d in &diffs {
                let un = d
                    .uncovered
                    .as_ref()
                    .map(|u| format!("  {:>14}", u.len()))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "  {:<width$} {:>5} {:>6}{un}",
                    d.env,
                    d.adds.len(),
                    d.lacks.len()
                );
            }
            for d in diffs.iter().filter(|d| {
                !d.adds.is_empty() || d.uncovered.as_ref().is_some_and(|u| !u.is_empty())
            }) {
                if !d.adds.is_empty() {
                    let _ = writeln!(s, "  {} adds: {}", d.env, items(&d.adds));
                }
                if let Some(u) = d.uncovered.as_ref().filter(|u| !u.is_empty()) {
                    let _ = writeln!(s, "  {} not in profile: {}", d.env, items(u));
                }
            }
            let _ = writeln!(s);
        }
    }
    s
}

fn cell(list: &[Item]) -> String {
    if list.is_empty() {
        "—".to_owned()
    } else {
        items(list).replace('|', "\\|")
    }
}

fn csv(groups: &[Group], against: Option<&ApplicationProfile>) -> String {
    let mut s = String::from("workload,container,kind,item,environments,in_core,present_in");
    if against.is_some() {
        s.push_str(",in_profile");
    }
    s.push('\n');
    for g in groups {
        let c = against.and_then(|ap| ap.container(&g.container));
        for (i, envs) in &g.items {
            let present: Vec<&str> = envs.iter().map(String::as_str).collect();
            let _ = write!(
                s,
                "{},{},{},{},{},{},{}",
                q(&g.workload),
                q(&g.container),
                q(&i.kind),
                q(&i.item),
                envs.len(),
                envs.len() == g.environments.len(),
                q(&present.join(";"))
            );
            if against.is_some() {
                let _ = write!(s, ",{}", crate::deviations::covered(c, i));
            }
            s.push('\n');
        }
    }
    s
}

fn q(v: &str) -> String {
    if v.contains([',', '"', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

#[derive(serde::Serialize)]
struct JsonGroup<'a> {
    namespace: Option<&'a str>,
    workload_kind: Option<&'a str>,
    workload: &'a str,
    container: &'a str,
    environments: &'a [String],
    sizes: Vec<JsonSize>,
    core: Vec<&'a Item>,
    items: Vec<JsonItem<'a>>,
    per_environment: Vec<EnvDiff>,
}

#[derive(serde::Serialize)]
struct JsonSize {
    kind: String,
    superset: usize,
    core: usize,
}

#[derive(serde::Serialize)]
struct JsonItem<'a> {
    kind: &'a str,
    item: &'a str,
    environments: Vec<&'a str>,
}

fn json(groups: &[Group], against: Option<&ApplicationProfile>) -> String {
    let out: Vec<JsonGroup<'_>> = groups
        .iter()
        .map(|g| JsonGroup {
            namespace: g.namespace.as_deref(),
            workload_kind: g.workload_kind.as_deref(),
            workload: &g.workload,
            container: &g.container,
            environments: &g.environments,
            sizes: g
                .sizes()
                .into_iter()
                .map(|(kind, superset, core)| JsonSize {
                    kind,
                    superset,
                    core,
                })
                .collect(),
            core: g.core(),
            items: g
                .items
                .iter()
                .map(|(i, e)| JsonItem {
                    kind: &i.kind,
                    item: &i.item,
                    environments: e.iter().map(String::as_str).collect(),
                })
                .collect(),
            per_environment: g.per_environment(against),
        })
        .collect();
    serde_json::to_string_pretty(&out).expect("deviations serialize") + "\n"
}
