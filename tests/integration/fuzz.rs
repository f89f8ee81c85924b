//! Fuzzing the scenario parser and `check` (issue 13): proptest over the
//! bundled scenarios, mutated four ways.
//!
//! Mutations (each case applies a few to one bundled scenario):
//! - bytes ([`ByteOp`]): flip a bit, overwrite, insert random bytes or a
//!   YAML token (`&a`, `*a`, `<<:`, tabs, CR, NUL, a byte-order mark, ...),
//!   delete a run, splice a chunk of another scenario in, duplicate a line,
//!   truncate;
//! - YAML text ([`TextOp`]), on the `key: value` scalars found in the text:
//!   swap two values, replace one with an extreme (`1e308`, `-1`, `0`,
//!   `.nan`, `.inf`, `1000001y`, an escape sequence, a tag, ...), a huge
//!   string, deep `[[[...]]]` or `{a: {a: ...}}` nesting, an anchor reused
//!   through aliases (a plain one, a long string, or nested "billion laughs"),
//!   an unknown key, a line re-indented (spaces or a tab), a line deleted;
//! - edge values ([`TextOp::Edge`]): numbers and durations set to the edges
//!   of what is allowed (0, `0.001s`, `1m`, `1000000y`, `525600`, `1e15`,
//!   Weibull shapes 0.1 and 100, ...); about half of these load, so the
//!   simulation meets the limits;
//! - structure ([`TreeOp`]), on the document as a YAML tree: delete a
//!   component others depend on, a dependency cycle (of two, or onto
//!   itself), `at_least` past (or below) its group's size, a list or a whole
//!   section emptied, a duplicate or renamed id, and anywhere in the tree a
//!   node replaced by an extreme scalar or by a copy of another node,
//!   removed, duplicated, emptied, wrapped in lists, or given an unknown key.
//!
//! Properties:
//! 1. `mutated_bytes_load_or_explain`, `mutated_text_load_or_explain`,
//!    `edge_values_load_or_explain`, `mutated_structure_load_or_explain`:
//!    `load_bytes` / `load_str` never panic and return within
//!    [`LOAD_LIMIT`]; an error has at least one diagnostic, each with a
//!    non-empty message and (where it has one) a line within the file and a
//!    column within that line; a not-UTF-8 error names the first bad byte.
//!    A scenario that loads renders its `check` summary, builds every
//!    option's scenario, and its warnings obey the same rules; a `run`
//!    (horizon cut to [`HORIZON_CAP`]) and a drill of its first threat,
//!    [`TRIALS`] trials each, finish within [`SIM_LIMIT`] with every figure
//!    finite and in its range, give the same results from the same seed
//!    twice, and render as text, CSV and JSON that parses.
//! 2. `check_binary_exits_0_or_1`: `drsim check` on a sample of the same
//!    mutants exits 0 exactly when the library loads the file, else 1
//!    (never 101, never killed by the timeout), and writes no character
//!    `is_unsafe_char` refuses but newline and tab.
//!
//! A failing input is written to `target/tmp/fuzz-failures/` and its path
//! is in the failure message (proptest also prints the shrunk edits).
//!
//! Cases per property default to a few dozen from a fixed seed, so `cargo
//! test` stays quick and repeatable; `PROPTEST_CASES` runs more (the binary property 1/50 of that, as each of
//! its cases starts a process), `PROPTEST_RNG_SEED` other inputs:
//! `PROPTEST_CASES=20000 cargo test --test integration fuzz -- --test-threads=1`
//! (the test profile is optimised).

use super::common::{drsim, random, write_temp};
use drsim::graph::DependencyGraph;
use drsim::report::{self, Render};
use drsim::scenario::{self, Diagnostic, Loaded, ScenarioError};
use drsim::sim::{self, Config, NoProgress, Results, ServiceResult};
use drsim::stats::{Proportion, Summary};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_yaml_ng::{Mapping, Value};
use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The bundled scenarios, the seeds of every mutant.
const SCENARIOS: [(&str, &str); 3] = [
    ("bank.yaml", include_str!("../../scenarios/bank.yaml")),
    (
        "hospital.yaml",
        include_str!("../../scenarios/hospital.yaml"),
    ),
    ("retail.yaml", include_str!("../../scenarios/retail.yaml")),
];

/// Cases per library property without `PROPTEST_CASES`.
const DEFAULT_CASES: u32 = 48;
/// Cases of the binary property without `PROPTEST_CASES`.
const DEFAULT_BINARY_CASES: u32 = 6;
/// Longest a load may take. A bundled scenario loads in milliseconds; this
/// leaves room for a loaded machine and the largest mutants (about 300 KB).
const LOAD_LIMIT: Duration = Duration::from_secs(10);
/// Longest the simulations of one loaded mutant may take.
const SIM_LIMIT: Duration = Duration::from_secs(60);
/// Longest `drsim check` may take.
const CHECK_LIMIT: Duration = Duration::from_secs(30);
/// Trials per simulation.
const TRIALS: u64 = 20;
/// Longest simulated `run`, hours (30 days): a mutant may legally have a
/// threat every minute for 1000 years, which is slow by design (finding 11).
const HORIZON_CAP: f64 = 720.0;
/// Slack for comparing quantiles and interval bounds.
const EPS: f64 = 1e-9;

// ---------------------------------------------------------------------------
// Cases and failures.

/// The suite's proptest configuration ([`random::config`]: a fixed seed
/// unless `PROPTEST_RNG_SEED` is set) with `default` cases, or
/// `PROPTEST_CASES / divisor` (at least `default`) when that is set.
fn config(default: u32, divisor: u32) -> ProptestConfig {
    let mut config = random::config(default);
    if std::env::var_os("PROPTEST_CASES").is_some() {
        config.cases = (config.cases / divisor).max(default);
    }
    // Shrinking an input that overran re-runs slow cases (and leaves their
    // threads running): a minute of it, then the saved input will do.
    config.max_shrink_time = 60_000;
    config
}

/// Writes a failing input where it can be found again and returns its path.
fn save_failure(bytes: &[u8]) -> PathBuf {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{:016x}.yaml", h.finish()));
    let _ = std::fs::write(&path, bytes);
    path
}

