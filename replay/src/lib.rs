//! Replay: score traces against candidate BoBs with node-agent's rules.
//!
//! A vendor changes a profile and wants to know, before shipping it, what
//! it now lets through and what it now flags. [`Candidate`] compiles a BoB
//! into lookup sets; [`eval`] holds the rule conditions of SEMANTICS.md §3;
//! [`scan`] streams a dataset's Parquet files in parallel and evaluates
//! each distinct dictionary value once per batch; [`score`] turns verdicts
//! into a [`Scoreboard`]; [`alert`] prints node-agent's alert lines;
//! [`regress`] compares two candidates row by row; [`explain`] says why an
//! alert fired.

pub mod alert;
pub mod candidate;
mod carry;
pub mod columns;
mod dedup;
pub mod error;
pub mod eval;
pub mod explain;
mod fxhash;
mod md5;
pub mod regress;
pub mod report;
pub mod rules;
pub mod scan;
pub mod score;
pub mod verdict;

pub use candidate::Candidate;
pub use error::ReplayError;
pub use eval::EvalOptions;
pub use rules::{Rule, RuleSet, Semantics};
pub use scan::{ReplayOptions, open_dataset, replay, score_bob};
pub use score::Scoreboard;
