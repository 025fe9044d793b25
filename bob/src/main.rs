//! `bob`: Bills of Behavior, from capture to a shipped profile.
//!
//! This binary only parses the command line and dispatches; each subcommand
//! lives in `cmd/` and the work in the library crates. Errors are printed
//! once, as a chain, prefixed with `bob:`; the exit codes are fixed (see
//! [`exit`]).

mod cmd;
mod exit;

use clap::{Parser, Subcommand};

/// Bills of Behavior: record what software does, build one runtime profile
/// that covers every benign run, and test profile changes before shipping.
///
/// A BoB is a Kubescape ApplicationProfile that a vendor ships with its
/// images. bob records traces (`capture`), imports Kubescape's own profiles
/// and alerts (`import`), queries traces with SQL (`sql`), builds supersets
/// and per-environment deviations (`superset`, `deviations`, `merge`,
/// `seccomp`), and scores traces against candidate profiles (`replay`,
/// `regress`, `explain`). `pipeline` runs the whole job.
#[derive(Parser)]
#[command(name = "bob", version, max_term_width = 100)]
struct Cli {
    /// Log more to stderr (-v debug, -vv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Log only errors to stderr.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Import(cmd::import::ImportArgs),
    Sql(cmd::sql::SqlArgs),
    Superset(cmd::superset::SupersetArgs),
    Deviations(cmd::deviations::DeviationsArgs),
    Merge(cmd::merge::MergeArgs),
    Seccomp(cmd::seccomp::SeccompArgs),
    Capture(cmd::capture::CaptureArgs),
    Replay(cmd::replay::ReplayArgs),
    Regress(cmd::regress::RegressArgs),
    Explain(cmd::explain::ExplainArgs),
    Pipeline(cmd::pipeline::PipelineArgs),
    Synth(cmd::synth::SynthArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    let result = match cli.command {
        Command::Import(a) => cmd::import::run(a),
        Command::Sql(a) => cmd::sql::run(a),
        Command::Superset(a) => cmd::superset::run(a),
        Command::Deviations(a) => cmd::deviations::run(a),
        Command::Merge(a) => cmd::merge::run(a),
        Command::Seccomp(a) => cmd::seccomp::run(a),
        Command::Capture(a) => cmd::capture::run(a),
        Command::Replay(a) => cmd::replay::run(a),
        Command::Regress(a) => cmd::regress::run(a),
        Command::Explain(a) => cmd::explain::run(a),
        Command::Pipeline(a) => cmd::pipeline::run(a),
        Command::Synth(a) => cmd::synth::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => exit::report(&e),
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("BOB_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .init();
}
