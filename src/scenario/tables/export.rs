//! Export: a valid scenario's YAML tree into tables.

use super::cells;
use super::{Book, Format, Row, Rows, Sheet, Table, TABLES};
use crate::scenario::{load_str, Diagnostic, ScenarioError};
use serde_yaml_ng::Value;

/// The scenario in `src` (validated first: an invalid file is refused with
/// its diagnostics) as one sheet per table of [`TABLES`], every table
/// there, empty ones with their headings only.
pub fn export(src: &str, file: &str) -> Result<Book, ScenarioError> {
    load_str(src, file)?;
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let root: Value = serde_yaml_ng::from_str(src).map_err(|e| ScenarioError::Invalid {
        file: file.to_string(),
        diagnostics: vec![Diagnostic::new("", e.to_string())],
    })?;
    Ok(Book {
        sheets: TABLES.iter().map(|t| sheet(t, &root)).collect(),
        source: super::Source::Memory,
    })
}

/// The value at a dotted key path in `item`.
pub(super) fn get<'a>(item: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(item, |v, k| v.get(k))
}

/// The items of a top-level list.
fn list<'a>(root: &'a Value, name: &str) -> &'a [Value] {
    root.get(name)
        .and_then(Value::as_sequence)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// An item's cells for `table`'s columns; `parent` fills the first column
/// of a child or part table.
fn cells(table: &Table, item: &Value, parent: Option<&str>) -> Vec<String> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match (i, parent, c.format) {
            (0, Some(id), _) => id.to_string(),
            (_, _, Format::Presence) => {
                // `data: ~` is no data section at all.
                if get(item, c.key).is_some_and(|v| !v.is_null()) {
                    "true".to_string()
                } else {
                    String::new()
                }
            }
            // An option's change: a mapping of one key, the change.
            (_, _, Format::Change) => first_key(item).0,
            (_, _, Format::ChangeValue) => first_key(item)
                .1
                .map(|v| cells::write(v, Format::ChangeValue))
                .unwrap_or_default(),
            // The cell is the whole item (a requirement).
            _ if c.key.is_empty() => cells::write(item, c.format),
            _ => get(item, c.key)
                .map(|v| cells::write(v, c.format))
                .unwrap_or_default(),
        })
        .collect()
}

fn first_key(item: &Value) -> (String, Option<&Value>) {
    match item.as_mapping().and_then(|m| m.iter().next()) {
        Some((k, v)) => (k.as_str().unwrap_or_default().to_string(), Some(v)),
        None => (String::new(), None),
    }
}

/// An item's id as text.
fn id_of(item: &Value) -> String {
    item.get("id")
        .map(|v| cells::write(v, Format::Text))
        .unwrap_or_default()
}

fn sheet(table: &Table, root: &Value) -> Sheet {
    let mut rows: Vec<Vec<String>> = Vec::new();
    match table.rows {
        Rows::Top => rows.push(cells(table, root, None)),
        Rows::List(name) => {
            rows.extend(list(root, name).iter().map(|item| cells(table, item, None)));
        }
        Rows::Child { parent, key } => {
            for item in list(root, parent) {
                let id = id_of(item);
                let owned: &[Value] = match get(item, key) {
                    Some(Value::Sequence(items)) => items,
                    // A threat's `hits` written as one selector.
                    Some(one @ Value::Mapping(_)) => std::slice::from_ref(one),
                    _ => &[],
                };
                rows.extend(owned.iter().map(|o| cells(table, o, Some(&id))));
            }
        }
        Rows::Part(parent) => {
            for item in list(root, parent) {
                let row = cells(table, item, Some(&id_of(item)));
                if row[1..].iter().any(|c| !c.is_empty()) {
                    rows.push(row);
                }
            }
        }
    }
    Sheet {
        name: table.name.to_string(),
        header: table.columns.iter().map(|c| c.name.to_string()).collect(),
        rows: rows
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Row {
                number: i + 2,
                cells,
            })
            .collect(),
        header_row: 1,
        first_column: 0,
        stray: Vec::new(),
    }
}
