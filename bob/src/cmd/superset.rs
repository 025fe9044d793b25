//! `bob superset` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct SupersetArgs {}

pub fn run(_args: SupersetArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob superset` is not built yet")
}
