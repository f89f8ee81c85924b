//! Investment options (spec section 11): patches on the base scenario,
//! applied to the YAML document and validated like any scenario, with errors
//! that name the option.

use super::error::Diagnostic;
use super::model::Scenario;
use super::raw::RawScenario;
use super::units::{Hours, HOURS_PER_YEAR};
use super::validate::{fmt_number, id_is_valid, money_is_valid, unsafe_text, validate};
use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};
use std::sync::{Arc, OnceLock};

/// A validated investment option: the scenario as it would be with it.
#[derive(Debug, Clone)]
pub struct InvestmentOption {
    /// Unique among the options, named by `compare --options`.
    pub id: String,
    /// Display name for people; the id stands in when absent (see
    /// [`InvestmentOption::label`]).
    pub name: Option<String>,
    /// One-off cost, money in the scenario's currency.
    pub upfront: f64,
    /// Running cost, money in the scenario's currency per year.
    pub per_year: f64,
    /// Years over which the upfront cost is spread (5 when not given;
    /// at least a day).
    pub lifetime_years: f64,
    /// The base scenario with the option's changes applied: the base
    /// itself for an option without changes, else built on first use
    /// from `patch` (see [`InvestmentOption::scenario`]).
    pub(super) scenario: Arc<OnceLock<Arc<Scenario>>>,
    /// The base document and the option's changes, validated when loaded.
    patch: Option<Arc<Patch>>,
}

/// What an option with changes is built from: the base document (shared by
/// every option) and its own changes.
#[derive(Debug)]
struct Patch {
    doc: Arc<Mapping>,
    changes: Vec<RawChange>,
}

impl InvestmentOption {
    /// The base scenario with the option's changes applied, validated.
    /// Options are validated when the file is loaded, but an option with
    /// changes keeps only its changes until its scenario is asked for, so
    /// loading a large estate with many options holds one scenario, not
    /// one per option; built once, then shared by the option's copies.
    pub fn scenario(&self) -> &Scenario {
        self.scenario.get_or_init(|| {
            let patch = self
                .patch
                .as_ref()
                .expect("an option without changes is given the base scenario");
            Arc::new(build(&patch.doc, &patch.changes, "").expect("validated when loaded"))
        })
    }

    /// The name for people: the display name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    /// Money in the scenario's currency per year: upfront / lifetime +
    /// per_year (spec section 11).
    pub fn annual_cost(&self) -> f64 {
        self.upfront / self.lifetime_years + self.per_year
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    #[serde(deserialize_with = "super::text::string")]
    id: String,
    #[serde(default, deserialize_with = "super::text::optional")]
    name: Option<String>,
    #[serde(default)]
    cost: RawCost,
    #[serde(default)]
    lifetime: Option<Hours>,
    #[serde(default)]
    changes: Vec<RawChange>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCost {
    #[serde(default)]
    upfront: f64,
    #[serde(default)]
    per_year: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    #[serde(default)]
    add: Option<Vec<Value>>,
    #[serde(default)]
    add_teams: Option<Vec<Value>>,
    #[serde(default)]
    add_threats: Option<Vec<Value>>,
    #[serde(default)]
    add_sites: Option<Vec<Value>>,
    #[serde(default)]
    set: Option<Mapping>,
    #[serde(default, deserialize_with = "super::text::optional_list")]
    remove: Option<Vec<String>>,
}

const LISTS: [&str; 4] = ["sites", "teams", "components", "threats"];

/// The `id` of an item (or of a `set`), read as `text` reads it: an id
/// the YAML takes for a number (`id: 2024`) is its digits.
fn id_of(item: &Value) -> Option<String> {
    id_text(item.get("id")?)
}

/// An id value's text (see [`id_of`]).
fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

fn list_mut<'a>(doc: &'a mut Mapping, key: &str) -> &'a mut Vec<Value> {
    let entry = doc
        .entry(Value::String(key.to_string()))
        .or_insert_with(|| Value::Sequence(Vec::new()));
    if !entry.is_sequence() {
        *entry = Value::Sequence(Vec::new());
    }
    entry.as_sequence_mut().expect("made a sequence above")
}

