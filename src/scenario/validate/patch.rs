//! An investment option checked from its changes alone.
//!
//! An option's scenario is the base with the option's changes applied, and
//! it must be valid. Validating each patched scenario in full costs the
//! whole scenario per option: thousands of small options on a large estate
//! took minutes. [`Index::is_clean`] instead decides, in time that grows
//! with the changes and not with the scenario, that the patched scenario is
//! valid. It is conservative: it says yes only when full validation would
//! find no error; when it cannot tell (or there is an error), `options`
//! validates the patched scenario in full, which also writes the
//! diagnostics, so they are the same either way.
//!
//! Why a yes is right. The base is valid, and the changes remove some of
//! its items, change others (never their ids) and add new ones. Every
//! error `validate` can report is one of:
//! - about one item on its own (its text, its id's form, a team's size, a
//!   component's failures, backups, impact and the shape of its
//!   dependencies, a threat's frequency, chance, selectors and effect):
//!   only a changed or added item can have one, and each of those is
//!   checked here by the validator's own code;
//! - a reference that names nothing, or the wrong kind of thing: a
//!   changed or added item's references are resolved against the patched
//!   ids; an unchanged item's references were resolved in the base and
//!   still are unless the item they name was removed, so removing an item
//!   that an unchanged item names is left to full validation;
//! - a duplicate id: only an added id can collide;
//! - a threat selecting by a tag no component has: checked for the tags a
//!   change takes off a component and the tags of changed or added threats;
//! - no components left;
//! - a dependency cycle: the base has none, so a cycle runs through a
//!   changed or added component, and is looked for from those only (see
//!   [`Index::acyclic`]).
//!
//! The header and the risk tolerance cannot be changed by an option.
//! `tests::option_checks_match_full_validation` compares this with full
//! validation on random scenarios and random changes.

use super::checks::Reach;
use super::ids::{IdKind, Ref};
use super::threats::rate;
use super::{id_is_valid, validate, Validator};
use crate::scenario::error::Diagnostic;
use crate::scenario::raw::{RawComponent, RawScenario, RawSite, RawTeam, RawThreat};

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, HashSet};

/// The four lists of items an option changes, in the order of the file's
/// sections (and of `options::LISTS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum List {
    /// `sites`
    Sites,
    /// `teams`
    Teams,
    /// `components`
    Components,
    /// `threats`
    Threats,
}

impl List {
    /// Every list, in the order of the file's sections.
    pub(crate) const ALL: [List; 4] = [List::Sites, List::Teams, List::Components, List::Threats];

    /// What an id in this list names, with a stand-in index.
    fn id_kind(self, index: usize) -> IdKind {
        match self {
            List::Sites => IdKind::Site(index),
            List::Teams => IdKind::Team(index),
            List::Components => IdKind::Component(index),
            List::Threats => IdKind::Threat(index),
        }
    }
}

/// One option's changes, read: the base items it removed (by list and
/// index in the base), and per list the base items it changed (as they now
/// are) and the items it added.
#[derive(Debug, Default)]
pub(crate) struct Edit {
    /// Base items the option removed.
    pub(crate) removed: HashSet<(List, usize)>,
    /// Sites changed and added.
    pub(crate) sites: Edited<RawSite>,
    /// Teams changed and added.
    pub(crate) teams: Edited<RawTeam>,
    /// Components changed and added.
    pub(crate) components: Edited<RawComponent>,
    /// Threats changed and added.
    pub(crate) threats: Edited<RawThreat>,
}

/// The items of one list an option changed or added.
#[derive(Debug)]
pub(crate) struct Edited<T> {
    /// Base items changed, by index in the base, as they now are.
    pub(crate) changed: Vec<(usize, T)>,
    /// Items added, in order.
    pub(crate) added: Vec<T>,
}

impl<T> Default for Edited<T> {
    fn default() -> Self {
        Edited {
            changed: Vec::new(),
            added: Vec::new(),
        }
    }
}

impl<T> Edited<T> {
    /// The changed items, then the added ones.
    fn all(&self) -> impl Iterator<Item = &T> {
        self.changed.iter().map(|(_, t)| t).chain(&self.added)
    }
}

