//! One cell: a YAML value written as text (export), and text read back
//! into a checked YAML value (import).
//!
//! A cell holds what the YAML key would hold, on one line: `4h`,
//! `{lognormal: [2h, 8h]}`, `20000`, `true`. Text columns hold the text
//! itself; word columns hold words (`tier1 clinical`), or a YAML list when
//! a word has a space in it. Requirements have a short syntax:
//!
//! | cell | YAML |
//! |---|---|
//! | `db` | `db` |
//! | `2 of app-1 app-2 app-3` | `{at_least: 2, of: [app-1, app-2, app-3]}` |
//! | `failover db-a db-b after 15m lag 1m` | `{failover: [db-a, db-b], switchover: 15m, lag: 1m}` |
//!
//! (`after` takes any distribution, `after {lognormal: [5m, 30m]}`; both
//! `after` and `lag` may be left out.) Any cell of a requirement may also
//! be the YAML itself, `{...}`.

use super::Format;
use crate::scenario::raw::{Effect, Kind};
use crate::scenario::units::{Dist, Hours};
use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};

/// The keywords of the requirement syntax that end a failover group's
/// list of members.
const FAILOVER_WORDS: [&str; 2] = ["after", "lag"];

/// What an option's change may be.
pub(super) const CHANGES: [&str; 6] = [
    "add",
    "add_teams",
    "add_threats",
    "add_sites",
    "set",
    "remove",
];

// ---------------------------------------------------------------- export

/// The cell for `value` in a column of `format`.
pub(super) fn write(value: &Value, format: Format) -> String {
    match format {
        Format::Text => text(value),
        // An empty change (`remove: []`) is written as the empty list.
        Format::ChangeValue if value.as_sequence().is_some_and(Vec::is_empty) => "[]".into(),
        Format::Words | Format::Kinds | Format::ChangeValue if value.is_sequence() => words(value),
        // Null is the key left out.
        _ if value.is_null() => String::new(),
        Format::Requirement => requirement(value),
        _ => match value {
            // A string cell holds the string: `4h`, not `"4h"`.
            Value::String(s) => s.clone(),
            other => flow(other),
        },
    }
}

/// A text column's cell.
/// A text column's cell: the text the scenario reads from the value (a
/// number is its text as `scenario::text` reads it: `1.0` is "1").
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        other => flow(other),
    }
}

/// Words separated by spaces, or the YAML list when a word would not read
/// back as itself.
fn words(value: &Value) -> String {
    let Value::Sequence(items) = value else {
        return flow(value);
    };
    let plain: Option<Vec<String>> = items
        .iter()
        .map(|v| {
            let w = text(v);
            is_word(&w).then_some(w)
        })
        .collect();
    match plain {
        Some(w) => w.join(" "),
        None => flow(value),
    }
}

/// Whether `w` stands alone as a word of a word cell.
fn is_word(w: &str) -> bool {
    !w.is_empty()
        && !w.starts_with(['[', '{', '\'', '"'])
        && !w.chars().any(|c| c.is_whitespace() || c == ',')
}

/// A requirement in the short syntax where it can be.
fn requirement(value: &Value) -> String {
    let Value::Mapping(m) = value else {
        return text(value);
    };
    let get = |k: &str| m.get(k);
    let ids = |v: Option<&Value>| -> Option<Vec<String>> {
        let Value::Sequence(items) = v? else {
            return None;
        };
        items
            .iter()
            .map(|i| {
                let w = text(i);
                (is_word(&w) && !FAILOVER_WORDS.contains(&w.as_str())).then_some(w)
            })
            .collect()
    };
    let keys: Vec<&str> = m.keys().filter_map(Value::as_str).collect();
    if keys.len() == m.len() {
        if let (Some(Value::Number(k)), Some(of), 2) = (get("at_least"), ids(get("of")), keys.len())
        {
            if k.is_i64() && !of.is_empty() {
                return format!("{k} of {}", of.join(" "));
            }
        }
        if let Some(members) = ids(get("failover")) {
            let known = keys
                .iter()
                .all(|k| ["failover", "switchover", "lag"].contains(k));
            if known && !members.is_empty() {
                let mut s = format!("failover {}", members.join(" "));
                if let Some(v) = get("switchover") {
                    s += &format!(" after {}", write(v, Format::Dist));
                }
                if let Some(v) = get("lag") {
                    s += &format!(" lag {}", write(v, Format::Duration));
                }
                // Only where it reads back as the same value.
                if parse_requirement(&s).ok().as_ref() == Some(value) {
                    return s;
                }
            }
        }
    }
    flow(value)
}

