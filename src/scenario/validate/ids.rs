//! Ids: each well formed and defined once across sites, teams, components
//! and threats, and every reference resolved to the right kind of thing.
//! The teams' sizes are checked here too, as each team is registered.

use super::locate::is_id_char;
use super::{id_is_valid, Validator};
use crate::scenario::error::{suggest, suggestion, Diagnostic};
use crate::scenario::raw::{RawComponent, RawScenario, RawSite, RawTeam, RawThreat};

/// What an id names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum IdKind {
    Site(usize),
    Team(usize),
    Component(usize),
    Threat(usize),
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::Site(_) => "a site",
            IdKind::Team(_) => "a team",
            IdKind::Component(_) => "a component",
            IdKind::Threat(_) => "a threat",
        }
    }
}

/// The kinds of thing a reference may name.
#[derive(Clone, Copy)]
pub(super) enum Ref {
    Site,
    Team,
    Component,
}

impl Ref {
    fn noun(self) -> &'static str {
        match self {
            Ref::Site => "site",
            Ref::Team => "team",
            Ref::Component => "component",
        }
    }

    /// The index of what `kind` names, if it is this kind of thing.
    fn index(self, kind: IdKind) -> Option<usize> {
        match (self, kind) {
            (Ref::Site, IdKind::Site(i))
            | (Ref::Team, IdKind::Team(i))
            | (Ref::Component, IdKind::Component(i)) => Some(i),
            _ => None,
        }
    }
}

/// The ids of each kind a reference may name, in file order.
#[derive(Default)]
pub(super) struct Known<'a> {
    sites: Vec<&'a str>,
    teams: Vec<&'a str>,
    components: Vec<&'a str>,
}

impl<'a> Known<'a> {
    pub(super) fn new(raw: &'a RawScenario) -> Self {
        Known {
            sites: raw.sites.iter().map(|s| s.id.as_str()).collect(),
            teams: raw.teams.iter().map(|t| t.id.as_str()).collect(),
            components: raw.components.iter().map(|c| c.id.as_str()).collect(),
        }
    }

    fn of(&self, want: Ref) -> &[&'a str] {
        match want {
            Ref::Site => &self.sites,
            Ref::Team => &self.teams,
            Ref::Component => &self.components,
        }
    }
}

/// Unknown ids for which a close known id is looked for; past this, errors
/// list known ids without comparing (each comparison scans every id).
const MAX_SUGGESTIONS: usize = 100;

/// Known ids listed in an error when none is close to an unknown one.
const MAX_LISTED: usize = 12;

impl Validator<'_> {
    pub(super) fn sites(&mut self, sites: &[RawSite]) {
        for (i, s) in sites.iter().enumerate() {
            self.register(&format!("sites[{i}]"), &s.id, IdKind::Site(i));
        }
    }

    /// Registers each team's id and checks its size.
    pub(super) fn teams(&mut self, teams: &[RawTeam]) {
        for (i, t) in teams.iter().enumerate() {
            self.register(&format!("teams[{i}]"), &t.id, IdKind::Team(i));
            self.team_size(i, t);
        }
    }

    /// Checks the size of team `i`: at least one person.
    pub(super) fn team_size(&mut self, i: usize, t: &RawTeam) {
        if t.size == 0 {
            self.error(
                Some(&t.id),
                None,
                Diagnostic::new(
                    format!("teams[{i}].size"),
                    format!("team `{}` has size 0 and could never repair anything", t.id),
                )
                .help("a team needs at least one person: size: 1"),
            );
        }
    }

    pub(super) fn component_ids(&mut self, components: &[RawComponent]) {
        for (i, c) in components.iter().enumerate() {
            self.register(&format!("components[{i}]"), &c.id, IdKind::Component(i));
        }
    }

    pub(super) fn threat_ids(&mut self, threats: &[RawThreat]) {
        for (i, t) in threats.iter().enumerate() {
            self.register(&format!("threats[{i}]"), &t.id, IdKind::Threat(i));
        }
    }

    fn check_id(&mut self, path: &str, id: &str) {
        if id_is_valid(id) {
            return;
        }
        let fixed: String = id
            .to_ascii_lowercase()
            .chars()
            .map(|c| if is_id_char(c) { c } else { '-' })
            .collect();
        self.error(
            Some(id),
            None,
            Diagnostic::new(format!("{path}.id"), format!("`{id}` is not a valid id"))
                .help(format!(
                    "ids use lowercase letters, digits, `-` and `_`, starting with a letter or digit, e.g. `{}`; put free text in `name`",
                    fixed.trim_start_matches(['-', '_'])
                )),
        );
    }

    fn register(&mut self, path: &str, id: &str, kind: IdKind) {
        self.check_id(path, id);
        let Some(prev) = self.ids.get(id) else {
            self.ids.insert(id.to_string(), kind);
            return;
        };
        let d = Diagnostic::new(
            format!("{path}.id"),
            format!("duplicate id `{id}`: it already names {}", prev.noun()),
        )
        .help("ids must be unique across sites, teams, components and threats");
        // The line of this definition: the n-th `id: <id>` for the
        // (n-1)-th repeat (a comment naming the id does not count).
        let repeat = self.repeats.entry(id.to_string()).or_insert(0);
        *repeat += 1;
        let line = self.loc.nth_id_line(id, *repeat).map(|i| i + 1);
        self.errors.push(d.at(line, None));
    }

    /// Resolves a reference, in the item with id `owner`, that must name a
    /// `want` kind of thing.
    pub(super) fn resolve(
        &mut self,
        owner: &str,
        path: &str,
        id: &str,
        want: Ref,
    ) -> Option<usize> {
        let noun = want.noun();
        let Some(kind) = self.ids.get(id).copied() else {
            let help = self.unknown_help(want, id);
            let d = Diagnostic::new(path, format!("unknown {noun} `{id}`")).help(help);
            self.error(Some(owner), Some(id), d);
            return None;
        };
        if let Some(i) = want.index(kind) {
            return Some(i);
        }
        self.error(
            Some(owner),
            Some(id),
            Diagnostic::new(path, format!("`{id}` is {}, not {noun}", kind.noun()))
                .help(format!("name {noun} here")),
        );
        None
    }

    /// Help for an unknown `want` id: the closest known id, else the
    /// known ids (or that there are none).
    fn unknown_help(&mut self, want: Ref, id: &str) -> String {
        let noun = want.noun();
        if let Some(s) = self.suggestion(want, id) {
            return suggestion(&s);
        }
        let candidates = self.known.of(want);
        if candidates.is_empty() {
            return format!("the scenario defines no {noun}s");
        }
        let listed: Vec<String> = candidates
            .iter()
            .take(MAX_LISTED)
            .map(|c| format!("`{c}`"))
            .collect();
        format!("known {noun}s: {}", listed.join(", "))
    }

    /// The known `want` id closest to `id`, if one is close enough and
    /// fewer than [`MAX_SUGGESTIONS`] unknown ids have been looked up.
    fn suggestion(&mut self, want: Ref, id: &str) -> Option<String> {
        let key = (want.noun(), id.to_string());
        if let Some(known) = self.suggestions.get(&key) {
            return known.clone();
        }
        if self.suggestions.len() >= MAX_SUGGESTIONS {
            return None;
        }
        let found = suggest(id, self.known.of(want).iter().copied()).map(str::to_string);
        self.suggestions.insert(key, found.clone());
        found
    }
}
