//! User text: how the file's strings are read, and which characters may
//! reach a terminal. Both decisions are made here, once.
//!
//! Reading: a string field (an id, a name, a tag, a reference) accepts any
//! YAML scalar, a number or a boolean as its text (`name: 2024` is the name
//! "2024") and null as empty (`name: ~` is an empty name). It is read
//! through `deserialize_any`, which resolves a scalar the same way whether
//! the field comes from the file's text or from a YAML value an option
//! patched, so a scenario means the same with or without options.
//!
//! Printing: control characters and the bidirectional controls that can
//! reorder what a terminal shows are refused in the file (see
//! `validate/text.rs`), and escaped (`\u{1b}`) in anything else printed
//! (error messages echo command-line arguments and unknown keys).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// A string field's text; see the module documentation.
struct Text(String);

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Text;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
        Ok(Text(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(String::new()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Text, E> {
        Ok(Text(String::new()))
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TextVisitor)
    }
}

/// A required string field (null is empty).
pub(super) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Text::deserialize(d).map(|t| t.0)
}

/// An optional string field (null is absent).
pub(super) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::<Text>::deserialize(d).map(|t| t.map(|t| t.0))
}

/// A list of strings.
pub(super) fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Vec::<Text>::deserialize(d).map(|l| l.into_iter().map(|t| t.0).collect())
}

/// An optional list of strings.
pub(super) fn optional_list<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    Option::<Vec<Text>>::deserialize(d).map(|l| l.map(|l| l.into_iter().map(|t| t.0).collect()))
}

/// Can `c` change what a terminal shows beyond printing a glyph: a control
/// character (C0, DEL, C1: escape sequences, carriage return, bell) or a
/// bidirectional embedding, override or isolate (which reorder the text
/// around them: the "Trojan Source" characters).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every character [`is_unsafe_char`] finds written as a Rust
/// escape (`\u{1b}`), except newlines and tabs when `layout` is true (for a
/// message that uses them to lay itself out). Borrowed when nothing changes.
pub fn escape_unsafe(text: &str, layout: bool) -> Cow<'_, str> {
    let keep = |c: char| layout && (c == '\n' || c == '\t');
    if !text.chars().any(|c| is_unsafe_char(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) && !keep(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a CSV cell that a spreadsheet opens: text a spreadsheet would
/// run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'`, as OWASP advises against CSV
/// injection, so `=HYPERLINK(...)` in a name stays text. Text that starts
/// with `'` gets one too, so that [`undefused`] gives back every text as
/// it was.
pub fn defused(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV cell's text without the one leading `'` that [`defused`] adds
/// (and that spreadsheets take to mark a cell as text).
pub fn undefused(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// `text` for a YAML comment line that drsim writes (the name of a file
/// it read from, a label): every character a terminal would take for
/// control, and every one YAML or its readers may take for a line break
/// (U+0085, U+2028, U+2029) or a byte-order mark, written as an escape, so
/// that the text cannot end the comment and become keys.
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_unsafe_char(c) || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The first character of `text` that may not be in it: any character
/// [`is_unsafe_char`] finds, except newlines and tabs in `multiline` text
/// (a description).
pub(super) fn first_unsafe(text: &str, multiline: bool) -> Option<char> {
    text.chars()
        .find(|&c| is_unsafe_char(c) && !(multiline && (c == '\n' || c == '\t')))
}

/// How a message names an unsafe character: `U+001B (escape)`.
pub(super) fn describe(c: char) -> String {
    let what = match c {
        '\n' => " (newline)",
        '\r' => " (carriage return)",
        '\t' => " (tab)",
        '\u{1b}' => " (escape)",
        '\u{7}' => " (bell)",
        '\u{8}' => " (backspace)",
        '\0' => " (null)",
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => " (a bidirectional text control)",
        _ => "",
    };
    format!("U+{:04X}{what}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_but_keeps_layout_when_asked() {
        assert_eq!(escape_unsafe("a\u{1b}[2Jb", true), "a\\u{1b}[2Jb");
        assert_eq!(escape_unsafe("a\nb\tc", true), "a\nb\tc");
        assert_eq!(escape_unsafe("a\nb", false), "a\\u{a}b");
        assert_eq!(
            escape_unsafe("x\u{202e}y\u{2066}", true),
            "x\\u{202e}y\\u{2066}"
        );
        assert_eq!(escape_unsafe("\r", true), "\\u{d}");
        assert!(matches!(
            escape_unsafe("plain £ text", true),
            Cow::Borrowed(_)
        ));
        assert_eq!(describe('\u{1b}'), "U+001B (escape)");
    }

    #[test]
    fn defusing_is_undone_exactly() {
        for t in [
            "=1+1", "+x", "-5", "@a", "\tx", "'quoted", "''", "plain", "",
        ] {
            assert_eq!(undefused(&defused(t)), t);
            assert!(!defused(t).starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
        assert_eq!(defused("plain"), "plain");
    }
}
