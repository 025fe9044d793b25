//! Fixed exit codes and the one place errors are printed.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the job ran and found what it is asked to fail on (a regression) |
//! | 2 | bad input or usage: the message names the file and what is wrong |
//! | 3 | the job completed but skipped broken input (broken log lines) |

use std::process::ExitCode;

/// Success.
pub const OK: u8 = 0;
/// The job ran and found a regression or a failing check.
pub const FINDING: u8 = 1;
/// Bad input, bad usage or an environment problem.
pub const ERROR: u8 = 2;
/// Completed, but some input was broken and skipped.
pub const PARTIAL: u8 = 3;

/// Prints an error chain once, `bob: outer: inner: cause`, and returns the
/// error exit code. A closed stdout (`bob sql ... | head`) is not an error.
pub fn report(e: &anyhow::Error) -> ExitCode {
    if e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return ExitCode::from(OK);
    }
    eprintln!("bob: {e:#}");
    ExitCode::from(ERROR)
}
