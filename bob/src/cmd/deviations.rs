//! `bob deviations` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct DeviationsArgs {}

pub fn run(_args: DeviationsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob deviations` is not built yet")
}