/// Runs `f` on its own thread and waits at most `limit`: a panic or an
/// overrun fails the case with the input saved for reproduction.
fn within<T: Send + 'static>(
    what: &str,
    limit: Duration,
    input: &[u8],
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, TestCaseError> {
    let (tx, rx) = mpsc::channel();
    let start = Instant::now();
    let worker = std::thread::Builder::new()
        // The binary's main thread has 8 MiB: a deeper recursion is a crash there.
        .stack_size(8 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(result);
        })
        .expect("a thread starts");
    let fail = |why: String| {
        let path = save_failure(input);
        TestCaseError::fail(format!("{what}: {why}; input saved as {}", path.display()))
    };
    match rx.recv_timeout(limit) {
        Ok(Ok(Ok(value))) => {
            let _ = worker.join();
            Ok(value)
        }
        Ok(Ok(Err(why))) => Err(fail(why)),
        Ok(Err(panic)) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(fail(format!("panicked: {message}")))
        }
        // The thread is left running: the case has failed either way.
        Err(_) => Err(fail(format!("still running after {:.1?}", start.elapsed()))),
    }
}

// ---------------------------------------------------------------------------
// Byte mutations.

/// Pieces of YAML (and of hostile text) worth inserting anywhere.
const TOKENS: &[&str] = &[
    ":",
    ": ",
    "- ",
    "-",
    "{",
    "}",
    "[",
    "]",
    ",",
    "#",
    "&a ",
    "*a",
    "<<: *a\n",
    "&a",
    "? ",
    "|\n",
    ">-\n",
    "!!str ",
    "!!binary ",
    "!tag ",
    "%YAML 1.2\n---\n",
    "---\n",
    "...\n",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\0",
    "\u{feff}",
    "\u{1b}[2J",
    "\u{202e}",
    "\"",
    "'",
    "\\",
    "~",
    "\u{85}",
    "\u{2028}",
    "  ",
    "    ",
    "\n  - ",
    "\n    ",
    "1e308",
    "-1",
    ".nan",
    ".inf",
];

/// One edit of a file's bytes. Positions are [`Index`]es, so they fit any
/// length.
#[derive(Debug, Clone)]
enum ByteOp {
    /// Flip bit `1` of the byte at the position.
    Flip(Index, u8),
    /// Overwrite the byte at the position.
    Set(Index, u8),
    /// Insert random bytes.
    Insert(Index, Vec<u8>),
    /// Insert one of [`TOKENS`].
    Token(Index, Index),
    /// Delete up to this many bytes from the position.
    Delete(Index, usize),
    /// Copy up to `len` bytes of another bundled scenario from `from` to `to`.
    Splice {
        other: Index,
        from: Index,
        len: usize,
        to: Index,
    },
    /// Repeat the line holding the position this many more times.
    DuplicateLine(Index, usize),
    /// Cut the file at the position.
    Truncate(Index),
}

fn byte_op() -> impl Strategy<Value = ByteOp> {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| ByteOp::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| ByteOp::Set(i, b)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, v)| ByteOp::Insert(i, v)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| ByteOp::Token(i, t)),
        (any::<Index>(), 1usize..200).prop_map(|(i, n)| ByteOp::Delete(i, n)),
        (any::<Index>(), any::<Index>(), 1usize..2000, any::<Index>()).prop_map(
            |(other, from, len, to)| ByteOp::Splice {
                other,
                from,
                len,
                to
            }
        ),
        (any::<Index>(), 1usize..50).prop_map(|(i, n)| ByteOp::DuplicateLine(i, n)),
        any::<Index>().prop_map(ByteOp::Truncate),
    ]
}

/// Position `i` in a file of `len` bytes (0..=len).
fn pos(i: &Index, len: usize) -> usize {
    i.index(len + 1)
}

fn apply_byte_op(bytes: &mut Vec<u8>, op: &ByteOp) {
    let len = bytes.len();
    match op {
        ByteOp::Flip(i, bit) if len > 0 => bytes[i.index(len)] ^= 1 << bit,
        ByteOp::Set(i, b) if len > 0 => bytes[i.index(len)] = *b,
        ByteOp::Flip(..) | ByteOp::Set(..) => {}
        ByteOp::Insert(i, new) => {
            let at = pos(i, len);
            bytes.splice(at..at, new.iter().copied());
        }
        ByteOp::Token(i, t) => {
            let at = pos(i, len);
            let token = TOKENS[t.index(TOKENS.len())].as_bytes();
            bytes.splice(at..at, token.iter().copied());
        }
        ByteOp::Delete(i, n) => {
            let at = pos(i, len);
            bytes.drain(at..(at + n).min(len));
        }
        ByteOp::Splice {
            other,
            from,
            len: n,
            to,
        } => {
            let src = SCENARIOS[other.index(SCENARIOS.len())].1.as_bytes();
            let start = pos(from, src.len());
            let chunk = &src[start..(start + n).min(src.len())];
            let at = pos(to, len);
            bytes.splice(at..at, chunk.iter().copied());
        }
        ByteOp::DuplicateLine(i, times) => {
            let at = pos(i, len);
            let start = bytes[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1);
            let end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(len, |p| at + p + 1);
            let mut line = bytes[start..end].to_vec();
            if !line.ends_with(b"\n") {
                line.push(b'\n');
            }
            let copies: Vec<u8> = line.repeat(*times);
            bytes.splice(end..end, copies);
        }
        ByteOp::Truncate(i) => bytes.truncate(pos(i, len)),
    }
}

/// A bundled scenario with byte edits applied.
#[derive(Debug, Clone)]
struct ByteMutant {
    base: Index,
    ops: Vec<ByteOp>,
}

impl ByteMutant {
    fn bytes(&self) -> Vec<u8> {
        let mut bytes = SCENARIOS[self.base.index(SCENARIOS.len())]
            .1
            .as_bytes()
            .to_vec();
        for op in &self.ops {
            apply_byte_op(&mut bytes, op);
        }
        bytes
    }
}

fn byte_mutant() -> impl Strategy<Value = ByteMutant> {
    (any::<Index>(), prop::collection::vec(byte_op(), 1..8))
        .prop_map(|(base, ops)| ByteMutant { base, ops })
}

// ---------------------------------------------------------------------------
// YAML text mutations.

