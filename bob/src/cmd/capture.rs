//! `bob capture` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct CaptureArgs {}

pub fn run(_args: CaptureArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob capture` is not built yet")
}
