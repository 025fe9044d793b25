//! `bob merge`: one superset straight from learned profiles.

use std::path::PathBuf;
use std::process::ExitCode;

use super::superset::{GeneralizeArgs, print_report, write_profiles};
use crate::exit;

/// Merge learned profiles into one superset profile.
///
/// For users who have Kubescape's learned profiles but no traces: the
/// profiles go through the same queries and generalization as `bob
/// superset`. Containers merge by name across all inputs; rule policies
/// merge as upstream merges replicas (processAllowed unioned,
/// containerAllowed or-ed).
///
/// Example:
///   bob merge profiles/bob-redis-*.yaml -o redis-superset.yaml
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct MergeArgs {
    /// Profiles to merge (ApplicationProfile or ContainerProfile, YAML or JSON).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Output file (.yaml or .json).
    #[arg(short, long, value_name = "BOB.yaml")]
    output: PathBuf,
    /// Name of the merged workload. Default: the first in sorted order.
    #[arg(long)]
    name: Option<String>,
    #[command(flatten)]
    generalize: GeneralizeArgs,
}

pub fn run(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let built =
        bob_analyze::merge::merge(&args.files, &args.generalize.config(), args.name.as_deref())?;
    print_report(&built.report);
    write_profiles(&built, &args.output)?;
    Ok(ExitCode::from(exit::OK))
}
