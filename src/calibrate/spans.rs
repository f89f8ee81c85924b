//! Where each value is in a scenario's text, by key path, so that a
//! calibrated estimate replaces just its value and the rest of the file,
//! comments and layout, stays as written.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// A node of the YAML text: its byte range, whether it is a flow
/// collection (`{...}`, `[...]`) or a block one, and the column (in
/// characters) where its first key starts, for a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// A block mapping or sequence (not flow, not a scalar).
    pub block: bool,
    /// A mapping's first key's column (block mappings: every key's).
    pub key_column: Option<usize>,
    /// It carries an anchor (`&name`): aliases elsewhere repeat it.
    pub anchored: bool,
}

enum Frame {
    Map {
        path: String,
        start: usize,
        anchored: bool,
        block: bool,
        key: Option<String>,
        key_column: Option<usize>,
        end: usize,
    },
    Seq {
        path: String,
        start: usize,
        anchored: bool,
        block: bool,
        index: usize,
        end: usize,
    },
}

/// Every node of `src` by key path (`components[3].repair`; the top level
/// is the empty path). `None` when the text does not parse (a valid
/// scenario always does).
pub fn nodes(src: &str) -> Option<HashMap<String, Node>> {
    // saphyr counts characters; byte offsets from them.
    let offsets: Vec<usize> = src
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(src.len()))
        .collect();
    let byte = |chars: usize| offsets.get(chars).copied().unwrap_or(src.len());
    let mut out = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    for next in Parser::new_from_str(src) {
        let (event, span) = next.ok()?;
        let (start, end) = (byte(span.start.index()), byte(span.end.index()));
        // The path of a node that starts here, or None for a mapping key.
        let mut path_here = || -> Option<String> {
            match stack.last_mut() {
                None => Some(String::new()),
                Some(Frame::Map { path, key, .. }) => key.take().map(|k| {
                    if path.is_empty() {
                        k
                    } else {
                        format!("{path}.{k}")
                    }
                }),
                Some(Frame::Seq { path, index, .. }) => {
                    *index += 1;
                    Some(format!("{path}[{}]", *index - 1))
                }
            }
        };
        match event {
            Event::Scalar(text, _, anchor, _) => match path_here() {
                Some(path) => {
                    out.insert(
                        path,
                        Node {
                            start,
                            end,
                            block: false,
                            key_column: None,
                            anchored: anchor != 0,
                        },
                    );
                    extend(&mut stack, end);
                }
                None => {
                    if let Some(Frame::Map {
                        key, key_column, ..
                    }) = stack.last_mut()
                    {
                        *key = Some(text.into_owned());
                        key_column.get_or_insert(span.start.col());
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = path_here() {
                    out.insert(
                        path,
                        Node {
                            start,
                            end,
                            block: false,
                            key_column: None,
                            anchored: false,
                        },
                    );
                }
                extend(&mut stack, end);
            }
            Event::MappingStart(anchor, _) => {
                let path = path_here()?;
                let block = !src[start..].starts_with('{');
                stack.push(Frame::Map {
                    path,
                    start,
                    anchored: anchor != 0,
                    block,
                    key: None,
                    key_column: None,
                    end,
                });
            }
            Event::SequenceStart(anchor, _) => {
                let path = path_here()?;
                let block = !src[start..].starts_with('[');
                stack.push(Frame::Seq {
                    path,
                    start,
                    anchored: anchor != 0,
                    block,
                    index: 0,
                    end,
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                // A flow collection ends just after its bracket (the span
                // may run on over spaces and a comment).
                let end = if src[start..].starts_with(['}', ']']) {
                    start + 1
                } else {
                    end
                };
                let (path, node) = match stack.pop()? {
                    Frame::Map {
                        path,
                        start,
                        anchored,
                        block,
                        key_column,
                        end: last,
                        ..
                    } => (
                        path,
                        Node {
                            start,
                            end: if block { last } else { end },
                            block,
                            key_column,
                            anchored,
                        },
                    ),
                    Frame::Seq {
                        path,
                        start,
                        anchored,
                        block,
                        end: last,
                        ..
                    } => (
                        path,
                        Node {
                            start,
                            end: if block { last } else { end },
                            block,
                            key_column: None,
                            anchored,
                        },
                    ),
                };
                extend(&mut stack, node.end);
                out.insert(path, node);
            }
            _ => {}
        }
    }
    Some(out)
}

/// A child ends at `end`: so does its parent, at least.
fn extend(stack: &mut [Frame], end: usize) {
    if let Some(Frame::Map { end: e, .. } | Frame::Seq { end: e, .. }) = stack.last_mut() {
        *e = (*e).max(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_key_path_in_flow_and_block_style() {
        let src = "name: Demo\ncomponents:\n  - id: db\n    repair: {lognormal: [1h, 4h]}\n    data:\n      backups:\n        - {every: 1h, restore: 30m}\n  - {id: web, repair: 2h}   # a comment\n  - id: x\n    rebuild:\n      exp: 4h\n";
        let n = nodes(src).unwrap();
        let text = |p: &str| {
            let node = n[p];
            &src[node.start..node.end]
        };
        assert_eq!(text("name"), "Demo");
        assert_eq!(text("components[0].repair"), "{lognormal: [1h, 4h]}");
        assert_eq!(text("components[0].data.backups[0].restore"), "30m");
        assert_eq!(text("components[1].repair"), "2h");
        assert_eq!(text("components[1]"), "{id: web, repair: 2h}");
        assert_eq!(text("components[2].rebuild"), "exp: 4h");
        assert!(n["components[2].rebuild"].block);
        assert_eq!(n["components[0]"].key_column, Some(4));
    }
}