/// `value` in YAML's flow style, on one line.
pub fn flow(value: &Value) -> String {
    let mut s = String::new();
    write_flow(&mut s, value);
    s
}

fn write_flow(s: &mut String, value: &Value) {
    match value {
        Value::Null => s.push_str("null"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => s.push_str(&n.to_string()),
        Value::String(t) => s.push_str(&scalar(t)),
        Value::Sequence(items) => {
            s.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_flow(s, v);
            }
            s.push(']');
        }
        Value::Mapping(m) => {
            s.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                write_flow(s, k);
                s.push_str(": ");
                write_flow(s, v);
            }
            s.push('}');
        }
        Value::Tagged(t) => {
            s.push_str(&t.tag.to_string());
            s.push(' ');
            write_flow(s, &t.value);
        }
    }
}

/// A string as a YAML scalar: plain where it reads back as the same
/// string in a flow collection, else double-quoted.
pub(super) fn scalar(t: &str) -> String {
    if plain(t) {
        return t.to_string();
    }
    // JSON's quoting is YAML's double-quoted style, but for characters YAML
    // takes as line breaks or refuses raw: those are escaped too.
    let json = serde_json::to_string(t).expect("a string serializes");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        let special = matches!(
            c,
            '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        );
        if special {
            out.push_str(&format!("\\u{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn plain(t: &str) -> bool {
    let ok_chars = !t.is_empty()
        && t.trim() == t
        && t.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '-' | '_'
                        | '.'
                        | '/'
                        | ' '
                        | '('
                        | ')'
                        | '+'
                        | '\''
                        | '&'
                        | ':'
                        | '%'
                        | '@'
                        | '='
                )
        })
        && !t.starts_with(['-', '&', '@', '%', '\'', ':', '='])
        && !t.contains(": ")
        && !t.ends_with(':')
        && !t.contains(" #");
    ok_chars && matches!(serde_yaml_ng::from_str::<Value>(t), Ok(Value::String(s)) if s == t)
}

// ---------------------------------------------------------------- import

/// A cell of `format` read into its YAML value (`None`: an empty cell, the
/// key left out), or what is wrong with it and how to write it.
pub(super) fn read(cell: &str, format: Format) -> Result<Option<Value>, (String, String)> {
    // Text is kept as it is (spaces and all), but for a cell of spaces.
    let untrimmed = cell;
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    let wrong = |message: String| (message, format!("write {}", format.describe()));
    let value = match format {
        Format::Text => Value::String(untrimmed.to_string()),
        Format::Words | Format::Kinds => {
            let v = read_words(cell).map_err(wrong)?;
            if format == Format::Kinds {
                check::<Vec<Kind>>(&v).map_err(wrong)?;
            }
            v
        }
        Format::Requirement => parse_requirement(cell).map_err(wrong)?,
        Format::Change => {
            if !CHANGES.contains(&cell) {
                return Err(wrong(format!("`{cell}` is not a change")));
            }
            Value::String(cell.to_string())
        }
        // Checked with the change it belongs to (see `read_change`).
        Format::ChangeValue => Value::String(cell.to_string()),
        Format::Kind | Format::Effect => {
            let v = Value::String(cell.to_string());
            if format == Format::Kind {
                check::<Kind>(&v).map_err(wrong)?;
            } else {
                check::<Effect>(&v).map_err(wrong)?;
            }
            v
        }
        Format::Duration => yaml_checked::<Hours>(cell).map_err(wrong)?,
        Format::Dist => yaml_checked::<Dist>(cell).map_err(wrong)?,
        Format::Number => yaml_checked::<f64>(cell).map_err(wrong)?,
        Format::Integer => yaml_checked::<i64>(cell).map_err(wrong)?,
        Format::Bool | Format::Presence => yaml_checked::<bool>(cell).map_err(wrong)?,
    };
    Ok(Some(value))
}

/// An option's change value, read for the change `change`.
pub(super) fn read_change(change: &str, cell: &str) -> Result<Value, (String, String)> {
    let help = || {
        if change == "remove" {
            "write the ids to remove, e.g. legacy-nas old-san".to_string()
        } else if change == "set" {
            "write the id and the keys to replace, e.g. {id: dba, size: 3}".to_string()
        } else {
            "write the items to add as a YAML list, e.g. [{id: db-standby, kind: database, site: cloud-dr}]".to_string()
        }
    };
    let cell = cell.trim();
    if cell.is_empty() {
        return Err((format!("the change `{change}` needs a value"), help()));
    }
    if change == "remove" {
        return read_words(cell).map_err(|m| (m, help()));
    }
    yaml(cell).map_err(|m| (m, help()))
}

/// Words, or a YAML list.
fn read_words(cell: &str) -> Result<Value, String> {
    if cell.starts_with('[') {
        let v = yaml(cell)?;
        return match v {
            Value::Sequence(_) => Ok(v),
            _ => Err(format!("`{cell}` is not a list")),
        };
    }
    Ok(Value::Sequence(
        cell.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(|w| Value::String(w.to_string()))
            .collect(),
    ))
}

/// A cell's YAML, bounded like a scenario file (nesting, aliases).
fn yaml(cell: &str) -> Result<Value, String> {
    crate::scenario::bounds::check(cell).map_err(|d| d.message)?;
    // Aliases repeat what they name: in cells, where every cell would
    // have its own budget, they could make small tables huge.
    for event in saphyr_parser::Parser::new_from_str(cell) {
        if let Ok((saphyr_parser::Event::Alias(_), _)) = event {
            return Err("a YAML alias (*name) in a cell: write the value out in full".into());
        }
    }
    serde_yaml_ng::from_str::<Value>(cell).map_err(|e| {
        let m = e.to_string();
        // A location inside one cell says nothing.
        match m.find(" at line ") {
            Some(at) => m[..at].to_string(),
            None => m,
        }
    })
}

/// A cell's YAML, checked to read as a `T`.
fn yaml_checked<T: for<'de> Deserialize<'de>>(cell: &str) -> Result<Value, String> {
    let v = yaml(cell)?;
    check::<T>(&v)?;
    Ok(v)
}

fn check<T: for<'de> Deserialize<'de>>(v: &Value) -> Result<(), String> {
    T::deserialize(v.clone())
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Splits a requirement cell into words, keeping `{...}` and `[...]`
/// (which may hold spaces) whole.
fn tokens(cell: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for (i, c) in cell.char_indices() {
        match c {
            '{' | '[' => {
                depth += 1;
                start.get_or_insert(i);
            }
            '}' | ']' => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| format!("`{cell}` closes a bracket it did not open"))?;
            }
            c if c.is_whitespace() && depth == 0 => {
                if let Some(s) = start.take() {
                    out.push(&cell[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if depth > 0 {
        return Err(format!("`{cell}` opens a bracket it does not close"));
    }
    if let Some(s) = start {
        out.push(&cell[s..]);
    }
    Ok(out)
}

/// A requirement cell in the short syntax (or as YAML `{...}`).
pub(super) fn parse_requirement(cell: &str) -> Result<Value, String> {
    let cell = cell.trim();
    if cell.starts_with('{') {
        let v = yaml(cell)?;
        if !v.is_mapping() {
            return Err(format!("`{cell}` is not a group"));
        }
        return Ok(v);
    }
    let t = tokens(cell)?;
    let bad = || format!("cannot read `{cell}` as a requirement");
    let ids = |words: &[&str]| -> Value {
        Value::Sequence(words.iter().map(|w| Value::String(w.to_string())).collect())
    };
    match t.as_slice() {
        [] => Err(bad()),
        [id] => {
            if id.starts_with('[') {
                return Err(bad());
            }
            Ok(Value::String(id.to_string()))
        }
        ["failover", rest @ ..] => {
            let end = rest
                .iter()
                .position(|w| FAILOVER_WORDS.contains(w))
                .unwrap_or(rest.len());
            let (members, mut tail) = rest.split_at(end);
            if members.is_empty() {
                return Err(format!(
                    "`{cell}`: a failover group needs its members, e.g. failover db-a db-b"
                ));
            }
            let mut m = Mapping::new();
            m.insert("failover".into(), ids(members));
            let mut seen = Vec::new();
            while let [word, more @ ..] = tail {
                if seen.contains(word) {
                    return Err(format!("`{cell}`: `{word}` is given twice"));
                }
                seen.push(*word);
                let [value, more @ ..] = more else {
                    return Err(format!("`{cell}`: `{word}` needs a value, e.g. {word} 15m"));
                };
                match *word {
                    "after" => m.insert("switchover".into(), yaml_checked::<Dist>(value)?),
                    "lag" => m.insert("lag".into(), yaml_checked::<Hours>(value)?),
                    _ => return Err(format!("`{cell}`: unexpected `{word}` (after the members come `after DURATION` and `lag DURATION`)")),
                };
                tail = more;
            }
            Ok(Value::Mapping(m))
        }
        [k, "of", members @ ..] => {
            let k: i64 = k
                .parse()
                .map_err(|_| format!("`{cell}`: `{k}` is not a whole number (write K of ids, e.g. 2 of app-1 app-2 app-3)"))?;
            if members.is_empty() {
                return Err(format!("`{cell}`: name the members after `of`"));
            }
            let mut m = Mapping::new();
            m.insert("at_least".into(), Value::Number(k.into()));
            m.insert("of".into(), ids(members));
            Ok(Value::Mapping(m))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(yaml: &str) -> Value {
        serde_yaml_ng::from_str(yaml).unwrap()
    }

    #[test]
    fn requirements_read_and_write_in_the_short_syntax() {
        for (cell, yaml) in [
            ("db", "db"),
            (
                "2 of app-1 app-2 app-3",
                "{at_least: 2, of: [app-1, app-2, app-3]}",
            ),
            (
                "failover db-a db-b after 15m lag 1m",
                "{failover: [db-a, db-b], switchover: 15m, lag: 1m}",
            ),
            ("failover db-a db-b", "{failover: [db-a, db-b]}"),
            (
                "failover db-a db-b lag 5s",
                "{failover: [db-a, db-b], lag: 5s}",
            ),
            (
                "failover db-a db-b after {lognormal: [5m, 30m]}",
                "{failover: [db-a, db-b], switchover: {lognormal: [5m, 30m]}}",
            ),
        ] {
            assert_eq!(parse_requirement(cell), Ok(v(yaml)), "{cell}");
            assert_eq!(write(&v(yaml), Format::Requirement), cell, "{yaml}");
        }
    }

    #[test]
    fn a_requirement_the_short_syntax_cannot_say_is_written_as_yaml() {
        // A member named like a keyword.
        let odd = v("{failover: [after, db-b], switchover: 15m}");
        let cell = write(&odd, Format::Requirement);
        assert_eq!(cell, "{failover: [after, db-b], switchover: 15m}");
        assert_eq!(parse_requirement(&cell), Ok(odd));
    }

    #[test]
    fn bad_requirements_say_what_is_wrong() {
        for (cell, says) in [
            ("two of a b", "not a whole number"),
            ("2 of", "name the members"),
            ("failover after 15m", "needs its members"),
            ("failover a b after", "needs a value"),
            ("failover a b after 15", "has no unit"),
            ("failover a b lag 1m lag 2m", "given twice"),
            ("a b c", "cannot read"),
            ("failover a {b", "does not close"),
        ] {
            let e = parse_requirement(cell).unwrap_err();
            assert!(e.contains(says), "{cell}: {e}");
        }
    }

    #[test]
    fn strings_are_plain_only_where_they_read_back() {
        for t in ["4h", "db-a", "St Aldhelm's", "A (B)"] {
            assert_eq!(scalar(t), t);
        }
        for t in [
            "true", "12", "a: b", "x, y", "", " pad", "#c", "null", "- a", "{x}", "a\nb",
        ] {
            let s = scalar(t);
            assert_ne!(s, t);
            assert_eq!(
                serde_yaml_ng::from_str::<Value>(&s).unwrap(),
                Value::String(t.into()),
                "{t}"
            );
        }
    }

    #[test]
    fn cells_are_checked_against_their_format() {
        assert_eq!(read("4h", Format::Duration), Ok(Some(v("4h"))));
        assert!(read("4", Format::Duration)
            .unwrap_err()
            .0
            .contains("no unit"));
        assert!(read("{lognormal: [2h]}", Format::Dist).is_err());
        assert!(read("databse", Format::Kind).is_err());
        assert!(read("lots", Format::Number).is_err());
        assert_eq!(read("  ", Format::Number), Ok(None));
        assert_eq!(read("a, b c", Format::Words), Ok(Some(v("[a, b, c]"))));
        assert_eq!(read("[a b, c]", Format::Words), Ok(Some(v("[a b, c]"))));
        assert_eq!(words(&v("[a b, c]")), "[a b, c]");
        assert_eq!(words(&v("[tier1, clinical]")), "tier1 clinical");
    }
}
