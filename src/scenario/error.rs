//! Errors about scenario files, written for the person who has to fix them.

use std::fmt;
use thiserror::Error;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Key path such as `components[3].depends_on[1]`; empty for the whole file.
    pub path: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// 1-based line in the file, where known.
    pub line: Option<usize>,
    /// 1-based column on that line, where known.
    pub column: Option<usize>,
}

impl Diagnostic {
    /// A problem at key path `path` (empty for the whole file), with no
    /// help and no location yet.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            message: message.into(),
            help: None,
            line: None,
            column: None,
        }
    }
    /// The same problem with `help` saying how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// The same problem located at `line` and `column` (1-based), replacing
    /// any location it had.
    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Writes `error: path: message`, then `--> file:line:col` and a help line.
    pub fn render(&self, f: &mut impl fmt::Write, file: &str, severity: &str) -> fmt::Result {
        write!(f, "{severity}: ")?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.message)?;
        write!(f, "\n  --> {file}")?;
        match (self.line, self.column) {
            (Some(line), Some(col)) => write!(f, ":{line}:{col} (line {line}, column {col})")?,
            (Some(line), None) => write!(f, ":{line} (line {line})")?,
            _ => {}
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file could not be opened or read, is a directory, or is longer
    /// than [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES).
    #[error("{file}: cannot read the scenario file: {source}")]
    Io {
        /// The file as named on the command line.
        file: String,
        /// What the operating system (or the size cap) said.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not UTF-8 text.
    #[error(
        "{file}: not a text file (invalid UTF-8 at byte {offset}); a scenario is a YAML text file"
    )]
    NotText {
        /// The file as named on the command line.
        file: String,
        /// 0-based byte offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// The text is not valid YAML, or not a valid scenario: every error
    /// found, in the order the checks ran.
    #[error("{}", render_all(file, diagnostics))]
    Invalid {
        /// The file as named on the command line.
        file: String,
        /// Every error found, never empty.
        diagnostics: Vec<Diagnostic>,
    },
}

fn render_all(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        d.render(&mut out, file, "error")
            .expect("writing to a String cannot fail");
    }
    if diagnostics.len() > 1 {
        out.push_str(&format!("\n{} errors in {file}", diagnostics.len()));
    }
    out
}

impl ScenarioError {
    /// The errors of an invalid scenario; empty when the file could not be
    /// read or is not text.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ScenarioError::Invalid { diagnostics, .. } => diagnostics,
            _ => &[],
        }
    }
}

/// "did you mean `x`?" for the candidate closest to a misspelt `wrong`, if
/// one is close enough: the one wording of every suggestion drsim makes.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(wrong, candidates).map(suggestion)
}

/// The wording of a suggestion, for a caller that found `candidate` itself.
pub(super) fn suggestion(candidate: &str) -> String {
    format!("did you mean `{candidate}`?")
}

/// The longest text a suggestion is looked for (or offered): the edit
/// distance is quadratic in the length, and nobody misspells a 40,000
/// character id.
const MAX_SUGGEST_CHARS: usize = 64;

/// The closest candidate to a misspelt id, if one is close enough.
pub(super) fn suggest<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = wrong.chars().count();
    if len > MAX_SUGGEST_CHARS {
        return None;
    }
    let limit = (len / 3).max(2);
    candidates
        .into_iter()
        // The distance is at least the difference in length (which also
        // keeps candidates within MAX_SUGGEST_CHARS + limit).
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        assert_eq!(suggest("dbb", ["db", "app", "web"]), Some("db"));
        assert_eq!(suggest("zzzzzz", ["db", "app"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
