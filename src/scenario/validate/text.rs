//! Free text: names, tags, regions and the description hold no control
//! characters or bidirectional controls, which would reach the terminal
//! (and the reports) when they are printed. Ids are restricted in `ids`,
//! the currency in `header`.

use super::Validator;
use crate::scenario::error::Diagnostic;
use crate::scenario::raw::{RawComponent, RawScenario, RawSite, RawTeam, RawThreat};
use crate::scenario::text::{describe, first_unsafe};

/// The error for `text` at `path`, if it holds a character it may not: a
/// `what` ("name", "tag", ...) is one line, a description may hold newlines
/// and tabs.
pub(crate) fn unsafe_text(path: &str, what: &str, text: &str) -> Option<Diagnostic> {
    let multiline = what == "description";
    let c = first_unsafe(text, multiline)?;
    let help = if multiline {
        "a description may hold line breaks and tabs but no other control characters: remove it"
            .to_string()
    } else {
        format!("a {what} is one line of plain text: remove the character (in double quotes, YAML turns escapes such as \"\\e\", \"\\r\" and \"\\n\" into one)")
    };
    Some(
        Diagnostic::new(
            path,
            format!(
                "the {what} contains {}, which could rewrite the terminal or report it is shown in",
                describe(c)
            ),
        )
        .help(help),
    )
}

impl Validator<'_> {
    /// Checks every free-text field of the file.
    pub(super) fn texts(&mut self, raw: &RawScenario) {
        for (key, text) in [
            ("name", Some(&raw.name)),
            ("description", raw.description.as_ref()),
        ] {
            if let Some(d) = text.and_then(|t| unsafe_text(key, key, t)) {
                self.header_error(key, d);
            }
        }
        for (i, s) in raw.sites.iter().enumerate() {
            self.site_texts(i, s);
        }
        for (i, t) in raw.teams.iter().enumerate() {
            self.team_texts(i, t);
        }
        for (i, c) in raw.components.iter().enumerate() {
            self.component_texts(i, c);
        }
        for (i, t) in raw.threats.iter().enumerate() {
            self.threat_texts(i, t);
        }
    }

    /// Checks the name and region of site `i`.
    pub(super) fn site_texts(&mut self, i: usize, s: &RawSite) {
        let p = format!("sites[{i}]");
        self.text(&s.id, &p, "name", s.name.as_deref());
        self.text(&s.id, &p, "region", s.region.as_deref());
    }

    /// Checks the name of team `i`.
    pub(super) fn team_texts(&mut self, i: usize, t: &RawTeam) {
        self.text(&t.id, &format!("teams[{i}]"), "name", t.name.as_deref());
    }

    /// Checks the name and tags of component `i`.
    pub(super) fn component_texts(&mut self, i: usize, c: &RawComponent) {
        let p = format!("components[{i}]");
        self.text(&c.id, &p, "name", c.name.as_deref());
        for (j, tag) in c.tags.iter().enumerate() {
            if let Some(d) = unsafe_text(&format!("{p}.tags[{j}]"), "tag", tag) {
                self.error(Some(&c.id), Some("tags"), d);
            }
        }
    }

    /// Checks the name of threat `i`.
    pub(super) fn threat_texts(&mut self, i: usize, t: &RawThreat) {
        self.text(&t.id, &format!("threats[{i}]"), "name", t.name.as_deref());
    }

    /// Checks the `key` of the item with id `owner` at `path`.
    fn text(&mut self, owner: &str, path: &str, key: &str, text: Option<&str>) {
        if let Some(d) = text.and_then(|t| unsafe_text(&format!("{path}.{key}"), key, t)) {
            self.error(Some(owner), Some(key), d);
        }
    }
}
