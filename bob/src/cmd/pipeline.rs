//! `bob pipeline` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct PipelineArgs {}

pub fn run(_args: PipelineArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob pipeline` is not built yet")
}
