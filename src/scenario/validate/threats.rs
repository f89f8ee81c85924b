//! Threats: how often each comes and with what chance, the components it
//! hits (by sites, kinds, tags and components), and the keys that go with
//! its effect.

use super::checks::Reach;
use super::ids::Ref;
use super::{fmt_number, Problem, Validator, MAX_PER_YEAR, MIN_INTERVAL_HOURS};
use crate::scenario::error::{did_you_mean, Diagnostic};
use crate::scenario::model::*;
use crate::scenario::raw::RawThreat;
use crate::scenario::HOURS_PER_YEAR;
use std::collections::{BTreeMap, HashMap, HashSet};

impl Validator<'_> {
    /// The threats, in file order; marks in `reach` the components a
    /// threat can damage or destroy.
    pub(super) fn threats(
        &mut self,
        raw: &[RawThreat],
        components: &[Component],
        reach: &mut Reach,
    ) -> Vec<Threat> {
        let mut threats = Vec::with_capacity(raw.len());
        let mut index = Selection::new(components);
        for (i, t) in raw.iter().enumerate() {
            if let Some(threat) = self.threat(i, t, &mut index, reach) {
                threats.push(threat);
            }
        }
        threats
    }

    fn threat(
        &mut self,
        i: usize,
        t: &RawThreat,
        index: &mut Selection,
        reach: &mut Reach,
    ) -> Option<Threat> {
        let p = format!("threats[{i}]");
        let rate = self.report(&t.id, rate(&p, t)).flatten();
        let chance = self.chance(&p, t);
        let (targets, sites) = self.hits(&p, t, index, chance);
        self.selects(&p, t, &targets);
        let effect = self.effect(&p, t);
        for target in &targets {
            reach.mark(target.component, t.effect);
        }
        Some(Threat {
            id: t.id.clone(),
            name: t.name.clone(),
            rate,
            targets,
            sites,
            chance,
            effect: effect?,
        })
    }

    /// The chance that an event hits: a probability, 1 if not given. The
    /// chances of hit groups are checked too.
    pub(super) fn chance(&mut self, p: &str, t: &RawThreat) -> f64 {
        let chance = t.chance.unwrap_or(1.0);
        self.probability(&t.id, format!("{p}.chance"), chance);
        for (j, group) in t.hits.groups.iter().enumerate() {
            let Some(group_chance) = group.chance else {
                continue;
            };
            let path = format!("{}.chance", t.hits.path(p, j));
            if t.hits.list {
                self.probability(&t.id, path, group_chance);
            } else {
                let d = Diagnostic::new(path, "a chance inside `hits` belongs to an entry of a list of hit groups")
                    .help("write it on the threat (chance: 0.3), or make hits a list: hits: [{components: [db-a], chance: 0.3}]");
                self.error(Some(&t.id), Some("chance"), d);
            }
        }
        chance
    }

    fn probability(&mut self, owner: &str, path: String, chance: f64) {
        if (0.0..=1.0).contains(&chance) {
            return;
        }
        self.error(
            Some(owner),
            Some("chance"),
            Diagnostic::new(path, format!("chance {chance} is not a probability"))
                .help("use a number from 0 to 1, e.g. chance: 0.3"),
        );
    }

    /// The components the selectors pick, in the order of the components,
    /// each with the chance of the first entry that selects it (the
    /// threat's `chance` where the entry gives none), and the sites named
    /// (sorted, each once). A kind, tag or site that an earlier entry
    /// already selected selects nothing new, so it is not scanned again:
    /// the work grows with the file, not with entries times components.
    fn hits(
        &mut self,
        p: &str,
        t: &RawThreat,
        index: &mut Selection,
        chance: f64,
    ) -> (Vec<Target>, Vec<SiteId>) {
        // The chance of each component picked so far, in a scratch list the
        // size of the estate that is reset after each threat (one list per
        // threat made validation take threats × components).
        let Selection {
            by_kind,
            by_tag,
            by_site,
            chances,
            picked,
        } = index;
        let mut sites_done: HashSet<SiteId> = HashSet::new();
        let mut kinds_done = [false; Kind::ALL.len()];
        let mut tags_done: HashSet<&str> = HashSet::new();
        let mut sites: Vec<SiteId> = Vec::new();
        for (j, group) in t.hits.groups.iter().enumerate() {
            let gp = t.hits.path(p, j);
            let group_chance = group.chance.unwrap_or(chance);
            let mut pick = |c: usize| {
                if chances[c].is_none() {
                    chances[c] = Some(group_chance);
                    picked.push(c);
                }
            };
            for (k, s) in group.sites.iter().enumerate() {
                let path = format!("{gp}.sites[{k}]");
                let Some(si) = self.resolve(&t.id, &path, s, Ref::Site) else {
                    continue;
                };
                if sites_done.insert(si) {
                    sites.push(si);
                    by_site
                        .get(&si)
                        .into_iter()
                        .flatten()
                        .for_each(|&c| pick(c));
                }
            }
            for kind in &group.kinds {
                let k = Kind::ALL.iter().position(|x| x == kind).unwrap_or(0);
                if !std::mem::replace(&mut kinds_done[k], true) {
                    by_kind[k].iter().for_each(|&c| pick(c));
                }
            }
            for (k, tag) in group.tags.iter().enumerate() {
                match by_tag.get(tag.as_str()) {
                    Some(tagged) => {
                        if tags_done.insert(tag.as_str()) {
                            tagged.iter().for_each(|&c| pick(c));
                        }
                    }
                    None => {
                        let mut d = Diagnostic::new(
                            format!("{gp}.tags[{k}]"),
                            format!("no component has the tag `{tag}`"),
                        );
                        if let Some(hint) = did_you_mean(tag, by_tag.keys().copied()) {
                            d = d.help(hint);
                        }
                        self.error(Some(&t.id), Some(tag), d);
                    }
                }
            }
            for (k, name) in group.components.iter().enumerate() {
                let path = format!("{gp}.components[{k}]");
                if let Some(c) = self.resolve(&t.id, &path, name, Ref::Component) {
                    pick(c);
                }
            }
        }
        sites.sort_unstable();
        picked.sort_unstable();
        let targets = picked
            .drain(..)
            .map(|component| Target {
                component,
                chance: chances[component].take().unwrap_or(chance),
            })
            .collect();
        (targets, sites)
    }

    /// A threat must select something: no selector is an error; selectors
    /// that match nothing (in a file without errors so far) a warning.
    fn selects(&mut self, p: &str, t: &RawThreat, targets: &[Target]) {
        self.empty_hit_groups(p, t);
        if t.hits.is_empty() {
            self.error(Some(&t.id), Some("hits"), Diagnostic::new(format!("{p}.hits"), "the threat hits nothing").help("select components by sites, kinds, tags or components, e.g. hits: {sites: [dc-london]}"));
        } else if targets.is_empty() && self.errors.is_empty() {
            self.warn(
                Some(&t.id),
                Diagnostic::new(
                    format!("{p}.hits"),
                    format!("threat `{}` selects no component", t.id),
                ),
            );
        }
    }

    /// An entry of a list of hit groups that selects nothing is an error
    /// (the whole `hits` selecting nothing is reported by `selects`).
    pub(super) fn empty_hit_groups(&mut self, p: &str, t: &RawThreat) {
        if !t.hits.list || t.hits.is_empty() {
            return;
        }
        for (j, group) in t.hits.groups.iter().enumerate() {
            if group.is_empty() {
                let d = Diagnostic::new(t.hits.path(p, j), "this hit group selects nothing")
                    .help("give it sites, kinds, tags or components, e.g. {components: [db-a], chance: 0.7}, or remove it");
                self.error(Some(&t.id), Some("hits"), d);
            }
        }
    }

    /// The effect with its keys: a disrupt needs a duration; duration,
    /// rebuild, repair, reaches_backups and dwell each belong to one effect.
    /// `None` (with the error reported) when a key is missing or misplaced.
    pub(super) fn effect(&mut self, p: &str, t: &RawThreat) -> Option<ThreatEffect> {
        let mut valid = true;
        if t.effect == Effect::Disrupt && t.duration.is_none() {
            valid = false;
            self.error(
                Some(&t.id),
                Some("disrupt"),
                Diagnostic::new(
                    format!("{p}.duration"),
                    "a disrupt threat needs a duration: how long until it clears by itself",
                )
                .help("e.g. duration: {lognormal: [2h, 12h]}"),
            );
        }
        let keys = [
            (t.duration.is_some(), Effect::Disrupt, "duration", "duration applies to disrupt threats only", "damage is repaired with the component's `repair` (or the threat's `repair`); destroy with `rebuild`"),
            (t.rebuild.is_some(), Effect::Destroy, "rebuild", "rebuild applies to destroy threats only", "remove it, or set effect: destroy"),
            (t.repair.is_some(), Effect::Damage, "repair", "repair applies to damage threats only", "for destroy use rebuild; for disrupt use duration"),
            (t.reaches_backups, Effect::Destroy, "reaches_backups", "reaches_backups applies to destroy threats only", "set effect: destroy (ransomware destroys data), or remove reaches_backups"),
            (t.dwell.is_some(), Effect::Destroy, "dwell", "dwell applies to destroy threats only: it is how long an attacker was inside before destroying data", "remove it, or set effect: destroy (e.g. ransomware with reaches_backups: true)"),
        ];
        for (given, effect, key, message, help) in keys {
            if !given || t.effect == effect {
                continue;
            }
            let d = Diagnostic::new(format!("{p}.{key}"), message).help(help);
            self.error(Some(&t.id), Some(key), d);
            valid = false;
        }
        if !valid {
            return None;
        }
        Some(match t.effect {
            Effect::Disrupt => ThreatEffect::Disrupt {
                duration: t.duration.clone()?,
            },
            Effect::Damage => ThreatEffect::Damage {
                repair: t.repair.clone(),
            },
            Effect::Destroy => ThreatEffect::Destroy {
                rebuild: t.rebuild.clone(),
                reaches_backups: t.reaches_backups,
                dwell: t.dwell.clone(),
            },
        })
    }
}

