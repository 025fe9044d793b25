//! `bob seccomp` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct SeccompArgs {}

pub fn run(_args: SeccompArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob seccomp` is not built yet")
}
