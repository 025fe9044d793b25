//! `bob import` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct ImportArgs {}

pub fn run(_args: ImportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob import` is not built yet")
}
