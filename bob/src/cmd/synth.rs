//! `bob synth` (not yet written).

use std::process::ExitCode;

/// Not yet available.
#[derive(clap::Args)]
pub struct SynthArgs {}

pub fn run(_args: SynthArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`bob synth` is not built yet")
}