impl Edit {
    /// The base items changed, by list and index.
    fn changed(&self) -> HashSet<(List, usize)> {
        fn at<T>(list: List, changed: &[(usize, T)]) -> impl Iterator<Item = (List, usize)> + '_ {
            changed.iter().map(move |(i, _)| (list, *i))
        }
        at(List::Sites, &self.sites.changed)
            .chain(at(List::Teams, &self.teams.changed))
            .chain(at(List::Components, &self.components.changed))
            .chain(at(List::Threats, &self.threats.changed))
            .collect()
    }

    /// The ids of the added items, with their lists, in file order.
    fn added_ids(&self) -> impl Iterator<Item = (List, &str)> {
        let sites = self
            .sites
            .added
            .iter()
            .map(|s| (List::Sites, s.id.as_str()));
        let teams = self
            .teams
            .added
            .iter()
            .map(|t| (List::Teams, t.id.as_str()));
        let components = (self.components.added.iter()).map(|c| (List::Components, c.id.as_str()));
        let threats = self
            .threats
            .added
            .iter()
            .map(|t| (List::Threats, t.id.as_str()));
        sites.chain(teams).chain(components).chain(threats)
    }

    /// The ids of the changed items, with their lists and base indices.
    fn changed_ids(&self) -> impl Iterator<Item = (List, usize, &str)> {
        let sites = (self.sites.changed.iter()).map(|(i, s)| (List::Sites, *i, s.id.as_str()));
        let teams = (self.teams.changed.iter()).map(|(i, t)| (List::Teams, *i, t.id.as_str()));
        let components =
            (self.components.changed.iter()).map(|(i, c)| (List::Components, *i, c.id.as_str()));
        let threats =
            (self.threats.changed.iter()).map(|(i, t)| (List::Threats, *i, t.id.as_str()));
        sites.chain(teams).chain(components).chain(threats)
    }

    /// The ids the changed and added items name: sites, teams and
    /// dependencies of components, sites and components threats hit.
    fn references(&self) -> impl Iterator<Item = &str> {
        let components = self.components.all().flat_map(|c| {
            let depends = c.depends_on.iter().flat_map(|r| r.names());
            c.site.iter().chain(&c.team).chain(depends)
        });
        let threats = (self.threats.all()).flat_map(|t| t.hits.sites().chain(t.hits.components()));
        components.chain(threats).map(String::as_str)
    }
}

/// A component of the patched scenario, for the cycle search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    /// A base component (changed or not), by index in the base.
    Base(usize),
    /// An added component, by index among the added.
    Added(usize),
}

/// What the checks need to know of a valid base scenario, worked out once
/// for all the options.
#[derive(Debug)]
pub(crate) struct Index {
    raw: RawScenario,
    /// Every id, and which item it names.
    ids: HashMap<String, (List, usize)>,
    /// The items that name each id: components by their site, team and
    /// dependencies, threats by the sites and components they hit.
    referrers: HashMap<String, Vec<(List, usize)>>,
    /// How many times each tag is on a component.
    tags: HashMap<String, usize>,
    /// The threats that select by each tag.
    threat_tags: HashMap<String, Vec<usize>>,
    /// Each component's dependencies.
    depends: Vec<Vec<usize>>,
    /// Each component's place in an order in which dependencies come
    /// before what depends on them.
    rank: Vec<usize>,
}

impl Index {
    /// The index of `raw`, or `None` when `raw` is not a valid scenario.
    pub(crate) fn new(raw: RawScenario) -> Option<Index> {
        let (scenario, _) = validate(raw.clone(), "").ok()?;
        let depends: Vec<Vec<usize>> = (scenario.components.iter())
            .map(|c| c.dependencies().collect())
            .collect();
        let mut graph = DiGraph::<(), ()>::with_capacity(depends.len(), 0);
        for _ in &depends {
            graph.add_node(());
        }
        for (i, deps) in depends.iter().enumerate() {
            for &d in deps {
                graph.add_edge(NodeIndex::new(d), NodeIndex::new(i), ());
            }
        }
        let order = petgraph::algo::toposort(&graph, None).ok()?;
        let mut rank = vec![0; depends.len()];
        for (place, node) in order.into_iter().enumerate() {
            rank[node.index()] = place;
        }
        let mut index = Index {
            ids: HashMap::new(),
            referrers: HashMap::new(),
            tags: HashMap::new(),
            threat_tags: HashMap::new(),
            depends,
            rank,
            raw: RawScenario {
                options: Vec::new(),
                ..raw
            },
        };
        index.collect();
        Some(index)
    }