/// Scalars that stress a value wherever they land: numbers at and past
/// every limit, durations without or with odd units, YAML's special
/// values, tags and aliases, and text no terminal, HTML or spreadsheet
/// should take raw.
const EXTREMES: &[&str] = &[
    "1e308",
    "-1e308",
    "1.8e308",
    "-1",
    "0",
    "-0",
    "0.0",
    "1e-308",
    "5e-324",
    ".nan",
    "NaN",
    ".inf",
    "-.inf",
    "+.inf",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "0x7fffffff",
    "0o777",
    "1_000_000",
    "~",
    "null",
    "true",
    "''",
    "\"\"",
    "[]",
    "{}",
    "0s",
    "1ms",
    "0.5ms",
    "999us",
    "1e308h",
    "1000000y",
    "1000001y",
    "-5h",
    "nanh",
    "infh",
    ".nan h",
    "4h 4h",
    "1mo",
    "10 h",
    "1m",
    "525600",
    "525601",
    "1e15",
    "1e16",
    "2",
    "3",
    "1000",
    "0.1",
    "100",
    "\"\\e]0;pwned\\a\"",
    "\"\\e[2J\"",
    "\"\\r\"",
    "\"\\u202e\"",
    "\"\\0\"",
    "\"\\uFEFF\"",
    "\"<script>alert(1)</script>\"",
    "\"<img src=x onerror=alert(1)>\"",
    "\"=HYPERLINK(1)\"",
    "'a: b'",
    "!!binary aGVsbG8=",
    "!!float 1",
    "!!int 1",
    "!!str 1",
    "!custom x",
    "*undefined",
    "&dangling 1",
    "|\n  block",
    "-",
    "?",
    "{lognormal: [1h, 0h]}",
    "{lognormal: [0s, 0s]}",
    "{uniform: [2h, 1h]}",
    "{triangular: [1h, 0h, 2h]}",
    "{weibull: {shape: 0, scale: 1h}}",
    "{weibull: {shape: 1000, scale: 1h}}",
    "{exp: 0s}",
    "{at_least: 5, of: [a]}",
    "{failover: []}",
    "dc-main",
    "service",
    "database",
    "destroy",
    "disrupt",
    "damage",
];

/// Whole numbers at the edges of what some key allows (`at_least`, team
/// sizes, money).
const EDGE_INTEGERS: &[&str] = &["0", "1", "2", "100", "525600", "4294967295"];

/// Fractions and rates at the edges (`chance`, `per_year`, money).
const EDGE_REALS: &[&str] = &[
    "0.0", "1e-9", "0.5", "0.999999", "1.0", "100.0", "525600.0", "1e15",
];

/// Durations at the edges: zero, the shortest and longest allowed, a
/// failure every minute.
const EDGE_DURATIONS: &[&str] = &["0s", "0.001s", "1s", "1m", "1h", "1000y", "1000000y"];

/// Distributions at the edges, for the keys that take one.
const EDGE_DISTRIBUTIONS: &[&str] = &[
    "{exp: 1m}",
    "{lognormal: [0.001s, 1000000y]}",
    "{lognormal: [1h, 1h]}",
    "{uniform: [0s, 0s]}",
    "{triangular: [0s, 0s, 0.001s]}",
    "{weibull: {shape: 0.1, scale: 1m}}",
    "{weibull: {shape: 100, scale: 1000000y}}",
];

/// Keys whose value may be a distribution.
const DISTRIBUTION_KEYS: &[&str] = &["repair", "rebuild", "detect", "duration", "switchover"];

/// A `key: value` scalar in the text: byte ranges of its value.
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: usize,
    end: usize,
}

/// Every `key: value` whose value is a plain or quoted scalar, in block or
/// flow style. Comment lines are skipped; a good approximation is enough.
fn slots(text: &str) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            let b = line.as_bytes();
            let mut i = 0;
            while i + 1 < b.len() {
                if b[i] == b':' && b[i + 1] == b' ' && i > 0 && b[i - 1] != b' ' {
                    let mut s = i + 2;
                    while s < b.len() && b[s] == b' ' {
                        s += 1;
                    }
                    let first = b.get(s).copied().unwrap_or(b'\n');
                    let end = match first {
                        b'{' | b'[' | b'\n' | b'\r' | b'#' | b'|' | b'>' => None,
                        b'"' | b'\'' => b[s + 1..]
                            .iter()
                            .position(|&c| c == first)
                            .map(|p| s + 1 + p + 1),
                        _ => Some(
                            b[s..]
                                .iter()
                                .enumerate()
                                .position(|(k, &c)| {
                                    matches!(c, b',' | b'}' | b']' | b'\n' | b'\r')
                                        || (c == b'#' && k > 0 && b[s + k - 1] == b' ')
                                })
                                .map_or(b.len(), |p| s + p),
                        ),
                    };
                    if let Some(end) = end {
                        let mut e = end;
                        while e > s && b[e - 1] == b' ' {
                            e -= 1;
                        }
                        if e > s {
                            out.push(Slot {
                                start: line_start + s,
                                end: line_start + e,
                            });
                        }
                        i = end;
                        continue;
                    }
                }
                i += 1;
            }
        }
        line_start += line.len();
    }
    out
}

/// One edit of a scenario's YAML text. Values are chosen among the
/// [`slots`] found when the edit is applied.
#[derive(Debug, Clone)]
enum TextOp {
    /// Exchange two values.
    Swap(Index, Index),
    /// A value becomes one of [`EXTREMES`].
    Extreme(Index, Index),
    /// A value becomes a string of this many copies of a character.
    Huge(Index, usize, char),
    /// A value nested in this many lists (or single-key mappings).
    Nest(Index, usize, bool),
    /// A value gets an anchor, and the others become aliases of it.
    Alias(Index, Vec<Index>),
    /// A value becomes a long anchored string, and the others its aliases.
    AliasLong(Index, usize, Vec<Index>),
    /// "Billion laughs" in a value: `levels` anchors, each list holding
    /// `width` aliases of the one before.
    Laughs(Index, usize, usize),
    /// After the line holding a value, a key nobody reads at its indent.
    UnknownKey(Index),
    /// The line holding a value re-indented by `delta` spaces (a tab when
    /// `tab`).
    Indent(Index, i8, bool),
    /// The line holding a value deleted.
    DeleteLine(Index),
    /// A number or a duration (a value starting with a digit) becomes a
    /// value at the edge of what is allowed: one of [`EDGE_NUMBERS`] or
    /// [`EDGE_DURATIONS`], whichever it was. Mutants of these edits load
    /// far more often than others, so the simulation sees the limits.
    Edge(Index, Index),
}

