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
        for (i, t) in raw.iter().enumerate() {
            if let Some(threat) = self.threat(i, t, components, reach) {
                threats.push(threat);
            }
        }
        threats
    }

    fn threat(
        &mut self,
        i: usize,
        t: &RawThreat,
        components: &[Component],
        reach: &mut Reach,
    ) -> Option<Threat> {
        let p = format!("threats[{i}]");
        let rate = self.report(&t.id, rate(&p, t)).flatten();
        let chance = self.chance(&p, t);
        let (targets, sites) = self.hits(&p, t, components);
        self.selects(&p, t, &targets);
        let effect = self.effect(&p, t);
        for &c in &targets {
            reach.mark(c, t.effect);
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

    /// The chance that an event hits: a probability, 1 if not given.
    pub(super) fn chance(&mut self, p: &str, t: &RawThreat) -> f64 {
        let chance = t.chance.unwrap_or(1.0);
        if !(0.0..=1.0).contains(&chance) {
            self.error(
                Some(&t.id),
                Some("chance"),
                Diagnostic::new(
                    format!("{p}.chance"),
                    format!("chance {chance} is not a probability"),
                )
                .help("use a number from 0 to 1, e.g. chance: 0.3"),
            );
        }
        chance
    }

    /// The components the selectors pick, in order, and the sites they name.
    fn hits(
        &mut self,
        p: &str,
        t: &RawThreat,
        components: &[Component],
    ) -> (Vec<ComponentId>, Vec<SiteId>) {
        let mut selected = vec![false; components.len()];
        let sites = self.hit_sites(p, t, components, &mut selected);
        for kind in &t.hits.kinds {
            select(&mut selected, components, |c| c.kind == *kind);
        }
        self.hit_tags(p, t, components, &mut selected);
        self.hit_components(p, t, &mut selected);
        let targets = (0..components.len()).filter(|&c| selected[c]).collect();
        (targets, sites)
    }

    /// Selects the components at the sites named; returns the sites.
    fn hit_sites(
        &mut self,
        p: &str,
        t: &RawThreat,
        components: &[Component],
        selected: &mut [bool],
    ) -> Vec<SiteId> {
        let mut sites = Vec::new();
        for (j, s) in t.hits.sites.iter().enumerate() {
            let path = format!("{p}.hits.sites[{j}]");
            let Some(si) = self.resolve(&t.id, &path, s, Ref::Site) else {
                continue;
            };
            sites.push(si);
            select(selected, components, |c| c.site == Some(si));
        }
        sites
    }

    /// Selects the components with the tags named: a tag no component has
    /// is an error.
    fn hit_tags(
        &mut self,
        p: &str,
        t: &RawThreat,
        components: &[Component],
        selected: &mut [bool],
    ) {
        for (j, tag) in t.hits.tags.iter().enumerate() {
            if select(selected, components, |c| c.tags.contains(tag)) {
                continue;
            }
            let mut d = Diagnostic::new(
                format!("{p}.hits.tags[{j}]"),
                format!("no component has the tag `{tag}`"),
            );
            if let Some(hint) = did_you_mean(tag, all_tags(components)) {
                d = d.help(hint);
            }
            self.error(Some(&t.id), Some(tag), d);
        }
    }

    fn hit_components(&mut self, p: &str, t: &RawThreat, selected: &mut [bool]) {
        for (j, name) in t.hits.components.iter().enumerate() {
            let path = format!("{p}.hits.components[{j}]");
            if let Some(c) = self.resolve(&t.id, &path, name, Ref::Component) {
                selected[c] = true;
            }
        }
    }

    /// A threat must select something: no selector is an error; selectors
    /// that match nothing (in a file without errors so far) a warning.
    fn selects(&mut self, p: &str, t: &RawThreat, targets: &[ComponentId]) {
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

    /// The effect with its keys: a disrupt needs a duration; duration,
    /// rebuild, repair and reaches_backups each belong to one effect.
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

/// Marks the components `hit` picks in `selected`; whether it picked any.
fn select(
    selected: &mut [bool],
    components: &[Component],
    hit: impl Fn(&Component) -> bool,
) -> bool {
    let mut any = false;
    for (s, c) in selected.iter_mut().zip(components) {
        if hit(c) {
            *s = true;
            any = true;
        }
    }
    any
}

/// Every tag of the components, sorted, each once.
fn all_tags(components: &[Component]) -> Vec<&str> {
    let mut tags: Vec<&str> = components
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}
