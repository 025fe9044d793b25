//! `bob replay` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct ReplayArgs {}

pub fn run(_args: ReplayArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob replay` is not built yet")
}