fn text_op() -> impl Strategy<Value = TextOp> {
    let index = any::<Index>;
    prop_oneof![
        3 => (index(), index()).prop_map(|(a, b)| TextOp::Swap(a, b)),
        4 => (index(), index()).prop_map(|(a, e)| TextOp::Extreme(a, e)),
        // Up to 100,000 characters: suggestions are no longer quadratic in
        // the length of an id (`scenario::tests::a_long_unknown_id_is_refused_quickly`).
        1 => (index(), 1usize..100_000, prop::sample::select(vec!['x', 'é', '\u{1F600}', ' ']))
            .prop_map(|(a, n, c)| TextOp::Huge(a, n, c)),
        1 => (index(), 1usize..200, any::<bool>()).prop_map(|(a, d, m)| TextOp::Nest(a, d, m)),
        1 => (index(), prop::collection::vec(index(), 1..20))
            .prop_map(|(a, uses)| TextOp::Alias(a, uses)),
        1 => (index(), 1usize..100_000, prop::collection::vec(index(), 1..40))
            .prop_map(|(a, n, uses)| TextOp::AliasLong(a, n, uses)),
        1 => (index(), 1usize..12, 1usize..12).prop_map(|(a, l, w)| TextOp::Laughs(a, l, w)),
        1 => index().prop_map(TextOp::UnknownKey),
        1 => (index(), -6i8..6, any::<bool>()).prop_map(|(a, d, t)| TextOp::Indent(a, d, t)),
        1 => index().prop_map(TextOp::DeleteLine),
    ]
}

/// `text` with the byte ranges in `edits` (disjoint) replaced.
fn replace(text: &str, mut edits: Vec<(Slot, String)>) -> String {
    edits.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
    let mut out = text.to_string();
    for (slot, new) in edits {
        out.replace_range(slot.start..slot.end, &new);
    }
    out
}

/// The range of the line holding byte `at`, newline included.
fn line_of(text: &str, at: usize) -> (usize, usize) {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let end = text[at..].find('\n').map_or(text.len(), |p| at + p + 1);
    (start, end)
}

fn apply_text_op(text: &str, op: &TextOp) -> String {
    let slots = slots(text);
    if slots.is_empty() {
        return text.to_string();
    }
    let at = |i: &Index| slots[i.index(slots.len())];
    let value = |s: Slot| text[s.start..s.end].to_string();
    // Distinct slots other than `a`, for aliases.
    let others = |a: Slot, uses: &[Index]| {
        let mut seen = std::collections::BTreeSet::new();
        uses.iter()
            .map(at)
            .filter(|s| s.start != a.start && seen.insert(s.start))
            .map(|s| (s, "*x".to_string()))
            .collect::<Vec<_>>()
    };
    match op {
        TextOp::Swap(a, b) => {
            let (a, b) = (at(a), at(b));
            if a.start == b.start {
                return text.to_string();
            }
            replace(text, vec![(a, value(b)), (b, value(a))])
        }
        TextOp::Extreme(a, e) => replace(
            text,
            vec![(at(a), EXTREMES[e.index(EXTREMES.len())].to_string())],
        ),
        TextOp::Huge(a, n, c) => {
            let s: String = std::iter::repeat_n(*c, *n).collect();
            replace(text, vec![(at(a), format!("\"{s}\""))])
        }
        TextOp::Nest(a, depth, mapping) => {
            let a = at(a);
            let (open, close) = if *mapping { ("{a: ", "}") } else { ("[", "]") };
            let new = format!(
                "{}{}{}",
                open.repeat(*depth),
                value(a),
                close.repeat(*depth)
            );
            replace(text, vec![(a, new)])
        }
        TextOp::Alias(a, uses) => {
            let a = at(a);
            let mut edits = others(a, uses);
            edits.push((a, format!("&x {}", value(a))));
            replace(text, edits)
        }
        TextOp::AliasLong(a, n, uses) => {
            let a = at(a);
            let mut edits = others(a, uses);
            edits.push((a, format!("&x \"{}\"", "y".repeat(*n))));
            replace(text, edits)
        }
        TextOp::Laughs(a, levels, width) => {
            let mut new = format!("[&l0 [{}]", value(at(a)));
            for l in 1..*levels {
                let aliases = vec![format!("*l{}", l - 1); *width].join(", ");
                new.push_str(&format!(", &l{l} [{aliases}]"));
            }
            new.push(']');
            replace(text, vec![(at(a), new)])
        }
        TextOp::UnknownKey(a) => {
            let (start, end) = line_of(text, at(a).start);
            let line = &text[start..end];
            let indent: String = line.chars().take_while(|c| *c == ' ').collect();
            let dash = if line.trim_start().starts_with("- ") {
                "  "
            } else {
                ""
            };
            let mut out = text.to_string();
            out.insert_str(end, &format!("{indent}{dash}no_such_key: 1\n"));
            out
        }
        TextOp::Indent(a, delta, tab) => {
            let (start, _) = line_of(text, at(a).start);
            let mut out = text.to_string();
            if *tab {
                out.insert(start, '\t');
            } else if *delta >= 0 {
                out.insert_str(start, &" ".repeat(*delta as usize));
            } else {
                let spaces = text[start..].bytes().take_while(|&b| b == b' ').count();
                out.replace_range(start..start + spaces.min(delta.unsigned_abs() as usize), "");
            }
            out
        }
        TextOp::DeleteLine(a) => {
            let (start, end) = line_of(text, at(a).start);
            let mut out = text.to_string();
            out.replace_range(start..end, "");
            out
        }
        TextOp::Edge(a, e) => {
            let numeric: Vec<Slot> = slots
                .iter()
                .copied()
                .filter(|s| text.as_bytes()[s.start].is_ascii_digit())
                .collect();
            if numeric.is_empty() {
                return text.to_string();
            }
            let slot = numeric[a.index(numeric.len())];
            let value = &text[slot.start..slot.end];
            let key = text[..slot.start]
                .trim_end_matches([' ', ':'])
                .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            let edges = if value.ends_with(|c: char| c.is_ascii_alphabetic()) {
                if DISTRIBUTION_KEYS.contains(&key) && e.index(2) == 0 {
                    EDGE_DISTRIBUTIONS
                } else {
                    EDGE_DURATIONS
                }
            } else if value.contains(['.', 'e']) {
                EDGE_REALS
            } else {
                EDGE_INTEGERS
            };
            replace(text, vec![(slot, edges[e.index(edges.len())].to_string())])
        }
    }
}