    /// Fills in the ids, referrers and tags from `raw`.
    fn collect(&mut self) {
        let raw = &self.raw;
        let ids = (raw.sites.iter().map(|s| (List::Sites, &s.id)).enumerate())
            .chain(raw.teams.iter().map(|t| (List::Teams, &t.id)).enumerate())
            .chain(
                raw.components
                    .iter()
                    .map(|c| (List::Components, &c.id))
                    .enumerate(),
            )
            .chain(
                raw.threats
                    .iter()
                    .map(|t| (List::Threats, &t.id))
                    .enumerate(),
            );
        for (i, (list, id)) in ids {
            self.ids.insert(id.clone(), (list, i));
        }
        let mut refer = |id: &String, item: (List, usize)| {
            self.referrers.entry(id.clone()).or_default().push(item);
        };
        for (i, c) in raw.components.iter().enumerate() {
            let depends = c.depends_on.iter().flat_map(|r| r.names());
            for id in c.site.iter().chain(&c.team).chain(depends) {
                refer(id, (List::Components, i));
            }
        }
        for (i, t) in raw.threats.iter().enumerate() {
            for id in t.hits.sites().chain(t.hits.components()) {
                refer(id, (List::Threats, i));
            }
        }
        for tag in raw.components.iter().flat_map(|c| &c.tags) {
            *self.tags.entry(tag.clone()).or_default() += 1;
        }
        for (i, t) in raw.threats.iter().enumerate() {
            for tag in t.hits.tags() {
                self.threat_tags.entry(tag.clone()).or_default().push(i);
            }
        }
    }

    /// The id of item `i` of `list` in the base.
    pub(crate) fn id(&self, list: List, i: usize) -> Option<&str> {
        let raw = &self.raw;
        let id = match list {
            List::Sites => &raw.sites.get(i)?.id,
            List::Teams => &raw.teams.get(i)?.id,
            List::Components => &raw.components.get(i)?.id,
            List::Threats => &raw.threats.get(i)?.id,
        };
        Some(id)
    }

    /// Is the base with `edit` applied a valid scenario? True only when it
    /// is (see the module documentation); false when it may not be.
    /// `work` counts the components the cycle search visits.
    pub(crate) fn is_clean(&self, edit: &Edit, work: &mut u64) -> bool {
        let changed = edit.changed();
        // The ids of the patched scenario: the base's but those removed,
        // and those added, each once and well formed.
        let mut added: HashMap<&str, List> = HashMap::new();
        let live = |id: &str| match self.ids.get(id) {
            Some(&item) if !edit.removed.contains(&item) => Some(item.0),
            _ => None,
        };
        for (list, id) in edit.added_ids() {
            if !id_is_valid(id) || live(id).is_some() || added.insert(id, list).is_some() {
                return false;
            }
        }
        let find = |id: &str| added.get(id).copied().or_else(|| live(id));
        let kept_ids = (edit.changed_ids()).all(|(list, i, id)| self.id(list, i) == Some(id));
        let removed_components = (edit.removed.iter())
            .filter(|(list, _)| *list == List::Components)
            .count();
        let components =
            self.raw.components.len() - removed_components + edit.components.added.len();
        if !kept_ids || components == 0 {
            return false;
        }
        // Nothing left unchanged names a removed item.
        for &(list, i) in &edit.removed {
            let id = self.id(list, i).unwrap_or_default();
            let referrers = self.referrers.get(id).into_iter().flatten();
            if referrers
                .into_iter()
                .any(|r| !edit.removed.contains(r) && !changed.contains(r))
            {
                return false;
            }
        }
        if !self.items_are_valid(edit, &find) || !self.tags_are_used(edit, &changed) {
            return false;
        }
        self.acyclic(edit, &find, work)
    }

    /// Do the changed and added items pass the validator's checks of one
    /// item, their references resolved against the patched ids (`find`)?
    fn items_are_valid(&self, edit: &Edit, find: &dyn Fn(&str) -> Option<List>) -> bool {
        // A stand-in index per id: what matters is its kind, and that
        // different ids differ (a dependency named twice is an error).
        let mut ids = HashMap::new();
        for id in edit.references() {
            if let Some(list) = find(id) {
                let next = ids.len();
                ids.entry(id.to_string()).or_insert(list.id_kind(next));
            }
        }
        let mut v = Validator::scratch(ids);
        for s in edit.sites.all() {
            v.site_texts(0, s);
        }
        for t in edit.teams.all() {
            v.team_texts(0, t);
            v.team_size(0, t);
        }
        for c in edit.components.all() {
            v.component_texts(0, c);
            v.component(0, c, &mut Reach::new(1));
        }
        for t in edit.threats.all() {
            v.threat_texts(0, t);
            v.threat_alone(t);
        }
        v.errors.is_empty()
    }