/// Events per hour, from `every` (at least a minute) or `per_year` (at
/// most [`MAX_PER_YEAR`]); `None` if neither is given or per_year is 0.
pub(super) fn rate(p: &str, t: &RawThreat) -> Result<Option<f64>, Problem> {
    match (&t.every, t.per_year) {
        (Some(e), None) if e.0 >= MIN_INTERVAL_HOURS => Ok(Some(1.0 / e.0)),
        (Some(_), None) => Err((
            "every",
            Diagnostic::new(
                format!("{p}.every"),
                "the mean interval between events must be at least 1m",
            )
            .help("e.g. every: 20y, or per_year: 0.05"),
        )),
        (None, Some(py)) if py.is_finite() && (0.0..=MAX_PER_YEAR).contains(&py) => {
            Ok((py > 0.0).then_some(py / HOURS_PER_YEAR))
        }
        (None, Some(py)) => Err((
            "per_year",
            Diagnostic::new(
                format!("{p}.per_year"),
                format!("per_year {} is not a valid frequency", fmt_number(py)),
            )
            .help(format!(
                "a non-negative number of events per year, at most {MAX_PER_YEAR} \
                 (once a minute), e.g. per_year: 0.2"
            )),
        )),
        (Some(_), Some(_)) => Err((
            "per_year",
            Diagnostic::new(p, "give either `every` or `per_year`, not both")
                .help("every: 5y and per_year: 0.2 say the same thing"),
        )),
        (None, None) => Ok(None),
    }
}

