//! Bounds on what a scenario file may cost to read, checked while it is
//! read rather than after.
//!
//! serde_yaml_ng (libyaml) builds the whole document before anything can
//! look at it, and two shapes make that unbounded in a small file: aliases
//! that repeat a large anchored value (a 220 KB file expanded to
//! gigabytes), and deeply nested flow collections (`[[[[…]]]]`: libyaml
//! spends time quadratic in the depth, minutes for 200 KB). So the text is
//! first streamed through a second YAML parser, `saphyr_parser`, whose
//! events arrive as they are read: nesting deeper than [`MAX_DEPTH`] or
//! aliases expanding past the budget ([`alias_budget`]) stop the read at
//! once with a located error.
//!
//! The two parsers agree on the YAML a scenario is written in. Where
//! `saphyr_parser` finds a syntax error, libyaml's message is usually the
//! better known one, so it gets to speak, but only when what follows the
//! error cannot be one of the two shapes (no anchor in the file, and few
//! flow brackets after the error); otherwise the error found here is
//! reported.

use super::error::Diagnostic;
use saphyr_parser::{Event, Parser, Span};

/// The deepest nesting of lists and mappings a scenario may use. A
/// scenario needs about six levels (an option's change of a threat's
/// hit group is the deepest); libyaml and serde refuse more than 128.
pub const MAX_DEPTH: usize = 64;

/// How many bytes aliases may add to a file of `len` bytes: the file's own
/// size again, and at least 1 MiB. Reusing an anchored failure model on
/// every component of a large estate stays well inside it; an alias bomb
/// does not.
pub fn alias_budget(len: usize) -> usize {
    len.max(1 << 20)
}

/// What an event costs when an alias repeats it, beyond its text: the
/// parser's and serde's per-node bookkeeping, so that an alias of a long
/// list of empty values is not free.
const NODE_BYTES: usize = 16;

/// When `saphyr_parser` finds a syntax error, more flow brackets than this
/// after it are left to no parser (libyaml is quick up to about this
/// depth).
const MAX_UNCHECKED_BRACKETS: usize = 10_000;