/// A bundled scenario with YAML text edits applied.
#[derive(Debug, Clone)]
struct TextMutant {
    base: Index,
    ops: Vec<TextOp>,
}

impl TextMutant {
    fn text(&self) -> String {
        let mut text = SCENARIOS[self.base.index(SCENARIOS.len())].1.to_string();
        for op in &self.ops {
            text = apply_text_op(&text, op);
        }
        text
    }
}

fn text_mutant() -> impl Strategy<Value = TextMutant> {
    (any::<Index>(), prop::collection::vec(text_op(), 1..6))
        .prop_map(|(base, ops)| TextMutant { base, ops })
}

/// A bundled scenario with only [`TextOp::Edge`] edits: mostly valid.
fn edge_mutant() -> impl Strategy<Value = TextMutant> {
    let edge = (any::<Index>(), any::<Index>()).prop_map(|(a, e)| TextOp::Edge(a, e));
    (any::<Index>(), prop::collection::vec(edge, 1..8))
        .prop_map(|(base, ops)| TextMutant { base, ops })
}

// ---------------------------------------------------------------------------
// Structure mutations.

/// A step from a YAML node to one inside it.
#[derive(Debug, Clone)]
enum Step {
    Key(Value),
    Item(usize),
}

/// The paths of every node of `v`, `v` itself first.
fn paths(v: &Value) -> Vec<Vec<Step>> {
    fn walk(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(here.clone());
        match v {
            Value::Sequence(items) => {
                for (i, item) in items.iter().enumerate() {
                    here.push(Step::Item(i));
                    walk(item, here, out);
                    here.pop();
                }
            }
            Value::Mapping(map) => {
                for (k, item) in map {
                    here.push(Step::Key(k.clone()));
                    walk(item, here, out);
                    here.pop();
                }
            }
            Value::Tagged(t) => walk(&t.value, here, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out);
    out
}

fn node_mut<'v>(mut v: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    for step in path {
        v = match (step, v) {
            (Step::Item(i), Value::Sequence(items)) => items.get_mut(*i)?,
            (Step::Key(k), Value::Mapping(map)) => map.get_mut(k)?,
            _ => return None,
        };
    }
    Some(v)
}

fn node<'v>(mut v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    for step in path {
        v = match (step, v) {
            (Step::Item(i), Value::Sequence(items)) => items.get(*i)?,
            (Step::Key(k), Value::Mapping(map)) => map.get(k)?,
            _ => return None,
        };
    }
    Some(v)
}

/// An extreme scalar as a YAML tree node.
fn extreme_value(i: &Index) -> Value {
    let text = EXTREMES[i.index(EXTREMES.len())];
    serde_yaml_ng::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// One edit of a scenario's YAML tree. Nodes are chosen among the nodes
/// present when the edit is applied.
#[derive(Debug, Clone)]
enum TreeOp {
    /// A node becomes an extreme scalar.
    Replace(Index, Index),
    /// A node becomes a copy of another.
    Graft(Index, Index),
    /// A node leaves its mapping or list.
    Remove(Index),
    /// A list item appears twice.
    Duplicate(Index),
    /// A node becomes an empty list (or mapping).
    Empty(Index, bool),
    /// A node wrapped in this many lists.
    Wrap(Index, usize),
    /// A mapping gains a key nobody reads.
    UnknownKey(Index),
    /// A component removed, whoever depends on it.
    DeleteComponent(Index),
    /// Component a depends on b and b on a (a on itself when they are one).
    Cycle(Index, Index),
    /// An `at_least` set to its group's size plus this (or a new group of
    /// one component asking for more).
    KOfN(Index, i64),
    /// A component, threat, team or site appears twice.
    DuplicateId(Index),
    /// A component renamed, its dependants not told.
    RenameId(Index),
    /// A top-level list (components, threats, teams, sites, options) emptied.
    EmptySection(Index),
}

fn tree_op() -> impl Strategy<Value = TreeOp> {
    let index = any::<Index>;
    prop_oneof![
        3 => (index(), index()).prop_map(|(a, e)| TreeOp::Replace(a, e)),
        2 => (index(), index()).prop_map(|(a, b)| TreeOp::Graft(a, b)),
        2 => index().prop_map(TreeOp::Remove),
        1 => index().prop_map(TreeOp::Duplicate),
        1 => (index(), any::<bool>()).prop_map(|(a, m)| TreeOp::Empty(a, m)),
        1 => (index(), 1usize..80).prop_map(|(a, d)| TreeOp::Wrap(a, d)),
        1 => index().prop_map(TreeOp::UnknownKey),
        2 => index().prop_map(TreeOp::DeleteComponent),
        2 => (index(), index()).prop_map(|(a, b)| TreeOp::Cycle(a, b)),
        2 => (index(), -3i64..5).prop_map(|(a, k)| TreeOp::KOfN(a, k)),
        1 => index().prop_map(TreeOp::DuplicateId),
        1 => index().prop_map(TreeOp::RenameId),
        1 => index().prop_map(TreeOp::EmptySection),
    ]
}

fn key(k: &str) -> Value {
    Value::String(k.to_string())
}

/// The items of the top-level list `section`, if it is one.
fn section<'v>(doc: &'v mut Value, name: &str) -> Option<&'v mut Vec<Value>> {
    match doc.get_mut(name)? {
        Value::Sequence(items) if !items.is_empty() => Some(items),
        _ => None,
    }
}

/// `components[i].depends_on`, made a list if it was not one.
fn depends_on(component: &mut Value) -> Option<&mut Vec<Value>> {
    let map = component.as_mapping_mut()?;
    if !matches!(map.get("depends_on"), Some(Value::Sequence(_))) {
        map.insert(key("depends_on"), Value::Sequence(Vec::new()));
    }
    map.get_mut("depends_on")?.as_sequence_mut()
}

