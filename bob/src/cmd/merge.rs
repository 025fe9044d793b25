//! `bob merge` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct MergeArgs {}

pub fn run(_args: MergeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob merge` is not built yet")
}
