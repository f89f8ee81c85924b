//! Scenario files: YAML in, a validated immutable [`Scenario`] out.
//!
//! Loading runs in two stages (spec sections 1–8): serde reads the file into
//! raw types that mirror it (unknown keys are errors, durations need units),
//! then `validate` resolves every reference, checks ranges and refuses
//! dependency cycles, reporting every problem at once.
//!
//! ```
//! let yaml = "name: Demo\ncomponents:\n  - {id: db, kind: database, repair: 2h}\n  - {id: shop, kind: service, depends_on: [db], rto: 4h}\n";
//! let loaded = drsim::scenario::load_str(yaml, "demo.yaml").unwrap();
//! assert_eq!(loaded.scenario.components.len(), 2);
//! assert_eq!(loaded.scenario.components[1].rto, Some(4.0));
//! ```

mod bounds;
mod error;
mod model;
mod options;
mod raw;
mod schema;
pub mod tables;
mod text;
mod units;
mod validate;

pub use bounds::{alias_budget, MAX_DEPTH};
pub use error::{did_you_mean, Diagnostic, ScenarioError};
pub use model::*;
pub use options::{combined, exclusive, InvestmentOption, MAX_OPTION_CHECK_ITEMS};
pub use schema::{schema, SCHEMA_PATH};
pub use text::{comment_text, defused, escape_unsafe, is_unsafe_char, undefused};
pub(crate) use units::{fmt_hours, HOURS_PER_YEAR};
pub use units::{parse_duration, Dist};
pub use validate::{money_is_valid, MAX_HORIZON_HOURS};

use std::io::Read;
use std::path::Path;

/// Largest scenario file drsim reads (a real estate is far below this).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A validated scenario, its investment options (each a validated variant
/// of the scenario) and the warnings found while validating it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario as written, without any option applied.
    pub scenario: Scenario,
    /// The file's investment options (spec section 11), in file order;
    /// empty when it has none.
    pub options: Vec<InvestmentOption>,
    /// Problems that do not stop a run (such as a threat that selects no
    /// component, or recovery targets on a component that is not a
    /// service), for `check` to show.
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates scenario text. `file` names it in error messages.
/// One leading byte-order mark is skipped, as editors on Windows write one.
pub fn load_str(src: &str, file: &str) -> Result<Loaded, ScenarioError> {
    // Stripped before parsing, so lines and columns count from the text
    // after it: the mark is invisible in an editor.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    bounds::check(src).map_err(|d| ScenarioError::Invalid {
        file: file.to_string(),
        diagnostics: vec![d],
    })?;
    let raw: raw::RawScenario =
        serde_yaml_ng::from_str(src).map_err(|e| ScenarioError::Invalid {
            file: file.to_string(),
            diagnostics: vec![syntax_diagnostic(&e, src)],
        })?;
    let invalid = |diagnostics| ScenarioError::Invalid {
        file: file.to_string(),
        diagnostics,
    };
    let has_options = !raw.options.is_empty();
    let (scenario, warnings) = validate::validate(raw, src).map_err(invalid)?;
    let options = if has_options {
        options::load_options(src, scenario.clone()).map_err(invalid)?
    } else {
        Vec::new()
    };
    Ok(Loaded {
        scenario,
        options,
        warnings,
    })
}

/// Parses and validates scenario bytes (which must be UTF-8 text).
pub fn load_bytes(bytes: &[u8], file: &str) -> Result<Loaded, ScenarioError> {
    let src = std::str::from_utf8(bytes).map_err(|e| ScenarioError::NotText {
        file: file.to_string(),
        offset: e.valid_up_to(),
    })?;
    load_str(src, file)
}

/// Reads, parses and validates a scenario file (`-`: standard input).
pub fn load_path(path: &Path) -> Result<Loaded, ScenarioError> {
    let bytes = read_path(path)?;
    load_bytes(&bytes, &source_name(path))
}

/// Whether `path` is `-`, which names standard input on the command line.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A scenario's source as messages name it: its path, or `<stdin>` for
/// `-`.
pub fn source_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a scenario file's bytes (`-`: standard input, read once), refusing
/// a directory and anything longer than [`MAX_FILE_BYTES`]. Works on pipes
/// and devices too, which report no length: the cap is enforced on what is
/// read, not on the metadata.
pub fn read_path(path: &Path) -> Result<Vec<u8>, ScenarioError> {
    let io = |source| ScenarioError::Io {
        file: source_name(path),
        source,
    };
    if is_stdin(path) {
        return read_capped(std::io::stdin().lock()).map_err(io);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a directory, not a file")));
    }
    // A regular file says how long it is: refuse it before reading a byte.
    if meta.is_file() && meta.len() > MAX_FILE_BYTES {
        return Err(io(too_long(Some(meta.len()))));
    }
    read_capped(file).map_err(io)
}

