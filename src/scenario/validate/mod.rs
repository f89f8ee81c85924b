//! Second stage of loading: cross-references, ranges and the acyclic graph.
//! Collects every problem rather than stopping at the first.
//!
//! [`validate`] runs one `Validator` method per section, in this order,
//! which is the order of the diagnostics:
//! 1. `header`: the name, the horizon, that there are components; then
//!    `text`: no control characters in names, tags and the description;
//! 2. `ids`: the ids of sites, teams (and their sizes), components and
//!    threats, each well formed and defined once;
//! 3. `components`: each component's site, team, dependencies (`depends`),
//!    failures, backups, impact and recovery targets;
//! 4. `threats`: each threat's frequency, chance, selectors and effect;
//! 5. `checks`: components that can go down with no time to come back;
//! 6. `tolerance`: the risk tolerance points;
//! 7. `checks`: dependency cycles (`cycle`), then that there is a service.
//!
//! Investment options are validated in `options`: `patch` decides from an
//! option's changes alone that its patched scenario is valid, and when it
//! cannot, the patched scenario goes through [`validate`] again. `locate`
//! finds the lines errors point at.

mod checks;
mod components;
mod cycle;
mod depends;
mod header;
mod ids;
mod locate;
mod patch;
mod text;
mod threats;
mod tolerance;

use cycle::find_cycle;
pub(crate) use patch::{Edit, Edited, Index, List};
pub(crate) use text::unsafe_text;

use super::error::Diagnostic;
use super::model::*;
use super::raw::*;
use super::HOURS_PER_YEAR;
use checks::Reach;
use ids::{IdKind, Known};
use locate::Locator;

use std::collections::HashMap;

/// The longest horizon simulated, in hours (1000 years).
pub const MAX_HORIZON_HOURS: f64 = 1000.0 * HOURS_PER_YEAR;
/// The shortest mean interval between a component's failures or a threat's
/// events, in hours (one minute): simulated time must move on.
const MIN_INTERVAL_HOURS: f64 = 1.0 / 60.0;
/// The most events a year a threat may have (once a minute).
const MAX_PER_YEAR: f64 = 525_600.0;
/// The largest amount of money accepted in one field (a thousand
/// trillion): totals over a run stay finite.
const MAX_MONEY: f64 = 1e15;

/// Ids use lowercase letters, digits, `-` and `_`, starting with a letter or
/// digit.
pub(crate) fn id_is_valid(id: &str) -> bool {
    id.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// A number as written in a message: plain, or in e-notation when huge.
pub(crate) fn fmt_number(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e15 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Is `value` a non-negative, finite amount no larger than [`MAX_MONEY`]
/// (1e15): what any amount of money in a scenario, and a command's
/// (`compare --budget`), may be.
pub fn money_is_valid(value: f64) -> bool {
    value.is_finite() && (0.0..=MAX_MONEY).contains(&value)
}

/// Validates a parsed scenario. Returns the scenario and its warnings, or
/// every error found.
pub(super) fn validate(
    raw: RawScenario,
    src: &str,
) -> Result<(Scenario, Vec<Diagnostic>), Vec<Diagnostic>> {
    let checked = Validator::new(&raw, src).run(&raw)?;
    Ok(checked.into_scenario(raw))
}

/// A problem found by a check that does not know where it is: the word to
/// point at in the item, and the diagnostic.
type Problem = (&'static str, Diagnostic);

/// Checks a scenario section by section, collecting every error and warning.
struct Validator<'a> {
    loc: Locator<'a>,
    /// Every id defined so far, and what it names.
    ids: HashMap<String, IdKind>,
    /// The ids that references may name, offered when one names nothing.
    known: Known<'a>,
    /// Suggestions already worked out, by noun and unknown id: a file that
    /// names one missing id many times compares it with the ids once.
    suggestions: HashMap<(&'static str, String), Option<String>>,
    /// How many times each id has been defined again.
    repeats: HashMap<String, usize>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

/// What the sections made of a scenario without errors.
struct Checked {
    horizon: f64,
    components: Vec<Component>,
    threats: Vec<Threat>,
    risk_tolerance: Vec<TolerancePoint>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Validator<'a> {
    fn new(raw: &'a RawScenario, src: &'a str) -> Self {
        Validator {
            loc: Locator::new(src),
            ids: HashMap::new(),
            known: Known::new(raw),
            suggestions: HashMap::new(),
            repeats: HashMap::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A validator for checking items on their own (see `patch`): it knows
    /// the ids in `ids` and no source text, so its errors have no lines.
    fn scratch(ids: HashMap<String, IdKind>) -> Validator<'static> {
        Validator {
            loc: Locator::new(""),
            ids,
            known: Known::default(),
            suggestions: HashMap::new(),
            repeats: HashMap::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Checks every section, in the order of the diagnostics.
    fn run(mut self, raw: &RawScenario) -> Result<Checked, Vec<Diagnostic>> {
        let horizon = self.header(raw);
        self.texts(raw);
        self.sites(&raw.sites);
        self.teams(&raw.teams);
        self.component_ids(&raw.components);
        self.threat_ids(&raw.threats);
        let mut reach = Reach::new(raw.components.len());
        let components = self.components(&raw.components, &mut reach);
        let threats = self.threats(&raw.threats, &components, &mut reach);
        self.repair_times(&components, &threats, &reach);
        let risk_tolerance = self.tolerance(&raw.risk_tolerance);
        self.cycles(&components);
        self.services(&components);
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Checked {
            horizon,
            components,
            threats,
            risk_tolerance,
            warnings: self.warnings,
        })
    }

    /// An error, located at `token` in the item with id `owner` (or at the
    /// item, or nowhere).
    fn error(&mut self, owner: Option<&str>, token: Option<&str>, d: Diagnostic) {
        let (line, col) = match owner {
            Some(owner) => self.loc.locate(owner, token),
            None => (None, None),
        };
        self.errors.push(d.at(line, col));
    }

    /// An error in the top-level `key`, located at its line.
    fn header_error(&mut self, key: &str, d: Diagnostic) {
        let line = self.loc.top_level(key);
        self.errors.push(d.at(line, None));
    }

    /// A warning, located at the item with id `owner`.
    fn warn(&mut self, owner: Option<&str>, d: Diagnostic) {
        let (line, col) = match owner {
            Some(owner) => self.loc.locate(owner, None),
            None => (None, None),
        };
        self.warnings.push(d.at(line, col));
    }

    /// The value of a check, or `None` after reporting its problem in the
    /// item with id `owner`.
    fn report<T>(&mut self, owner: &str, checked: Result<T, Problem>) -> Option<T> {
        match checked {
            Ok(value) => Some(value),
            Err((token, d)) => {
                self.error(Some(owner), Some(token), d);
                None
            }
        }
    }
}

impl Checked {
    fn into_scenario(self, raw: RawScenario) -> (Scenario, Vec<Diagnostic>) {
        let sites = raw.sites.into_iter().map(|s| Site {
            id: s.id,
            name: s.name,
            region: s.region,
        });
        let teams = raw.teams.into_iter().map(|t| Team {
            id: t.id,
            name: t.name,
            size: t.size,
        });
        let scenario = Scenario {
            name: raw.name,
            description: raw.description,
            currency: raw.currency.unwrap_or_else(|| "GBP".into()),
            horizon: self.horizon,
            sites: sites.collect(),
            teams: teams.collect(),
            components: self.components,
            threats: self.threats,
            risk_tolerance: self.risk_tolerance,
            options_applied: Vec::new(),
        };
        (scenario, self.warnings)
    }
}