/// Streams `src` and refuses it, with a located diagnostic, when it nests
/// too deeply or its aliases expand too far. `Ok` means libyaml may parse
/// it (and report any syntax error itself).
pub fn check(src: &str) -> Result<(), Diagnostic> {
    let budget = alias_budget(src.len());
    // The size of each anchored node (indexed by saphyr's anchor id), as
    // bytes with aliases expanded; the running total of the same; the
    // start of each open collection: its anchor and the total at its start.
    let mut anchored: Vec<usize> = Vec::new();
    let mut total = 0usize;
    let mut expanded = 0usize;
    let mut open: Vec<(usize, usize)> = Vec::new();
    for next in Parser::new_from_str(src) {
        let (event, span) = match next {
            Ok(ok) => ok,
            Err(e) => return syntax(src, e),
        };
        match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if open.len() == MAX_DEPTH {
                    return Err(too_deep(span.start.line(), span.start.col()));
                }
                open.push((anchor, total));
                total += NODE_BYTES;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((anchor, start)) = open.pop() {
                    record(&mut anchored, anchor, total - start);
                }
            }
            Event::Scalar(text, _, anchor, _) => {
                let size = text.len() + NODE_BYTES;
                total += size;
                record(&mut anchored, anchor, size);
            }
            Event::Alias(anchor) => {
                // An alias to an anchor still open (a recursive alias) is
                // libyaml's error to report; it costs nothing here.
                let size = anchored.get(anchor).copied().unwrap_or(0);
                total = total.saturating_add(size);
                expanded = expanded.saturating_add(size);
                if expanded > budget {
                    return Err(too_many_aliases(span, budget));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Remembers the size of the node anchored as `anchor` (0: none).
fn record(anchored: &mut Vec<usize>, anchor: usize, size: usize) {
    if anchor == 0 {
        return;
    }
    if anchored.len() <= anchor {
        anchored.resize(anchor + 1, 0);
    }
    anchored[anchor] = size;
}

/// A syntax error found here: libyaml reports it when the rest of the
/// file is safe for it to read (see the module comment), else this does.
fn syntax(src: &str, e: saphyr_parser::ScanError) -> Result<(), Diagnostic> {
    let mark = e.marker();
    // Deep flow nesting can stop saphyr's scanner before any event shows
    // the depth: it is the same refusal.
    if e.info().contains("recursion limit") {
        return Err(too_deep(mark.line(), mark.col()));
    }
    let after = src
        .char_indices()
        .nth(mark.index())
        .map_or("", |(at, _)| &src[at..]);
    let brackets = after.bytes().filter(|b| matches!(b, b'[' | b'{')).count();
    if !src.contains('&') && brackets <= MAX_UNCHECKED_BRACKETS {
        return Ok(());
    }
    let (line, column) =
        super::past_the_end(src, mark.line()).unwrap_or((mark.line(), mark.col() + 1));
    Err(Diagnostic::new("", e.info().to_string())
        .at(Some(line), Some(column))
        .help("check brackets, braces, quotes and indentation on this line and the one before"))
}

/// Nesting past [`MAX_DEPTH`] at `line` (1-based), `col` (0-based).
fn too_deep(line: usize, col: usize) -> Diagnostic {
    Diagnostic::new(
        "",
        format!("lists and mappings nest more than {MAX_DEPTH} levels deep here"),
    )
    .at(Some(line), Some(col + 1))
    .help("a scenario needs only a few levels; is a closing `]` or `}` missing?")
}

fn too_many_aliases(span: Span, budget: usize) -> Diagnostic {
    Diagnostic::new(
        "",
        format!(
            "YAML aliases expand the file by more than {} here (the limit is the file's own size, at least 1 MiB)",
            size(budget)
        ),
    )
    .at(Some(span.start.line()), Some(span.start.col() + 1))
    .help("an alias repeats its anchor's whole value; write large values out once, or reuse smaller ones")
}

/// A number of bytes for a message: `1.5 MiB`, `220 KiB`.
fn size(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!(
            "name: x\ndescription: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        )
    }

    #[test]
    fn nesting_up_to_the_limit_is_read_and_one_more_is_refused() {
        // `description:` sits in the top-level mapping: one level.
        assert!(check(&nested(MAX_DEPTH - 1)).is_ok());
        let d = check(&nested(MAX_DEPTH)).unwrap_err();
        assert!(d.message.contains("nest more than 64"), "{}", d.message);
        assert_eq!(d.line, Some(2));
        // Block nesting counts the same way.
        let block: String = (0..MAX_DEPTH)
            .map(|i| format!("{}- \n", "  ".repeat(i)))
            .collect();
        assert!(check(&format!("{block}{}- x\n", "  ".repeat(MAX_DEPTH))).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_quickly_however_deep() {
        // 10 MB of brackets: refused after the first 65.
        let start = std::time::Instant::now();
        for depth in [300, 5_000_000] {
            let d = check(&nested(depth)).unwrap_err();
            assert!(d.message.contains("nest more than 64"), "{}", d.message);
            assert_eq!(d.line, Some(2));
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn aliases_are_counted_in_bytes_with_nested_aliases_expanded() {
        let big = "x".repeat(100_000);
        // 20 uses of a 100 KB string: 2 MB, over the 1 MiB budget.
        let uses = vec!["*big"; 20].join(", ");
        let bomb = format!("name: x\ndescription: &big {big}\ntags: [{uses}]\n");
        let d = check(&bomb).unwrap_err();
        assert!(d.message.contains("aliases expand"), "{}", d.message);
        assert_eq!(d.line, Some(3));
        // 5 uses (500 KB) are within it.
        let uses = ["*big"; 5].join(", ");
        assert!(check(&format!("name: x\nd: &big {big}\ntags: [{uses}]\n")).is_ok());
        // The classic bomb: each level repeats the one before nine times;
        // tiny text, a billion nodes when expanded.
        let mut lol = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            lol.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 9].join(", ")
            ));
        }
        assert!(check(&lol).is_err());
    }

    #[test]
    fn an_anchor_reused_over_a_large_estate_is_fine() {
        let mut yaml = String::from("failure: &f {every: 2y, repair: 4h}\ncomponents:\n");
        for i in 0..10_000 {
            yaml.push_str(&format!("  - {{id: c{i}, kind: server, failures: *f}}\n"));
        }
        assert_eq!(check(&yaml), Ok(()));
    }

    #[test]
    fn syntax_errors_are_left_to_libyaml_unless_what_follows_is_unsafe() {
        // An unclosed quote: libyaml has the better known message.
        assert_eq!(check("name: \"x\ncomponents: []\n"), Ok(()));
        // After the error, an anchor and 20,000 brackets: refused here.
        let unsafe_tail = format!("name: \"x\nd: &a {}\n", "[".repeat(20_000));
        assert!(check(&unsafe_tail).is_err());
    }
}
