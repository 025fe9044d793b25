//! `bob capture`: records what a workload does with eBPF and writes it as
//! a bob trace (see `capture/README.md` for what is recorded and its limits).
//!
//! The kernel side is C (`bpf/capture.bpf.c`, layouts in `bpf/capture.h`),
//! compiled once to `bpf/capture.bpf.o` and loaded with aya. This crate:
//! - [`loader`] loads and attaches the programs with the target's filter;
//! - [`target`] spawns a command stopped before exec, or resolves a cgroup;
//! - [`decode`] turns kernel records ([`abi`]) into trace rows;
//! - [`session`] runs the loop and writes the trace with its drop counts.

pub mod abi;
pub mod clock;
pub mod decode;
pub mod dns;
pub mod error;
pub mod flags;
pub mod labels;
pub mod loader;
pub mod object;
pub mod privilege;
pub mod session;
pub mod syscalls;
pub mod target;

pub use decode::Identity;
pub use error::CaptureError;
pub use regex::Regex;
pub use session::{Drops, Options, Summary, Target, run, stop_on_signals};
