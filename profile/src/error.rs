//! Errors met while reading or writing a BoB document.
//!
//! Every error names the file it concerns; the kind says what was wrong and,
//! where the parser knows it, where in the file.

use std::fmt;
use std::path::PathBuf;

/// An error about one BoB document, always tied to a file (or `<input>`).
#[derive(Debug)]
pub struct ProfileError {
    /// The file the document came from or was going to.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: ProfileErrorKind,
}

/// What went wrong with a document. All of these are the input's fault except
/// [`ProfileErrorKind::Io`], which may be the machine's.
#[derive(Debug)]
pub enum ProfileErrorKind {
    /// The file could not be read or written.
    Io(std::io::Error),
    /// The text is not valid YAML or JSON; the message carries the place.
    Syntax(String),
    /// The document parses but is not a BoB of a kind bob knows.
    NotABob(String),
    /// The document is a BoB but a field has the wrong shape.
    Invalid(String),
}

impl ProfileError {
    pub(crate) fn new(path: impl Into<PathBuf>, kind: ProfileErrorKind) -> Self {
        ProfileError {
            path: path.into(),
            kind,
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            ProfileErrorKind::Io(e) => write!(f, "{p}: {e}"),
            ProfileErrorKind::Syntax(m) => write!(f, "{p}: malformed document: {m}"),
            ProfileErrorKind::NotABob(m) => write!(f, "{p}: not a BoB: {m}"),
            ProfileErrorKind::Invalid(m) => write!(f, "{p}: invalid BoB: {m}"),
        }
    }
}

impl std::error::Error for ProfileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // The message already carries the cause; returning it here too
        // would print it twice in an error chain.
        None
    }
}
