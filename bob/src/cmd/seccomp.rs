//! `bob seccomp`: an OCI seccomp profile from a BoB.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bob_analyze::seccomp;

use crate::exit;

/// Write the OCI seccomp profile a BoB implies, and compare it with a default.
///
/// The profile allows exactly the syscalls of the BoB's containers (or the
/// ones named with --container) and denies the rest with EPERM. With
/// --compare, prints how many syscalls the runtime's default allows that the
/// BoB does not use (what the BoB's profile takes away), and the reverse
/// (what the default would break).
///
/// Example:
///   bob seccomp --profile redis-bob.yaml -o redis-seccomp.json \
///     --compare containerd-runtime-default.yaml
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct SeccompArgs {
    /// The BoB (ApplicationProfile or ContainerProfile).
    #[arg(short, long, value_name = "BOB.yaml")]
    profile: PathBuf,
    /// Only these containers (repeatable). Default: all of them.
    #[arg(long = "container", value_name = "NAME")]
    containers: Vec<String>,
    /// Write the seccomp profile here. Default: stdout (then no comparison is printed).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// A runtime default to compare with: containerd's allow-list (YAML) or Docker's profile (JSON).
    #[arg(long, value_name = "FILE")]
    compare: Option<PathBuf>,
    /// Print the comparison as JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: SeccompArgs) -> anyhow::Result<ExitCode> {
    let bob = bob_profile::read_file(&args.profile)?;
    let ap = bob.to_application_profile().with_context(|| {
        format!(
            "{}: a NetworkNeighborhood holds no syscalls",
            args.profile.display()
        )
    })?;
    let profile = seccomp::profile(&ap, &args.containers)
        .with_context(|| args.profile.display().to_string())?;
    let text = serde_json::to_string_pretty(&profile)? + "\n";
    match &args.output {
        Some(path) => bob_profile::write_atomic(path, text.as_bytes())
            .with_context(|| path.display().to_string())?,
        None if args.compare.is_some() => {
            anyhow::bail!(
                "--compare prints a comparison to stdout: give the profile a file with -o"
            );
        }
        None => {
            print!("{text}");
            return Ok(ExitCode::from(exit::OK));
        }
    }
    if let Some(default) = &args.compare {
        let allowed = seccomp::load_allowed(default)?;
        let names = profile["syscalls"][0]["names"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let bob_set = names
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let c = seccomp::compare(&bob_set, &allowed);
        if args.json {
            println!("{}", serde_json::to_string_pretty(&c)?);
        } else {
            println!(
                "{} allows {} syscalls; the BoB uses {}; {} in both.",
                default.display(),
                allowed.len(),
                c.both + c.only_bob.len(),
                c.both
            );
            println!(
                "allowed by the default, not used by the BoB ({}): {}",
                c.only_default.len(),
                c.only_default.join(" ")
            );
            println!(
                "used by the BoB, not allowed by the default ({}): {}",
                c.only_bob.len(),
                c.only_bob.join(" ")
            );
        }
    }
    Ok(ExitCode::from(exit::OK))
}