/// Reads `reader` to the end, but no more than [`MAX_FILE_BYTES`]: a longer
/// (or endless, like `/dev/zero`) input is an error once the cap is passed.
pub fn read_capped<R: Read>(reader: R) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_long(None));
    }
    Ok(bytes)
}

/// The error for a file over the cap; `len` when its length is known.
fn too_long(len: Option<u64>) -> std::io::Error {
    let mb = |n: u64| n / (1024 * 1024);
    let size = match len {
        Some(n) => format!("{} MB", mb(n)),
        None => format!("over {} MB", mb(MAX_FILE_BYTES)),
    };
    std::io::Error::other(format!(
        "the file is {size}; drsim reads scenario files up to {} MB",
        mb(MAX_FILE_BYTES)
    ))
}

/// Turns a YAML/serde error into a diagnostic with line, column and key path.
fn syntax_diagnostic(e: &serde_yaml_ng::Error, src: &str) -> Diagnostic {
    let mut text = e.to_string();
    let (mut line, mut column) = match e.location() {
        Some(l) => (Some(l.line()), Some(l.column())),
        None => (None, None),
    };
    if let (Some(l), Some(c)) = (line, column) {
        if let Some((end_line, end_column)) = past_the_end(src, l) {
            line = Some(end_line);
            column = Some(end_column);
            text = text.replace(&format!("at line {l} column {c}"), "at the end of the file");
        }
    }
    // serde_yaml_ng writes "path: message at line L column C"; split it up.
    let text = match text.rfind(" at line ") {
        Some(at) if line.is_some() => text[..at].to_string(),
        _ => text,
    };
    let (path, message) = match text.split_once(": ") {
        Some((p, m)) if looks_like_path(p) => (p.to_string(), m.to_string()),
        _ => (String::new(), text.clone()),
    };
    let help = syntax_help(&message);
    let mut d = Diagnostic::new(path, message).at(line, column);
    if let Some(h) = help {
        d = d.help(h);
    }
    d
}

/// At the end of a file without a final newline, a parser points at the
/// line after the last: when `line` is past the end of `src`, the end of
/// its last line (line and column, 1-based) to point at instead.
fn past_the_end(src: &str, line: usize) -> Option<(usize, usize)> {
    let lines = src.lines().count().max(1);
    (line > lines).then(|| {
        let last = src.lines().last().unwrap_or("");
        (lines, last.chars().count() + 1)
    })
}

fn looks_like_path(p: &str) -> bool {
    !p.is_empty()
        && !p.contains(' ')
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
}

fn syntax_help(message: &str) -> Option<String> {
    if message.starts_with("unknown field") {
        let wrong = message.split('`').nth(1)?;
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)?
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        return Some(match did_you_mean(wrong, expected.iter().copied()) {
            Some(hint) => {
                format!("{hint} (unknown keys are errors so a typo cannot change a result)")
            }
            None => format!("allowed keys here: {}", expected.join(", ")),
        });
    }
    if message.starts_with("unknown variant") {
        let wrong = message.split('`').nth(1)?;
        if wrong.contains(" -") || wrong.contains(['{', '[']) {
            return Some("this value runs on into the next item: is a closing `}` or `]` missing on this line?".into());
        }
        let expected: Vec<&str> = message.split('`').skip(3).step_by(2).collect();
        if let Some(hint) = did_you_mean(wrong, expected.iter().copied()) {
            return Some(hint);
        }
    }
    if message.contains("repetition limit") {
        return Some(
            "the file expands YAML aliases too far (an alias bomb?); write the content out plainly"
                .into(),
        );
    }
    if message.contains("recursion limit") {
        return Some(
            "the file nests lists or mappings (or aliases) too deeply; a scenario needs only a few levels"
                .into(),
        );
    }
    if message.starts_with("missing field") {
        return Some("add the missing key".into());
    }
    if message.contains("did not find expected")
        || message.contains("while parsing")
        || message.contains("while scanning")
    {
        return Some(
            "check brackets, braces, quotes and indentation on this line and the one before".into(),
        );
    }
    None
}

#[cfg(test)]
mod tests;