/// The components by what a threat selects them by, built once for all
/// threats.
struct Selection<'c> {
    /// Scratch for one threat: the chance of each component it picks.
    chances: Vec<Option<f64>>,
    /// Scratch for one threat: the components it picks, as picked.
    picked: Vec<ComponentId>,
    /// Per kind (in the order of [`Kind::ALL`]), its components in order.
    by_kind: Vec<Vec<ComponentId>>,
    /// Per tag, its components in order (sorted by tag, for suggestions).
    by_tag: BTreeMap<&'c str, Vec<ComponentId>>,
    /// Per site, its components in order.
    by_site: HashMap<SiteId, Vec<ComponentId>>,
}

impl<'c> Selection<'c> {
    fn new(components: &'c [Component]) -> Self {
        let mut by_kind = vec![Vec::new(); Kind::ALL.len()];
        let mut by_tag: BTreeMap<&str, Vec<ComponentId>> = BTreeMap::new();
        let mut by_site: HashMap<SiteId, Vec<ComponentId>> = HashMap::new();
        for (i, c) in components.iter().enumerate() {
            let k = Kind::ALL.iter().position(|x| *x == c.kind).unwrap_or(0);
            by_kind[k].push(i);
            for tag in &c.tags {
                let list = by_tag.entry(tag.as_str()).or_default();
                // A tag written twice on one component selects it once.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            if let Some(site) = c.site {
                by_site.entry(site).or_default().push(i);
            }
        }
        Selection {
            chances: vec![None; components.len()],
            picked: Vec::new(),
            by_kind,
            by_tag,
            by_site,
        }
    }
}