/// Applies one option's changes to a copy of the document.
fn apply(doc: &Mapping, changes: &[RawChange], path: &str) -> Result<Mapping, Vec<Diagnostic>> {
    let mut doc = doc.clone();
    let mut errors = Vec::new();
    for (j, change) in changes.iter().enumerate() {
        let cp = format!("{path}.changes[{j}]");
        let forms = [
            change.add.is_some(),
            change.add_teams.is_some(),
            change.add_threats.is_some(),
            change.add_sites.is_some(),
            change.set.is_some(),
            change.remove.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count();
        if forms != 1 {
            errors.push(
                Diagnostic::new(cp.clone(), "each change has exactly one of add, add_teams, add_threats, add_sites, set, remove")
                    .help("write one change per list entry, e.g. - set: {id: dba, size: 3}"),
            );
            continue;
        }
        for (key, items) in [
            ("components", &change.add),
            ("teams", &change.add_teams),
            ("threats", &change.add_threats),
            ("sites", &change.add_sites),
        ] {
            if let Some(items) = items {
                list_mut(&mut doc, key).extend(items.iter().cloned());
            }
        }
        if let Some(set) = &change.set {
            let Some(id) = set.get("id").and_then(id_text) else {
                errors.push(
                    Diagnostic::new(
                        format!("{cp}.set"),
                        "set needs the `id` of the item to change",
                    )
                    .help("e.g. set: {id: dba, size: 3}"),
                );
                continue;
            };
            let mut found = false;
            for key in LISTS {
                for item in list_mut(&mut doc, key).iter_mut() {
                    if id_of(item).as_deref() == Some(id.as_str()) {
                        if let Some(map) = item.as_mapping_mut() {
                            for (k, v) in set {
                                if k.as_str() != Some("id") {
                                    map.insert(k.clone(), v.clone());
                                }
                            }
                            found = true;
                        }
                    }
                }
            }
            if !found {
                errors.push(
                    Diagnostic::new(format!("{cp}.set.id"), format!("no site, team, component or threat has the id `{id}`"))
                        .help("set changes an existing item; to create one use add (components), add_teams, add_threats or add_sites"),
                );
            }
        }
        if let Some(ids) = &change.remove {
            for id in ids {
                let mut found = false;
                for key in LISTS {
                    let list = list_mut(&mut doc, key);
                    let before = list.len();
                    list.retain(|item| id_of(item).as_deref() != Some(id.as_str()));
                    found |= list.len() != before;
                }
                if !found {
                    errors.push(
                        Diagnostic::new(
                            format!("{cp}.remove"),
                            format!("nothing has the id `{id}`, so it cannot be removed"),
                        )
                        .help("check the id against the base scenario"),
                    );
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(errors)
    }
}

/// Validates every option of the scenario text, whose base scenario is
/// `base` (valid): each patched scenario must be valid. Errors are
/// prefixed with the option.
///
/// An option without changes is the base scenario, shared rather than
/// copied and validated again; an option with changes costs one copy of
/// the document and one validation, freed once validated but for the
/// scenario it keeps.
pub(crate) fn load_options(
    src: &str,
    base: Scenario,
) -> Result<Vec<InvestmentOption>, Vec<Diagnostic>> {
    let base = Arc::new(base);
    let doc: Value = serde_yaml_ng::from_str(src)
        .map_err(|e| vec![Diagnostic::new("options", e.to_string())])?;
    let Some(mut doc) = doc.as_mapping().cloned() else {
        return Ok(Vec::new());
    };
    let Some(options) = doc.remove("options") else {
        return Ok(Vec::new());
    };
    let doc = Arc::new(doc);
    let options = match options {
        Value::Sequence(items) => items,
        Value::Null => return Ok(Vec::new()),
        _ => {
            return Err(vec![Diagnostic::new("options", "options must be a list")
                .help(
                    "e.g. options: [{id: standby-db, cost: {upfront: 40000}, changes: [...]}]",
                )])
        }
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, value) in options.into_iter().enumerate() {
        let path = format!("options[{i}]");
        let raw: RawOption = match serde_yaml_ng::from_value(value) {
            Ok(raw) => raw,
            Err(e) => {
                errors.push(Diagnostic::new(path, e.to_string()));
                continue;
            }
        };
        let label = format!("option `{}`", raw.id);
        if !seen.insert(raw.id.clone()) {
            errors.push(Diagnostic::new(
                format!("{path}.id"),
                format!("duplicate option id `{}`", raw.id),
            ));
        }
        if !id_is_valid(&raw.id) {
            errors.push(
                Diagnostic::new(
                    format!("{path}.id"),
                    format!("`{}` is not a valid option id", raw.id),
                )
                .help("ids use lowercase letters, digits, `-` and `_`, starting with a letter or digit, e.g. `standby-db`; put free text in `name`"),
            );
        }
        if let Some(d) = raw
            .name
            .as_deref()
            .and_then(|n| unsafe_text(&format!("{path}.name"), "name", n))
        {
            errors.push(d);
        }
        let lifetime_years = raw.lifetime.map_or(5.0, |h| h.0 / HOURS_PER_YEAR);
        if raw.lifetime.is_some_and(|h| h.0 < 24.0) {
            errors.push(
                Diagnostic::new(
                    format!("{path}.lifetime"),
                    "the lifetime must be at least 1d",
                )
                .help("the years over which the upfront cost is spread, e.g. lifetime: 5y"),
            );
        }
        for (key, v) in [
            ("upfront", raw.cost.upfront),
            ("per_year", raw.cost.per_year),
        ] {
            if !money_is_valid(v) {
                errors.push(
                    Diagnostic::new(
                        format!("{path}.cost.{key}"),
                        format!("{} is not a valid cost", fmt_number(v)),
                    )
                    .help("a non-negative number in the scenario's currency, at most 1e15"),
                );
            }
        }
        let (scenario, patch) = if raw.changes.is_empty() {
            (OnceLock::from(Arc::clone(&base)), None)
        } else {
            // Validated, then dropped: the option keeps its changes only.
            if let Err(e) = build(&doc, &raw.changes, &path) {
                errors.extend(e.into_iter().map(|d| prefix(d, &label)));
                continue;
            }
            let patch = Patch {
                doc: Arc::clone(&doc),
                changes: raw.changes,
            };
            (OnceLock::new(), Some(Arc::new(patch)))
        };
        out.push(InvestmentOption {
            id: raw.id,
            name: raw.name,
            upfront: raw.cost.upfront,
            per_year: raw.cost.per_year,
            lifetime_years,
            scenario: Arc::new(scenario),
            patch,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The base document with `changes` applied, validated; the diagnostics,
/// not yet naming the option, when it is not valid. `path` is the
/// option's key path.
fn build(doc: &Mapping, changes: &[RawChange], path: &str) -> Result<Scenario, Vec<Diagnostic>> {
    let patched = apply(doc, changes, path)?;
    let parsed: RawScenario = serde_yaml_ng::from_value(Value::Mapping(patched))
        .map_err(|e| vec![Diagnostic::new(path, e.to_string())])?;
    validate(parsed, "").map(|(scenario, _)| scenario)
}

fn prefix(mut d: Diagnostic, label: &str) -> Diagnostic {
    d.message = format!("{label}: {}", d.message);
    d.line = None;
    d.column = None;
    d
}