fn apply_tree_op(doc: &mut Value, op: &TreeOp) {
    let all = paths(doc);
    let pick = |i: &Index| all[i.index(all.len())].clone();
    match op {
        TreeOp::Replace(a, e) => {
            if let Some(n) = node_mut(doc, &pick(a)) {
                *n = extreme_value(e);
            }
        }
        TreeOp::Graft(a, b) => {
            let copy = node(doc, &pick(b)).cloned();
            if let (Some(n), Some(copy)) = (node_mut(doc, &pick(a)), copy) {
                *n = copy;
            }
        }
        TreeOp::Remove(a) => {
            let path = pick(a);
            if let Some((last, parent)) = path.split_last() {
                match (last, node_mut(doc, parent)) {
                    (Step::Item(i), Some(Value::Sequence(items))) => {
                        items.remove(*i);
                    }
                    (Step::Key(k), Some(Value::Mapping(map))) => {
                        map.remove(k);
                    }
                    _ => {}
                }
            }
        }
        TreeOp::Duplicate(a) => {
            let path = pick(a);
            if let Some((Step::Item(i), parent)) = path.split_last() {
                if let Some(Value::Sequence(items)) = node_mut(doc, parent) {
                    let copy = items[*i].clone();
                    items.insert(*i, copy);
                }
            }
        }
        TreeOp::Empty(a, mapping) => {
            if let Some(n) = node_mut(doc, &pick(a)) {
                *n = if *mapping {
                    Value::Mapping(Mapping::new())
                } else {
                    Value::Sequence(Vec::new())
                };
            }
        }
        TreeOp::Wrap(a, depth) => {
            if let Some(n) = node_mut(doc, &pick(a)) {
                for _ in 0..*depth {
                    *n = Value::Sequence(vec![n.clone()]);
                }
            }
        }
        TreeOp::UnknownKey(a) => {
            if let Some(Value::Mapping(map)) = node_mut(doc, &pick(a)) {
                map.insert(key("no_such_key"), Value::from(1));
            }
        }
        TreeOp::DeleteComponent(a) => {
            if let Some(items) = section(doc, "components") {
                items.remove(a.index(items.len()));
            }
        }
        TreeOp::Cycle(a, b) => {
            if let Some(items) = section(doc, "components") {
                let (a, b) = (a.index(items.len()), b.index(items.len()));
                let id = |c: &Value| c.get("id").cloned().unwrap_or(Value::Null);
                let (id_a, id_b) = (id(&items[a]), id(&items[b]));
                if let Some(deps) = depends_on(&mut items[a]) {
                    deps.push(id_b);
                }
                if let Some(deps) = depends_on(&mut items[b]) {
                    deps.push(id_a);
                }
            }
        }
        TreeOp::KOfN(a, k) => {
            let groups: Vec<Vec<Step>> = all
                .iter()
                .filter(|p| matches!(node(doc, p), Some(v) if v.get("at_least").is_some()))
                .cloned()
                .collect();
            if groups.is_empty() {
                // No group to stretch: give a component one of one.
                if let Some(items) = section(doc, "components") {
                    let n = items.len();
                    let other = items[(a.index(n) + 1) % n].get("id").cloned();
                    if let (Some(deps), Some(other)) = (depends_on(&mut items[a.index(n)]), other) {
                        let mut g = Mapping::new();
                        g.insert(key("at_least"), Value::from(1 + k));
                        g.insert(key("of"), Value::Sequence(vec![other]));
                        deps.push(Value::Mapping(g));
                    }
                }
            } else if let Some(Value::Mapping(g)) = node_mut(doc, &groups[a.index(groups.len())]) {
                let n = g.get("of").and_then(Value::as_sequence).map_or(0, Vec::len);
                g.insert(key("at_least"), Value::from(n as i64 + k));
            }
        }
        TreeOp::DuplicateId(a) => {
            let names = ["components", "threats", "teams", "sites", "options"];
            let name = names[a.index(names.len())];
            if let Some(items) = section(doc, name) {
                let i = a.index(items.len());
                let copy = items[i].clone();
                items.push(copy);
            }
        }
        TreeOp::RenameId(a) => {
            if let Some(items) = section(doc, "components") {
                let i = a.index(items.len());
                if let Some(map) = items[i].as_mapping_mut() {
                    map.insert(key("id"), key("renamed-component"));
                }
            }
        }
        TreeOp::EmptySection(a) => {
            let names = ["components", "threats", "teams", "sites", "options"];
            if let Some(map) = doc.as_mapping_mut() {
                map.insert(
                    key(names[a.index(names.len())]),
                    Value::Sequence(Vec::new()),
                );
            }
        }
    }
}

/// A bundled scenario with tree edits applied, written back as YAML.
#[derive(Debug, Clone)]
struct TreeMutant {
    base: Index,
    ops: Vec<TreeOp>,
}

impl TreeMutant {
    fn text(&self) -> String {
        let src = SCENARIOS[self.base.index(SCENARIOS.len())].1;
        let mut doc: Value = serde_yaml_ng::from_str(src).expect("a bundled scenario is YAML");
        for op in &self.ops {
            apply_tree_op(&mut doc, op);
        }
        serde_yaml_ng::to_string(&doc).expect("a YAML tree can be written")
    }
}

fn tree_mutant() -> impl Strategy<Value = TreeMutant> {
    (any::<Index>(), prop::collection::vec(tree_op(), 1..5))
        .prop_map(|(base, ops)| TreeMutant { base, ops })
}

// ---------------------------------------------------------------------------
// What must hold.

/// Line breaks of YAML 1.2 (and of most editors, though vim and `sed` see
/// a lone `\r` as text): `\r\n`, `\n`, `\r`.
const BREAKS: &[char] = &['\n', '\r'];
/// Line breaks of YAML 1.1, which the scenario parser follows: also NEL,
/// LINE SEPARATOR and PARAGRAPH SEPARATOR.
const BREAKS_1_1: &[char] = &['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// Lines of `text` split at `breaks` (`\r\n` is one break); a final break
/// starts an empty last line, where an error at the end may point.
fn lines<'t>(text: &'t str, breaks: &[char]) -> Vec<&'t str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(breaks) {
        out.push(&rest[..at]);
        let skip = if rest[at..].starts_with("\r\n") {
            2
        } else {
            rest[at..].chars().next().map_or(1, char::len_utf8)
        };
        rest = &rest[at + skip..];
    }
    out.push(rest);
    out
}

