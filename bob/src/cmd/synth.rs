//! `bob synth`: synthetic traces for benchmarks and tests.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_trace::synth::{SynthOptions, generate, write_profiles};

use crate::exit;

/// Write a realistic synthetic dataset, deterministic for a seed.
///
/// Many workloads' syscalls, opens, execs, capabilities, DNS queries and
/// connections with Zipf-like frequencies, /proc/<pid> paths, config-map
/// timestamp directories, up to 16 environments (os, Kubernetes
/// distribution and version, kernel, arch, runtime), and attack runs in
/// which a few rows are labelled `attack` (all other rows are `benign`).
/// Files of --rows-per-file rows are written in parallel under
/// DATASET/source=capture/; memory stays bounded at any size. The same
/// options and seed give byte-identical files.
///
/// Examples:
///   bob synth -o bench.ds --rows 10000000
///   bob synth -o small.ds --rows 100000 --envs 4 --seed 7 --profiles small-bobs/
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SynthArgs {
    /// Dataset directory to write.
    #[arg(short, long, value_name = "DATASET")]
    pub output: PathBuf,
    /// Rows in total. Default 1000000.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub rows: u64,
    /// Environments, 1 to 16. Default 16.
    #[arg(
        long,
        value_name = "E",
        default_value_t = 16,
        value_parser = clap::value_parser!(u16).range(1..=16)
    )]
    pub envs: u16,
    /// Seed of the generator. Default 1.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Workloads. Default 12.
    #[arg(
        long,
        value_name = "W",
        default_value_t = 12,
        value_parser = clap::value_parser!(u32).range(1..=10_000)
    )]
    pub workloads: u32,
    /// Rows per file; files are spread over environments. Default 500000.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 500_000,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub rows_per_file: u64,
    /// Share of runs that are attacks, 0 to 1. Default 0.1.
    #[arg(long, value_name = "F", default_value_t = 0.1)]
    pub attack_runs: f64,
    /// Also write one ContainerProfile per workload to this directory.
    ///
    /// Each allows its workload's common behaviour but not the rarest 3%,
    /// so benign rows raise a few false positives on replay.
    #[arg(long, value_name = "DIR")]
    pub profiles: Option<PathBuf>,
}

pub fn run(args: SynthArgs) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.attack_runs) {
        anyhow::bail!(
            "--attack-runs {} is out of range, expected 0 to 1",
            args.attack_runs
        );
    }
    let opts = SynthOptions {
        rows: args.rows,
        envs: args.envs as usize,
        seed: args.seed,
        workloads: args.workloads as usize,
        rows_per_file: args.rows_per_file,
        attack_runs: args.attack_runs,
    };
    let report = generate(&args.output, &opts).context("cannot write the synthetic dataset")?;
    tracing::info!(
        "wrote {} rows in {} files to {}",
        report.rows,
        report.files.len(),
        args.output.display()
    );
    if let Some(dir) = &args.profiles {
        let written = write_profiles(dir, &opts).context("cannot write the synthetic profiles")?;
        tracing::info!("wrote {} profiles to {}", written.len(), dir.display());
    }
    Ok(ExitCode::from(exit::OK))
}
