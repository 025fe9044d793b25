//! The rules replay evaluates (SEMANTICS.md §3) and the generations of
//! their semantics.
//!
//! A row's verdict is a [`RuleSet`]: one bit per rule that fired, so one
//! event can raise several alerts (an open of `/etc/shadow` is both R0002
//! and R0010), as node-agent evaluates every rule on every event.

use std::fmt;

/// Which generation of node-agent's rules to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Semantics {
    /// The current CEL rules: `⋯` and `*` in paths, R0002 ignores flags.
    #[default]
    Current,
    /// Kubescape 4.0 (March 2026): as current, but only `⋯` in paths.
    Kubescape40,
    /// The Go rules before December 2025: R0002 also requires the event's
    /// flags to be among the entry's and checks every path outside `/proc`,
    /// the token directories and `/tmp`; old names and severities.
    GoRules,
}

impl Semantics {
    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Semantics::Current => "current",
            Semantics::Kubescape40 => "kubescape-4.0",
            Semantics::GoRules => "go-rules",
        }
    }

    /// The path wildcard mode of this generation.
    pub fn path_mode(self) -> bob_profile::pattern::PathMode {
        match self {
            Semantics::Kubescape40 => bob_profile::pattern::PathMode::Kubescape40,
            _ => bob_profile::pattern::PathMode::Current,
        }
    }
}

/// One rule of SEMANTICS.md §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    R0001,
    R0002,
    R0003,
    R0004,
    R0005,
    R0006,
    R0007,
    R0008,
    R0009,
    R0010,
    R0011,
    R0040,
}

impl Rule {
    /// Every rule, in id order (also bit order in a [`RuleSet`]).
    pub const ALL: [Rule; 12] = [
        Rule::R0001,
        Rule::R0002,
        Rule::R0003,
        Rule::R0004,
        Rule::R0005,
        Rule::R0006,
        Rule::R0007,
        Rule::R0008,
        Rule::R0009,
        Rule::R0010,
        Rule::R0011,
        Rule::R0040,
    ];

    /// The rule id, `R0001`.
    pub fn id(self) -> &'static str {
        match self {
            Rule::R0001 => "R0001",
            Rule::R0002 => "R0002",
            Rule::R0003 => "R0003",
            Rule::R0004 => "R0004",
            Rule::R0005 => "R0005",
            Rule::R0006 => "R0006",
            Rule::R0007 => "R0007",
            Rule::R0008 => "R0008",
            Rule::R0009 => "R0009",
            Rule::R0010 => "R0010",
            Rule::R0011 => "R0011",
            Rule::R0040 => "R0040",
        }
    }

    /// The rule of an id, `R0001` or `r0001`.
    pub fn parse(id: &str) -> Option<Rule> {
        Rule::ALL
            .into_iter()
            .find(|r| r.id().eq_ignore_ascii_case(id.trim()))
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The alert name upstream gives this rule in `semantics`.
    pub fn name(self, semantics: Semantics) -> &'static str {
        if semantics == Semantics::GoRules {
            match self {
                Rule::R0001 => return "Unexpected process launched",
                Rule::R0002 => return "Unexpected file access",
                Rule::R0003 => return "Unexpected system call",
                Rule::R0004 => return "Unexpected capability used",
                Rule::R0005 => return "Unexpected domain request",
                Rule::R0006 => return "Unexpected Service Account Token Access",
                _ => {}
            }
        }
        match self {
            Rule::R0001 => "Unexpected process launched",
            Rule::R0002 => "Files Access Anomalies in container",
            Rule::R0003 => "Syscalls Anomalies in container",
            Rule::R0004 => "Linux Capabilities Anomalies in container",
            Rule::R0005 => "DNS Anomalies in container",
            Rule::R0006 => "Unexpected service account token access",
            Rule::R0007 => "Workload uses Kubernetes API unexpectedly",
            Rule::R0008 => "Read Environment Variables from procfs",
            Rule::R0009 => "eBPF Program Load",
            Rule::R0010 => "Unexpected Sensitive File Access",
            Rule::R0011 => "Unexpected Egress Network Traffic",
            Rule::R0040 => "Unexpected process arguments",
        }
    }

    /// The severity upstream gives this rule in `semantics` (the rule
    /// files' `severity`; the Go rules' values for the six they had).
    pub fn severity(self, semantics: Semantics) -> u8 {
        if semantics == Semantics::GoRules {
            match self {
                Rule::R0001 | Rule::R0004 | Rule::R0005 => return 5,
                Rule::R0002 | Rule::R0003 => return 1,
                Rule::R0006 => return 8,
                _ => {}
            }
        }
        match self {
            Rule::R0001 | Rule::R0002 | Rule::R0003 | Rule::R0004 | Rule::R0005 => 1,
            Rule::R0040 => 3,
            _ => 5,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A set of rules, one bit each: the verdict of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct RuleSet(pub u16);

impl RuleSet {
    /// No rule.
    pub const EMPTY: RuleSet = RuleSet(0);
    /// Every rule.
    pub const ALL: RuleSet = RuleSet((1 << Rule::ALL.len()) - 1);

    /// The set of one rule.
    pub const fn of(rule: Rule) -> RuleSet {
        RuleSet(rule.bit())
    }

    /// Whether no rule is in the set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `rule` is in the set.
    pub fn contains(self, rule: Rule) -> bool {
        self.0 & rule.bit() != 0
    }

    /// Adds `rule`.
    pub fn insert(&mut self, rule: Rule) {
        self.0 |= rule.bit();
    }

    /// The rules in both sets.
    pub fn and(self, other: RuleSet) -> RuleSet {
        RuleSet(self.0 & other.0)
    }

    /// The rules of `self` not in `other`.
    pub fn minus(self, other: RuleSet) -> RuleSet {
        RuleSet(self.0 & !other.0)
    }

    /// The rules in the set, in id order.
    pub fn iter(self) -> impl Iterator<Item = Rule> {
        Rule::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// The set of a comma-separated list of ids (`R0001,R0003`).
    pub fn parse(list: &str) -> Result<RuleSet, String> {
        let mut set = RuleSet::EMPTY;
        for id in list.split(',').filter(|s| !s.trim().is_empty()) {
            let rule = Rule::parse(id).ok_or_else(|| {
                format!(
                    "unknown rule `{}`, expected one of R0001-R0011 or R0040",
                    id.trim()
                )
            })?;
            set.insert(rule);
        }
        Ok(set)
    }
}

impl fmt::Display for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("-");
        }
        let ids: Vec<&str> = self.iter().map(Rule::id).collect();
        f.write_str(&ids.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_parse_and_print() {
        let s = RuleSet::parse("R0003, r0040").unwrap();
        assert!(s.contains(Rule::R0003) && s.contains(Rule::R0040));
        assert_eq!(s.to_string(), "R0003,R0040");
        assert!(RuleSet::parse("R9999").is_err());
        assert_eq!(RuleSet::ALL.iter().count(), 12);
    }

    #[test]
    fn go_rules_keep_old_names_and_severities() {
        assert_eq!(
            Rule::R0003.name(Semantics::GoRules),
            "Unexpected system call"
        );
        assert_eq!(Rule::R0006.severity(Semantics::GoRules), 8);
        assert_eq!(
            Rule::R0003.name(Semantics::Current),
            "Syscalls Anomalies in container"
        );
        assert_eq!(Rule::R0010.severity(Semantics::Current), 5);
    }
}