/// Where `d` points is inside `text` split into `lines`.
fn located_in(d: &Diagnostic, lines: &[&str]) -> Result<(), String> {
    let Some(line) = d.line else {
        return match d.column {
            Some(_) => Err("a column without a line".into()),
            None => Ok(()),
        };
    };
    if line == 0 || line > lines.len() {
        return Err(format!(
            "line {line} outside the file's {} lines",
            lines.len()
        ));
    }
    if let Some(col) = d.column {
        let width = lines[line - 1].chars().count() + 1;
        if col == 0 || col > width {
            return Err(format!(
                "column {col} outside line {line} ({width} columns with its end)"
            ));
        }
    }
    Ok(())
}

/// A diagnostic says something and points inside the file, with its
/// lines counted as YAML 1.2 or as YAML 1.1 does (they differ only when
/// the file holds NEL, LS or PS).
fn check_diagnostic(d: &Diagnostic, text: &str) -> Result<(), String> {
    if d.message.trim().is_empty() {
        return Err(format!("a diagnostic without a message: {d:?}"));
    }
    if d.help.as_deref().is_some_and(|h| h.trim().is_empty()) {
        return Err(format!("an empty help: {d:?}"));
    }
    match located_in(d, &lines(text, BREAKS)) {
        Ok(()) => Ok(()),
        Err(why) => located_in(d, &lines(text, BREAKS_1_1)).map_err(|_| format!("{why}: {d:?}")),
    }
}

/// An error from loading `bytes` explains itself (property 1).
fn check_error(e: &ScenarioError, bytes: &[u8]) -> Result<(), String> {
    let shown = e.to_string();
    if !shown.contains("fuzz.yaml") {
        return Err(format!("the error does not name the file: {shown}"));
    }
    match e {
        ScenarioError::NotText { offset, .. } => {
            if *offset >= bytes.len() || std::str::from_utf8(&bytes[..*offset]).is_err() {
                return Err(format!("offset {offset} is not the first bad byte"));
            }
            Ok(())
        }
        ScenarioError::Invalid { diagnostics, .. } => {
            if diagnostics.is_empty() {
                return Err("an invalid scenario without a diagnostic".into());
            }
            // Lines count from after a byte-order mark, as the loader does.
            let text = std::str::from_utf8(bytes).expect("parsed, so UTF-8");
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            diagnostics
                .iter()
                .try_for_each(|d| check_diagnostic(d, text))
        }
        ScenarioError::Io { .. } => Err(format!("an I/O error from bytes in memory: {shown}")),
    }
}

fn check_summary(name: &str, s: &Summary, lo: f64, hi: f64) -> Result<(), String> {
    let all = [
        s.mean,
        s.ci95[0],
        s.ci95[1],
        s.half_width,
        s.p50,
        s.p90,
        s.p99,
        s.max,
    ];
    if all.iter().any(|v| !v.is_finite()) {
        return Err(format!("{name}: a figure is not finite: {s:?}"));
    }
    let values = [s.mean, s.ci95[0], s.ci95[1], s.p50, s.p90, s.p99, s.max];
    if values.iter().any(|&v| v < lo - EPS || v > hi + EPS) {
        return Err(format!("{name}: a figure outside [{lo}, {hi}]: {s:?}"));
    }
    let ordered = s.ci95[0] <= s.ci95[1] + EPS
        && s.half_width >= 0.0
        && s.p50 <= s.p90 + EPS
        && s.p90 <= s.p99 + EPS
        && s.p99 <= s.max + EPS;
    if !ordered {
        return Err(format!("{name}: bounds or quantiles out of order: {s:?}"));
    }
    Ok(())
}

fn check_proportion(name: &str, p: &Proportion) -> Result<(), String> {
    let all = [p.p, p.ci95[0], p.ci95[1]];
    if all.iter().any(|v| !(0.0..=1.0).contains(v)) || p.ci95[0] > p.ci95[1] {
        return Err(format!("{name}: not a probability: {p:?}"));
    }
    Ok(())
}

fn check_cdf(name: &str, cdf: &[(f64, f64)]) -> Result<(), String> {
    let ok = cdf
        .iter()
        .all(|(x, p)| x.is_finite() && *x >= 0.0 && (0.0..=1.0 + EPS).contains(p))
        && cdf
            .windows(2)
            .all(|w| w[0].0 <= w[1].0 && w[0].1 <= w[1].1 + EPS);
    if !ok {
        return Err(format!("{name}: not a CDF: {cdf:?}"));
    }
    Ok(())
}

fn check_service<D>(
    s: &ServiceResult<D>,
    detail: impl Fn(&D) -> Result<(), String>,
) -> Result<(), String> {
    let at = |what: &str| format!("{}.{what}", s.id);
    check_proportion(&at("affected"), &s.affected)?;
    check_proportion(&at("total_data_loss"), &s.total_data_loss)?;
    for (what, p) in [
        ("rto_met", &s.rto_met),
        ("rpo_met", &s.rpo_met),
        ("mtpd_met", &s.mtpd_met),
    ] {
        if let Some(p) = p {
            check_proportion(&at(what), p)?;
        }
    }
    check_summary(&at("downtime_h"), &s.downtime_h, 0.0, f64::MAX)?;
    check_summary(&at("data_loss_h"), &s.data_loss_h, 0.0, f64::MAX)?;
    check_summary(&at("loss"), &s.loss, 0.0, f64::MAX)?;
    check_cdf(&at("downtime_cdf"), &s.downtime_cdf)?;
    check_cdf(&at("data_loss_cdf"), &s.data_loss_cdf)?;
    detail(&s.detail)
}

/// Every figure of a simulation is finite and in its range.
fn check_results<D>(
    r: &Results<D>,
    detail: impl Fn(&D) -> Result<(), String>,
) -> Result<(), String> {
    check_summary("loss", &r.loss, 0.0, f64::MAX)?;
    for p in &r.loss_exceedance {
        if !p.loss.is_finite() || p.loss < 0.0 || !(0.0..=1.0).contains(&p.p) {
            return Err(format!("loss exceedance point out of range: {p:?}"));
        }
    }
    r.services
        .iter()
        .try_for_each(|s| check_service(s, &detail))
}

