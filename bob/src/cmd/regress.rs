//! `bob regress` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct RegressArgs {}

pub fn run(_args: RegressArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob regress` is not built yet")
}