    /// Does every threat of the patched scenario select by tags some
    /// component has? The base's threats did; a changed or removed
    /// component may take the last of a tag away from an unchanged one,
    /// and a changed or added threat may name any tag.
    fn tags_are_used(&self, edit: &Edit, changed: &HashSet<(List, usize)>) -> bool {
        let mut delta: HashMap<&str, i64> = HashMap::new();
        for &(list, i) in edit.removed.iter().chain(changed) {
            if list == List::Components {
                for tag in &self.raw.components[i].tags {
                    *delta.entry(tag).or_default() -= 1;
                }
            }
        }
        for tag in edit.components.all().flat_map(|c| &c.tags) {
            *delta.entry(tag).or_default() += 1;
        }
        let count = |tag: &str| {
            let base = self.tags.get(tag).copied().unwrap_or(0) as i64;
            base + delta.get(tag).copied().unwrap_or(0)
        };
        let named_by_unchanged = |tag: &str| {
            let threats = self.threat_tags.get(tag).into_iter().flatten();
            threats.into_iter().any(|&t| {
                !edit.removed.contains(&(List::Threats, t))
                    && !changed.contains(&(List::Threats, t))
            })
        };
        let lost =
            (delta.iter()).any(|(tag, d)| *d < 0 && count(tag) <= 0 && named_by_unchanged(tag));
        let unmatched = (edit.threats.all())
            .flat_map(|t| t.hits.tags())
            .any(|tag| count(tag) <= 0);
        !lost && !unmatched
    }

    /// Is the patched scenario free of dependency cycles? Every cycle runs
    /// through a changed or added component (the base has none, and the
    /// dependencies of the others are the base's), so a depth-first search
    /// from those finds one if there is one. It skips an unchanged base
    /// component ranked below every changed one: its dependencies lead only
    /// down the base's order, to unchanged components, so it cannot lead
    /// back to a changed or added one, nor lie on a cycle.
    fn acyclic(&self, edit: &Edit, find: &dyn Fn(&str) -> Option<List>, work: &mut u64) -> bool {
        let added: HashMap<&str, usize> = (edit.components.added.iter().enumerate())
            .map(|(j, c)| (c.id.as_str(), j))
            .collect();
        let node = |id: &str| match added.get(id) {
            Some(&j) => Node::Added(j),
            None => Node::Base(self.ids[id].1),
        };
        let edges = |c: &RawComponent| -> Vec<Node> {
            let names = c.depends_on.iter().flat_map(|r| r.names());
            // Every name resolves to a component: checked before.
            names
                .filter(|id| find(id).is_some())
                .map(|id| node(id))
                .collect()
        };
        let changed: HashMap<usize, Vec<Node>> = (edit.components.changed.iter())
            .map(|(i, c)| (*i, edges(c)))
            .collect();
        let added_edges: Vec<Vec<Node>> = edit.components.added.iter().map(edges).collect();
        let lowest = changed.keys().map(|&i| self.rank[i]).min();
        let may_lead_back = |n: Node| match n {
            Node::Added(_) => true,
            Node::Base(i) => changed.contains_key(&i) || lowest.is_some_and(|r| self.rank[i] > r),
        };
        let next = |n: Node, k: usize| match n {
            Node::Added(j) => added_edges[j].get(k).copied(),
            Node::Base(i) => match changed.get(&i) {
                Some(edges) => edges.get(k).copied(),
                None => self.depends[i].get(k).map(|&d| Node::Base(d)),
            },
        };
        // Searched: false while on the search path, true once done.
        let mut searched: HashMap<Node, bool> = HashMap::new();
        let mut starts: Vec<Node> = changed.keys().map(|&i| Node::Base(i)).collect();
        starts.sort_unstable_by_key(|n| match n {
            Node::Base(i) => *i,
            Node::Added(j) => *j,
        });
        starts.extend((0..added_edges.len()).map(Node::Added));
        for start in starts {
            if searched.contains_key(&start) {
                continue;
            }
            searched.insert(start, false);
            *work += 1;
            let mut path = vec![(start, 0)];
            while let Some((n, k)) = path.last_mut() {
                let Some(dep) = next(*n, *k) else {
                    searched.insert(*n, true);
                    path.pop();
                    continue;
                };
                *k += 1;
                if !may_lead_back(dep) {
                    continue;
                }
                match searched.get(&dep) {
                    Some(false) => return false,
                    Some(true) => {}
                    None => {
                        searched.insert(dep, false);
                        *work += 1;
                        path.push((dep, 0));
                    }
                }
            }
        }
        true
    }
}

impl Validator<'_> {
    /// The checks of one threat that do not depend on the components it
    /// selects (its tags are checked by [`Index::tags_are_used`]).
    fn threat_alone(&mut self, t: &RawThreat) {
        let p = "threats[0]";
        self.report(&t.id, rate(p, t));
        self.chance(p, t);
        for site in t.hits.sites() {
            self.resolve(&t.id, p, site, Ref::Site);
        }
        for component in t.hits.components() {
            self.resolve(&t.id, p, component, Ref::Component);
        }
        if t.hits.is_empty() {
            self.errors
                .push(Diagnostic::new(p, "the threat hits nothing"));
        }
        self.empty_hit_groups(p, t);
        self.effect(p, t);
    }
}
