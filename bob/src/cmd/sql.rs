//! `bob sql` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct SqlArgs {}

pub fn run(_args: SqlArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob sql` is not built yet")
}