/// The outputs of a result render, and its JSON is JSON.
fn check_render(r: &impl Render) -> Result<(), String> {
    let _ = r.text();
    let _ = r.csv();
    serde_json::from_str::<serde_json::Value>(&r.json())
        .map(|_| ())
        .map_err(|e| format!("the JSON does not parse: {e}"))
}

/// Simulates `f` twice from the same seed: the same results, in range.
fn twice<R: Debug>(
    what: &str,
    f: impl Fn() -> Result<R, sim::SimError>,
    check: impl Fn(&R) -> Result<(), String>,
) -> Result<(), String> {
    let first = f().map_err(|e| format!("{what}: {e}"))?;
    check(&first).map_err(|e| format!("{what}: {e}"))?;
    let second = f().map_err(|e| format!("{what}: {e}"))?;
    if format!("{first:?}") != format!("{second:?}") {
        return Err(format!("{what}: the same seed gave different results"));
    }
    Ok(())
}

/// A loaded mutant: `check`'s summary, every option, the warnings, and a
/// short run and drill (property 1).
fn check_loaded(loaded: &Loaded, text: &str, seed: u64) -> Result<(), String> {
    let s = &loaded.scenario;
    let graph = DependencyGraph::build(s);
    let summary =
        report::summary::render(s, &loaded.options, &graph, "fuzz.yaml", &loaded.warnings);
    if !summary.contains("valid") {
        return Err(format!("the summary does not say valid:\n{summary}"));
    }
    for w in &loaded.warnings {
        check_diagnostic(w, text)?;
    }
    for option in &loaded.options {
        let _ = option.scenario();
    }

    let config = Config::new(TRIALS, seed, 1).map_err(|e| e.to_string())?;
    let horizon = s.horizon.min(HORIZON_CAP);
    twice(
        "run",
        || sim::run(s, Some(horizon), &config, &NoProgress),
        |r| {
            check_results(r, |d| {
                check_summary("availability", &d.availability, 0.0, 1.0)?;
                check_summary("outages", &d.outages, 0.0, f64::MAX)?;
                check_summary("rto_breaches", &d.rto_breaches, 0.0, f64::MAX)
            })?;
            check_render(r)
        },
    )?;
    if let Some(threat) = s.threats.first() {
        twice(
            "drill",
            || sim::drill(s, &threat.id, &config, &NoProgress),
            |r| {
                check_results(r, |d| {
                    check_summary("recovery_h", &d.recovery_h, 0.0, f64::MAX)?;
                    check_cdf("recovery_cdf", &d.recovery_cdf)
                })?;
                check_render(r)
            },
        )?;
    }
    Ok(())
}

/// Property 1 on one input: `bytes` through `load_bytes`, or as text
/// through `load_str` when `text` is set.
fn load_or_explain(bytes: Vec<u8>, text: bool, seed: u64) -> Result<(), TestCaseError> {
    let input = bytes.clone();
    let loaded = within("load", LOAD_LIMIT, &input, move || {
        let result = if text {
            let src = std::str::from_utf8(&bytes).expect("text mutants are text");
            scenario::load_str(src, "fuzz.yaml")
        } else {
            scenario::load_bytes(&bytes, "fuzz.yaml")
        };
        match result {
            Ok(loaded) => Ok(Some(loaded)),
            Err(e) => check_error(&e, &bytes).map(|()| None),
        }
    })?;
    if let Some(loaded) = loaded {
        let src = String::from_utf8(input.clone()).expect("it loaded, so UTF-8");
        let src = src.strip_prefix('\u{feff}').unwrap_or(&src).to_string();
        within("simulate", SIM_LIMIT, &input, move || {
            check_loaded(&loaded, &src, seed)
        })?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(DEFAULT_CASES, 1))]

    #[test]
    fn mutated_bytes_load_or_explain(m in byte_mutant(), seed in any::<u64>()) {
        load_or_explain(m.bytes(), false, seed)?;
    }

    #[test]
    fn mutated_text_load_or_explain(m in text_mutant(), seed in any::<u64>()) {
        load_or_explain(m.text().into_bytes(), true, seed)?;
    }

    #[test]
    fn edge_values_load_or_explain(m in edge_mutant(), seed in any::<u64>()) {
        load_or_explain(m.text().into_bytes(), true, seed)?;
    }

    #[test]
    fn mutated_structure_load_or_explain(m in tree_mutant(), seed in any::<u64>()) {
        load_or_explain(m.text().into_bytes(), true, seed)?;
    }
}

/// A mutant of any kind, as bytes.
fn any_mutant() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        byte_mutant().prop_map(|m| m.bytes()),
        text_mutant().prop_map(|m| m.text().into_bytes()),
        edge_mutant().prop_map(|m| m.text().into_bytes()),
        tree_mutant().prop_map(|m| m.text().into_bytes()),
    ]
}

proptest! {
    #![proptest_config(config(DEFAULT_BINARY_CASES, 50))]

    #[test]
    fn check_binary_exits_0_or_1(bytes in any_mutant()) {
        let valid = scenario::load_bytes(&bytes, "fuzz.yaml").is_ok();
        let dir = tempfile::tempdir().unwrap();
        let file = write_temp(&dir, "fuzz.yaml", &bytes);
        let out = drsim()
            .arg("check")
            .arg(&file)
            .timeout(CHECK_LIMIT)
            .output()
            .unwrap();
        let fail = |why: String| {
            let path = save_failure(&bytes);
            TestCaseError::fail(format!(
                "drsim check: {why}; input saved as {}\nstderr: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            ))
        };
        let expected = if valid { 0 } else { 1 };
        match out.status.code() {
            Some(code) if code == expected => {}
            Some(code) => return Err(fail(format!("exit code {code}, expected {expected}"))),
            None => return Err(fail("killed (the timeout?)".into())),
        }
        for (name, stream) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(stream);
            // Newlines and tabs lay messages out (`escape_unsafe`'s layout).
            let unsafe_char = |c: char| scenario::is_unsafe_char(c) && c != '\n' && c != '\t';
            if let Some(c) = text.chars().find(|&c| unsafe_char(c)) {
                return Err(fail(format!("{name} holds the character {c:?} raw")));
            }
        }
    }
}
