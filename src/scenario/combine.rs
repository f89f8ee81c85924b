//! Options applied together: which pairs cannot be, and the scenario of a
//! set that can.
//!
//! Two options are **mutually exclusive** when their changes touch the
//! same thing: both `set` the same key of the same item, one removes an
//! item the other changes, adds or removes, or both add items with the
//! same id. Either would silently undo the other's change (the later
//! `set` wins), so the pair is never applied together. A set of options
//! none of which exclude each other is applied in file order and validated
//! like any scenario: a set whose patched scenario is not valid (one
//! option removes what another's new item depends on) cannot be applied
//! together either, and the validation error says why.

use super::{build, InvestmentOption, RawChange};
use crate::scenario::model::Scenario;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;

/// What an option's changes touch, by item id.
#[derive(Debug, Default)]
struct Touches {
    /// (item id, key) of every `set`.
    set: BTreeSet<(String, String)>,
    /// Ids removed.
    removed: BTreeSet<String>,
    /// Ids of the items added.
    added: BTreeSet<String>,
}

impl Touches {
    fn of(changes: &[RawChange]) -> Touches {
        let mut t = Touches::default();
        for change in changes {
            for (_, items) in change.additions() {
                t.added
                    .extend(items.iter().flatten().filter_map(super::id_of));
            }
            if let Some(set) = &change.set {
                if let Some(id) = set.get("id").and_then(super::id_text) {
                    for key in set.keys() {
                        let key = key_text(key);
                        if key != "id" {
                            t.set.insert((id.clone(), key));
                        }
                    }
                }
            }
            t.removed.extend(change.remove.iter().flatten().cloned());
        }
        t
    }

    /// Ids whose item this option changes, adds or removes.
    fn ids(&self) -> BTreeSet<&str> {
        self.set
            .iter()
            .map(|(id, _)| id.as_str())
            .chain(self.removed.iter().map(String::as_str))
            .chain(self.added.iter().map(String::as_str))
            .collect()
    }
}

/// A key of a `set` as text (a key the YAML reads as a number or a
/// boolean, as its YAML).
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml_ng::to_string(other)
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
    }
}

fn changes(o: &InvestmentOption) -> &[RawChange] {
    o.patch.as_ref().map_or(&[][..], |p| p.changes.as_slice())
}

/// Why options `a` and `b` cannot be applied together, judged from their
/// changes (see the module documentation); `None` when nothing they touch
/// overlaps. The reason names the item and says what each does to it.
pub fn exclusive(a: &InvestmentOption, b: &InvestmentOption) -> Option<String> {
    let (ta, tb) = (Touches::of(changes(a)), Touches::of(changes(b)));
    if let Some((id, key)) = ta.set.intersection(&tb.set).next() {
        return Some(format!("both set `{key}` of `{id}`"));
    }
    for (x, tx, y, ty) in [(a, &ta, b, &tb), (b, &tb, a, &ta)] {
        let ids = ty.ids();
        if let Some(id) = tx.removed.iter().find(|id| ids.contains(id.as_str())) {
            let what = if ty.removed.contains(id) {
                "removes it too"
            } else if ty.added.contains(id) {
                "adds an item with that id"
            } else {
                "changes it"
            };
            return Some(format!("`{}` removes `{id}` and `{}` {what}", x.id, y.id));
        }
    }
    if let Some(id) = ta.added.intersection(&tb.added).next() {
        return Some(format!("both add an item with the id `{id}`"));
    }
    None
}

/// The base scenario with the changes of every option in `set` applied,
/// in the order given (file order), validated; the first validation error
/// when the options cannot be applied together. `set` should hold no
/// [`exclusive`] pair: a later `set` of the same key would silently win.
pub fn combined(set: &[&InvestmentOption]) -> Result<Scenario, String> {
    let mut doc = None;
    let mut all = Vec::new();
    for o in set {
        if let Some(p) = &o.patch {
            doc.get_or_insert_with(|| std::sync::Arc::clone(&p.doc));
            all.extend(p.changes.iter().cloned());
        }
    }
    let ids = set.iter().map(|o| o.id.clone()).collect();
    let Some(doc) = doc else {
        // No option changes anything: each is the base scenario.
        let mut s = set
            .first()
            .map(|o| o.scenario().clone())
            .ok_or_else(|| "no options to apply".to_string())?;
        s.options_applied = ids;
        return Ok(s);
    };
    let mut s = build(&doc, &all, "").map_err(|errors| {
        errors
            .into_iter()
            .next()
            .map_or_else(String::new, |d| match d.path.is_empty() {
                true => d.message,
                false => format!("{}: {}", d.path, d.message),
            })
    })?;
    s.options_applied = ids;
    Ok(s)
}
