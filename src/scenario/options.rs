//! Investment options (spec section 11): patches on the base scenario,
//! applied to the YAML document and validated like any scenario, with errors
//! that name the option. An option is checked from its changes alone where
//! that suffices (`validate::patch`), so checking many options on a large
//! estate does not cost the whole scenario per option; where it does not
//! (an error, or a removal others depend on), the patched document is
//! validated in full, within [`MAX_OPTION_CHECK_ITEMS`].

use super::error::Diagnostic;
use super::model::Scenario;
use super::raw::RawScenario;
use super::units::{Hours, HOURS_PER_YEAR};
use super::validate::{
    fmt_number, id_is_valid, money_is_valid, unsafe_text, validate, Edit, Edited, Index, List,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_yaml_ng::{Mapping, Value};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The most work checking a file's options may take, counted in items
/// (sites, teams, components and threats) validated: an option checked
/// from its changes alone counts the components its cycle search visits,
/// one validated against the whole patched scenario counts every item of
/// the scenario. Past it the file is refused: a file of many options on a
/// large estate, each needing the whole scenario validated, would
/// otherwise take hours.
pub const MAX_OPTION_CHECK_ITEMS: u64 = 200_000;

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
            let mut s = build(&patch.doc, &patch.changes, "").expect("validated when loaded");
            s.options_applied = vec![self.id.clone()];
            Arc::new(s)
        })
    }

    /// A free "option" that is another version of the scenario (the same
    /// estate with other estimates, as calibration makes): comparing it
    /// with the base measures what the difference changes, on common
    /// random numbers.
    pub fn variant(id: &str, name: &str, scenario: Scenario) -> InvestmentOption {
        let mut scenario = scenario;
        scenario.options_applied = vec![id.to_string()];
        InvestmentOption {
            id: id.to_string(),
            name: Some(name.to_string()),
            upfront: 0.0,
            per_year: 0.0,
            lifetime_years: 5.0,
            scenario: Arc::new(OnceLock::from(Arc::new(scenario))),
            patch: None,
        }
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

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Option")]
pub(super) struct RawOption {
    #[serde(deserialize_with = "super::text::string")]
    #[schemars(with = "super::schema::Text")]
    /// Unique id among the options.
    id: String,
    #[serde(default, deserialize_with = "super::text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    /// Display name.
    name: Option<String>,
    /// What it costs, in the scenario's currency.
    #[serde(default)]
    cost: RawCost,
    /// Spreads the upfront cost (default 5y).
    #[serde(default)]
    lifetime: Option<Hours>,
    /// The changes it makes to the scenario, in order.
    #[serde(default)]
    changes: Vec<RawChange>,
}

#[derive(Debug, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Cost")]
struct RawCost {
    /// Paid once, spread over the lifetime.
    #[serde(default)]
    upfront: f64,
    /// Paid every year.
    #[serde(default)]
    per_year: f64,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
#[schemars(rename = "Change")]
struct RawChange {
    /// Components to add.
    #[serde(default)]
    #[schemars(with = "Option<Vec<super::raw::RawComponent>>")]
    add: Option<Vec<Value>>,
    /// Teams to add.
    #[serde(default)]
    #[schemars(with = "Option<Vec<super::raw::RawTeam>>")]
    add_teams: Option<Vec<Value>>,
    /// Threats to add.
    #[serde(default)]
    #[schemars(with = "Option<Vec<super::raw::RawThreat>>")]
    add_threats: Option<Vec<Value>>,
    /// Sites to add.
    #[serde(default)]
    #[schemars(with = "Option<Vec<super::raw::RawSite>>")]
    add_sites: Option<Vec<Value>>,
    /// Replace keys of the component, team, threat or site with this id.
    #[serde(default)]
    #[schemars(with = "Option<super::schema::SetItem>")]
    set: Option<Mapping>,
    /// Ids of components, teams, threats or sites to remove.
    #[serde(default, deserialize_with = "super::text::optional_list")]
    #[schemars(with = "Option<Vec<super::schema::Text>>")]
    remove: Option<Vec<String>>,
}

impl RawChange {
    /// How many of the forms of a change (add, ..., remove) this one has:
    /// it must have one.
    fn forms(&self) -> usize {
        [
            self.add.is_some(),
            self.add_teams.is_some(),
            self.add_threats.is_some(),
            self.add_sites.is_some(),
            self.set.is_some(),
            self.remove.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
    }

    /// The items the change adds, with the list (an index in [`LISTS`])
    /// they go to.
    fn additions(&self) -> [(usize, &Option<Vec<Value>>); 4] {
        [
            (2, &self.add),
            (1, &self.add_teams),
            (3, &self.add_threats),
            (0, &self.add_sites),
        ]
    }
}

/// The lists of items, in the order of [`List::ALL`].
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

/// Writes the keys of a `set` but its `id` into an item.
fn set_keys(item: &mut Mapping, set: &Mapping) {
    for (k, v) in set {
        if k.as_str() != Some("id") {
            item.insert(k.clone(), v.clone());
        }
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
        if change.forms() != 1 {
            errors.push(
                Diagnostic::new(cp.clone(), "each change has exactly one of add, add_teams, add_threats, add_sites, set, remove")
                    .help("write one change per list entry, e.g. - set: {id: dba, size: 3}"),
            );
            continue;
        }
        for (list, items) in change.additions() {
            if let Some(items) = items {
                list_mut(&mut doc, LISTS[list]).extend(items.iter().cloned());
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
                            set_keys(map, set);
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
/// copied and validated again. An option with changes is checked from its
/// changes alone where that suffices (`validate::patch`), else validated
/// in full: a copy of the document, patched and validated, freed once
/// validated. Either way it keeps only its changes.
pub(crate) fn load_options(
    src: &str,
    base: Scenario,
) -> Result<Vec<InvestmentOption>, Vec<Diagnostic>> {
    load_options_with(src, base, Check::FromChanges)
}

/// How options with changes are validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Check {
    /// From their changes where that suffices, in full where it does not,
    /// within [`MAX_OPTION_CHECK_ITEMS`].
    FromChanges,
    /// Each patched scenario in full, without a limit: what `FromChanges`
    /// must agree with (the tests compare them).
    #[cfg_attr(not(test), allow(dead_code))]
    Full,
}

/// [`load_options`], validating options with changes as `check` says.
pub(super) fn load_options_with(
    src: &str,
    base: Scenario,
    check: Check,
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
    // Indexed when the first option with changes needs it.
    let mut indexed: Option<Option<Base>> = None;
    let mut work = Work::default();
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
            let clean = check == Check::FromChanges && {
                let indexed = indexed.get_or_insert_with(|| Base::new(&doc));
                indexed.as_ref().is_some_and(|b| {
                    let edit = b.edit(&doc, &raw.changes);
                    edit.is_some_and(|edit| b.index.is_clean(&edit, &mut work.items))
                })
            };
            if !clean {
                work.full += 1;
                work.items += items_in(&doc) as u64;
            }
            if check == Check::FromChanges && work.items > MAX_OPTION_CHECK_ITEMS {
                errors.push(work.too_much(&path, &raw.id, items_in(&doc)));
                break;
            }
            // Validated, then dropped: the option keeps its changes only.
            if !clean {
                if let Err(e) = build(&doc, &raw.changes, &path) {
                    errors.extend(e.into_iter().map(|d| prefix(d, &label)));
                    continue;
                }
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

/// The work of checking a file's options so far.
#[derive(Debug, Default)]
struct Work {
    /// Options validated in full.
    full: usize,
    /// Items gone through (see [`MAX_OPTION_CHECK_ITEMS`]).
    items: u64,
}

impl Work {
    /// The error when the work passes [`MAX_OPTION_CHECK_ITEMS`] at the
    /// option at `path`; `items` is the size of the scenario.
    fn too_much(&self, path: &str, id: &str, items: usize) -> Diagnostic {
        Diagnostic::new(
            path,
            format!(
                "option `{id}`: the options need too much checking: up to this one, {} had to be validated against the whole scenario ({items} sites, teams, components and threats each), and the checks went through {} items, past drsim's limit of {MAX_OPTION_CHECK_ITEMS}",
                self.full, self.items
            ),
        )
        .help("an option is validated against the whole scenario when it has an error or removes something other items name: fix the errors reported above, or split the options across several files, each with the base scenario and some of the options")
    }
}

/// Sites, teams, components and threats in the document.
fn items_in(doc: &Mapping) -> usize {
    LISTS
        .iter()
        .filter_map(|key| doc.get(*key).and_then(Value::as_sequence))
        .map(Vec::len)
        .sum()
}

/// The base document indexed once, so that an option's changes can be
/// applied without copying it and checked from themselves.
struct Base {
    /// The items `set` and `remove` find, by their id as [`id_of`] reads
    /// it: the list (an index in [`LISTS`]) and the index in it.
    by_id: std::collections::HashMap<String, (usize, usize)>,
    /// The base, read and validated as an option's patched scenario is.
    index: Index,
}

impl Base {
    /// The index of the base document, or `None` if the document does not
    /// read as a valid scenario the way a patched one is read (from the
    /// YAML value), or its ids are not each on one item: then every option
    /// is validated in full.
    fn new(doc: &Mapping) -> Option<Base> {
        let raw: RawScenario = serde_yaml_ng::from_value(Value::Mapping(doc.clone())).ok()?;
        let index = Index::new(raw)?;
        let mut by_id = std::collections::HashMap::new();
        for (l, list) in List::ALL.into_iter().enumerate() {
            let items = doc.get(LISTS[l]).and_then(Value::as_sequence);
            let items = items.map_or(&[][..], Vec::as_slice);
            if index.id(list, items.len()).is_some() {
                return None;
            }
            for (i, item) in items.iter().enumerate() {
                let Some(id) = id_of(item) else {
                    continue;
                };
                if index.id(list, i) != Some(id.as_str()) || by_id.insert(id, (l, i)).is_some() {
                    return None;
                }
            }
        }
        Some(Base { by_id, index })
    }

    /// Item `i` of list `l` (an index in [`LISTS`]) in the document.
    fn item(doc: &Mapping, l: usize, i: usize) -> &Value {
        let items = doc.get(LISTS[l]).and_then(Value::as_sequence);
        &items.expect("indexed from this document")[i]
    }

    /// An option's changes applied as [`apply`] applies them, but to the
    /// items they touch rather than to a copy of the document, and read:
    /// the base items changed or removed, the items added. `None` when
    /// `apply` reports an error or a changed or added item does not read
    /// (the option is then validated in full, which reports it).
    fn edit(&self, doc: &Mapping, changes: &[RawChange]) -> Option<Edit> {
        // Base items changed (`Some`) or removed (`None`), by list and index.
        let mut changed: BTreeMap<(usize, usize), Option<Value>> = BTreeMap::new();
        let mut added: [Vec<Value>; 4] = Default::default();
        for change in changes {
            if change.forms() != 1 {
                return None;
            }
            for (list, items) in change.additions() {
                if let Some(items) = items {
                    added[list].extend(items.iter().cloned());
                }
            }
            if let Some(set) = &change.set {
                let id = set.get("id").and_then(id_text)?;
                let mut found = false;
                if let Some(&(l, i)) = self.by_id.get(&id) {
                    let item = match changed.entry((l, i)) {
                        Entry::Occupied(e) => e.into_mut().as_mut(),
                        Entry::Vacant(e) => e.insert(Some(Self::item(doc, l, i).clone())).as_mut(),
                    };
                    if let Some(map) = item.and_then(Value::as_mapping_mut) {
                        set_keys(map, set);
                        found = true;
                    }
                }
                for item in added.iter_mut().flatten() {
                    if id_of(item).as_deref() == Some(id.as_str()) {
                        if let Some(map) = item.as_mapping_mut() {
                            set_keys(map, set);
                            found = true;
                        }
                    }
                }
                if !found {
                    return None;
                }
            }
            for id in change.remove.iter().flatten() {
                let mut found = false;
                if let Some(&(l, i)) = self.by_id.get(id) {
                    let item = changed.entry((l, i)).or_insert(Some(Value::Null));
                    found = item.take().is_some();
                }
                for list in &mut added {
                    let before = list.len();
                    list.retain(|item| id_of(item).as_deref() != Some(id.as_str()));
                    found |= list.len() != before;
                }
                if !found {
                    return None;
                }
            }
        }
        let mut edit = Edit::default();
        for ((l, i), item) in changed {
            let list = List::ALL[l];
            let Some(item) = item else {
                edit.removed.insert((list, i));
                continue;
            };
            match list {
                List::Sites => edit.sites.changed.push((i, read(item)?)),
                List::Teams => edit.teams.changed.push((i, read(item)?)),
                List::Components => edit.components.changed.push((i, read(item)?)),
                List::Threats => edit.threats.changed.push((i, read(item)?)),
            }
        }
        let [sites, teams, components, threats] = added;
        read_added(&mut edit.sites, sites)?;
        read_added(&mut edit.teams, teams)?;
        read_added(&mut edit.components, components)?;
        read_added(&mut edit.threats, threats)?;
        Some(edit)
    }
}

/// An item of the document read as the whole document is read.
fn read<T: DeserializeOwned>(item: Value) -> Option<T> {
    serde_yaml_ng::from_value(item).ok()
}

/// Reads `items` into `edited`'s added items.
fn read_added<T: DeserializeOwned>(edited: &mut Edited<T>, items: Vec<Value>) -> Option<()> {
    for item in items {
        edited.added.push(read(item)?);
    }
    Some(())
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

#[path = "combine.rs"]
mod combine;
pub use combine::{combined, exclusive};

#[cfg(test)]
#[path = "options_tests.rs"]
mod tests;
