//! Which inputs a scenario has that can change the metric: the hits each
//! component can suffer ([`Exposure`]), from them the list of inputs
//! ([`Knob`]s) worth setting low and high, and what each is ([`input`]).

use super::{Grain, Input, Parameter};
use crate::scenario::{BackupTier, Effect, Requirement, Scenario, Threat};

/// Which value of the scenario an input is, by index: the engine's handle
/// on an [`Input`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Knob {
    ThreatFrequency(usize),
    /// The threat effect's own time: a disruption's duration, or the
    /// repair or rebuild that overrides the components'.
    ThreatTime(usize),
    FailureFrequency {
        component: usize,
        mode: usize,
    },
    FailureRepair {
        component: usize,
        mode: usize,
    },
    Repair(usize),
    Rebuild(usize),
    Detect(usize),
    Switchover {
        component: usize,
        requirement: usize,
    },
    BackupInterval {
        component: usize,
        tier: usize,
    },
    Restore {
        component: usize,
        tier: usize,
    },
    /// The chance that a restore from a tier fails.
    RestoreFails {
        component: usize,
        tier: usize,
    },
    /// A tier's retention (`keep`).
    Keep {
        component: usize,
        tier: usize,
    },
    /// A destroy threat's dwell time.
    Dwell(usize),
    /// A service's work recovery time (`wrt`).
    WorkRecovery(usize),
    TeamSize(usize),
}

/// Which hits each component can suffer under a mode, to skip inputs that
/// cannot matter.
#[derive(Debug, Clone, Copy, Default)]
struct Exposure {
    /// Damaged or destroyed: detect and team work happen.
    worked_on: bool,
    /// Damaged with its own repair time.
    own_repair: bool,
    /// Destroyed with its own rebuild time (which defaults to repair).
    own_rebuild: bool,
    destroyed: bool,
    /// It or something below it can become unavailable.
    can_fail: bool,
}

/// Whether threat `t` can strike: in a drill only the drilled one does, in
/// a run those with a frequency.
fn strikes(threat: &Threat, t: usize, drilled: Option<usize>) -> bool {
    let arrives = match drilled {
        Some(d) => d == t,
        None => threat.rate.is_some_and(|r| r > 0.0),
    };
    arrives && threat.expected_hits() > 0.0
}

/// Whether backup tier `tier` of component `c` can survive a destroy by
/// `threat`: not lost to its reach into backups nor to its site.
fn survives(s: &Scenario, threat: &Threat, c: usize, tier: &BackupTier) -> bool {
    let comp = &s.components[c];
    let site_hit = comp.site.is_some_and(|site| threat.sites.contains(&site));
    (tier.immutable || !threat.effect.reaches_backups()) && (tier.offsite || !site_hit)
}

/// Whether a destroy threat's dwell time can change anything: it can
/// select a stateful component with a tier that survives it (with none,
/// the data is lost whatever the dwell).
fn dwell_matters(s: &Scenario, threat: &Threat) -> bool {
    threat.reachable().any(|c| {
        let comp = &s.components[c];
        comp.stateful && comp.backups.iter().any(|b| survives(s, threat, c, b))
    })
}

/// What a destroy can ask of a backup tier under a mode.
#[derive(Debug, Clone, Copy, Default)]
struct TierExposure {
    /// A destroy it survives: it may be restored from.
    offered: bool,
    /// A destroy with a dwell time it survives: its newest kept point may
    /// be too young, so how long it keeps points matters.
    dwelled: bool,
}

/// Per component, per backup tier, what the destroys that strike under the
/// mode ask of it (a failure mode's destroy has no dwell and spares every
/// tier).
fn tier_exposures(s: &Scenario, drilled: Option<usize>) -> Vec<Vec<TierExposure>> {
    let mut ex: Vec<Vec<TierExposure>> = s
        .components
        .iter()
        .map(|c| vec![TierExposure::default(); c.backups.len()])
        .collect();
    if drilled.is_none() {
        for (c, comp) in s.components.iter().enumerate() {
            if comp
                .failures
                .iter()
                .any(|f| f.effect.kind() == Effect::Destroy)
            {
                ex[c].iter_mut().for_each(|t| t.offered = true);
            }
        }
    }
    for (t, threat) in s.threats.iter().enumerate() {
        if threat.effect.kind() != Effect::Destroy || !strikes(threat, t, drilled) {
            continue;
        }
        let dwell = threat.effect.dwell().is_some();
        for c in threat.reachable() {
            for (tier, b) in ex[c].iter_mut().zip(&s.components[c].backups) {
                if survives(s, threat, c, b) {
                    tier.offered = true;
                    tier.dwelled |= dwell;
                }
            }
        }
    }
    ex
}

fn exposures(s: &Scenario, drilled: Option<usize>) -> Vec<Exposure> {
    let mut ex = vec![Exposure::default(); s.components.len()];
    let note = |e: &mut Exposure, effect: Effect, overridden: bool| {
        e.can_fail = true;
        match effect {
            Effect::Disrupt => {}
            Effect::Damage => {
                e.worked_on = true;
                e.own_repair |= !overridden;
            }
            Effect::Destroy => {
                e.worked_on = true;
                e.destroyed = true;
                e.own_rebuild |= !overridden;
            }
        }
    };
    if drilled.is_none() {
        for (c, comp) in s.components.iter().enumerate() {
            for f in &comp.failures {
                note(&mut ex[c], f.effect.kind(), f.effect.own_time().is_some());
            }
        }
    }
    for (t, threat) in s.threats.iter().enumerate() {
        let active = strikes(threat, t, drilled);
        if !active {
            continue;
        }
        let overridden = threat.effect.own_time().is_some();
        for c in threat.reachable() {
            note(&mut ex[c], threat.effect.kind(), overridden);
        }
    }
    // Unavailability propagates up; the graph is acyclic, so this settles.
    loop {
        let mut changed = false;
        for (c, comp) in s.components.iter().enumerate() {
            if !ex[c].can_fail && comp.dependencies().any(|d| ex[d].can_fail) {
                ex[c].can_fail = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    ex
}

/// Every input that can affect the metric, in scenario order.
pub(super) fn inputs(s: &Scenario, drilled: Option<usize>) -> Vec<Knob> {
    let ex = exposures(s, drilled);
    let tiers = tier_exposures(s, drilled);
    let run = drilled.is_none();
    let mut knobs = Vec::new();
    for (t, threat) in s.threats.iter().enumerate() {
        let active = strikes(threat, t, drilled);
        if !active || threat.targets.is_empty() {
            continue;
        }
        if run {
            knobs.push(Knob::ThreatFrequency(t));
        }
        if threat.effect.own_time().is_some() {
            knobs.push(Knob::ThreatTime(t));
        }
        if threat.effect.dwell().is_some() && dwell_matters(s, threat) {
            knobs.push(Knob::Dwell(t));
        }
    }
    for (c, comp) in s.components.iter().enumerate() {
        let e = ex[c];
        if run {
            for (m, f) in comp.failures.iter().enumerate() {
                knobs.push(Knob::FailureFrequency {
                    component: c,
                    mode: m,
                });
                if f.effect.own_time().is_some() {
                    knobs.push(Knob::FailureRepair {
                        component: c,
                        mode: m,
                    });
                }
            }
        }
        let repair_used = e.own_repair || (e.own_rebuild && comp.rebuild.is_none());
        if comp.repair.is_some() && repair_used {
            knobs.push(Knob::Repair(c));
        }
        if comp.rebuild.is_some() && e.own_rebuild {
            knobs.push(Knob::Rebuild(c));
        }
        if comp.detect.is_some() && e.worked_on {
            knobs.push(Knob::Detect(c));
        }
        for (r, req) in comp.depends_on.iter().enumerate() {
            if let Requirement::Failover { members, .. } = req {
                if members.iter().any(|&m| ex[m].can_fail) {
                    knobs.push(Knob::Switchover {
                        component: c,
                        requirement: r,
                    });
                }
            }
        }
        if comp.stateful && e.destroyed {
            for (tier, (b, x)) in comp.backups.iter().zip(&tiers[c]).enumerate() {
                knobs.push(Knob::BackupInterval { component: c, tier });
                knobs.push(Knob::Restore { component: c, tier });
                if b.restore_fails > 0.0 && x.offered {
                    knobs.push(Knob::RestoreFails { component: c, tier });
                }
                // Without a dwell the newest point is younger than the
                // interval, which the retention is never below: it is kept.
                if b.keep.is_some() && x.dwelled {
                    knobs.push(Knob::Keep { component: c, tier });
                }
            }
        }
        // The work recovery time lengthens a disruption, so it moves the
        // loss (and the MTPD), not the RTO: a drill's metric is P(RTO met).
        // It costs only with an hourly rate (the base's or a step's).
        // Impacts themselves (per_hour, the over_time steps, ...) are not
        // varied: were they, over_time rates and `once` amounts would be
        // varied with the others.
        let charged = comp.impact.per_hour > 0.0
            || comp
                .impact
                .over_time
                .iter()
                .any(|step| step.per_hour.is_some_and(|r| r > 0.0) || step.once > 0.0);
        if run && comp.is_service() && comp.wrt.is_some() && e.can_fail && charged {
            knobs.push(Knob::WorkRecovery(c));
        }
    }
    for t in 0..s.teams.len() {
        let busy = s
            .components
            .iter()
            .enumerate()
            .any(|(c, comp)| comp.team == Some(t) && ex[c].worked_on);
        if busy {
            knobs.push(Knob::TeamSize(t));
        }
    }
    knobs
}

/// Which value of `s` a knob is, by ids.
pub(super) fn input(s: &Scenario, knob: Knob) -> Input {
    let component = |c: usize| s.components[c].id.clone();
    let threat = |t: usize| s.threats[t].id.clone();
    let of_modes = |c: usize| s.components[c].failures.len();
    let every = |c: usize, tier: usize| s.components[c].backups[tier].every;
    match knob {
        Knob::ThreatFrequency(t) => Input::ThreatFrequency { threat: threat(t) },
        Knob::ThreatTime(t) => Input::ThreatTime {
            threat: threat(t),
            field: s.threats[t].effect.own_time_key(),
        },
        Knob::FailureFrequency { component: c, mode } => Input::FailureFrequency {
            component: component(c),
            mode,
            of_modes: of_modes(c),
        },
        Knob::FailureRepair { component: c, mode } => Input::FailureRepair {
            component: component(c),
            mode,
            of_modes: of_modes(c),
        },
        Knob::Repair(c) => Input::Repair {
            component: component(c),
        },
        Knob::Rebuild(c) => Input::Rebuild {
            component: component(c),
        },
        Knob::Detect(c) => Input::Detect {
            component: component(c),
        },
        Knob::Switchover {
            component: c,
            requirement,
        } => Input::Switchover {
            component: component(c),
            requirement,
        },
        Knob::BackupInterval { component: c, tier } => Input::BackupInterval {
            component: component(c),
            tier,
            every: every(c, tier),
        },
        Knob::Restore { component: c, tier } => Input::Restore {
            component: component(c),
            tier,
            every: every(c, tier),
        },
        Knob::RestoreFails { component: c, tier } => Input::RestoreFails {
            component: component(c),
            tier,
            every: every(c, tier),
        },
        Knob::Keep { component: c, tier } => Input::Keep {
            component: component(c),
            tier,
            every: every(c, tier),
        },
        Knob::Dwell(t) => Input::Dwell { threat: threat(t) },
        Knob::WorkRecovery(c) => Input::WorkRecovery {
            service: component(c),
        },
        Knob::TeamSize(t) => Input::TeamSize {
            team: s.teams[t].id.clone(),
        },
    }
}

/// One row of the tornado: the knobs set low and high together. Per
/// component, one knob; by class, every knob of one parameter on the
/// components of one kind (threats and teams stay one row each).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Lever {
    pub knobs: Vec<Knob>,
    /// The parameter and kind of a class of two or more components.
    pub class: Option<(Parameter, usize)>,
}

/// The parameter a component knob sets, and the component; `None` for a
/// threat's or a team's knob.
fn parameter(s: &Scenario, knob: Knob) -> Option<(Parameter, usize)> {
    let destroys =
        |c: usize, mode: usize| s.components[c].failures[mode].effect.kind() == Effect::Destroy;
    Some(match knob {
        Knob::FailureFrequency { component, mode } => (
            Parameter::FailureFrequency {
                destroy: destroys(component, mode),
            },
            component,
        ),
        Knob::FailureRepair { component, mode } => (
            Parameter::FailureRepair {
                destroy: destroys(component, mode),
            },
            component,
        ),
        Knob::Repair(c) => (Parameter::Repair, c),
        Knob::Rebuild(c) => (Parameter::Rebuild, c),
        Knob::Detect(c) => (Parameter::Detect, c),
        Knob::Switchover { component, .. } => (Parameter::Switchover, component),
        Knob::BackupInterval { component, tier } => (Parameter::BackupInterval { tier }, component),
        Knob::Restore { component, tier } => (Parameter::Restore { tier }, component),
        Knob::RestoreFails { component, tier } => (Parameter::RestoreFails { tier }, component),
        Knob::Keep { component, tier } => (Parameter::Keep { tier }, component),
        Knob::WorkRecovery(c) => (Parameter::WorkRecovery, c),
        Knob::ThreatFrequency(_) | Knob::ThreatTime(_) | Knob::Dwell(_) | Knob::TeamSize(_) => {
            return None
        }
    })
}

/// The tornado's rows from `knobs`: one per knob (`Grain::Component`), or
/// by class (`Grain::Class`): a parameter on every component of a kind
/// moves as one row, in the order its first knob comes (failure modes
/// that damage apart from those that destroy). A row of one knob is that
/// knob's own.
pub(super) fn levers(s: &Scenario, knobs: &[Knob], grain: Grain) -> Vec<Lever> {
    let single = |k: Knob| Lever {
        knobs: vec![k],
        class: None,
    };
    if grain == Grain::Component {
        return knobs.iter().map(|&k| single(k)).collect();
    }
    // Per class (parameter, kind): its row.
    let mut rows: Vec<Lever> = Vec::new();
    let mut index: std::collections::HashMap<(Parameter, &str), usize> =
        std::collections::HashMap::new();
    for &k in knobs {
        let Some((p, c)) = parameter(s, k) else {
            rows.push(single(k));
            continue;
        };
        let kind = s.components[c].kind.as_str();
        let row = *index.entry((p, kind)).or_insert_with(|| {
            rows.push(Lever {
                knobs: Vec::new(),
                class: Some((p, c)),
            });
            rows.len() - 1
        });
        rows[row].knobs.push(k);
    }
    // A row of one knob is that knob's own (a row of one component's
    // several failure modes stays a class: it moves them all).
    for row in &mut rows {
        if row.knobs.len() == 1 {
            row.class = None;
        }
    }
    rows
}

/// Which value of `s` a lever is: its knob's input, or the class.
pub(super) fn lever_input(s: &Scenario, lever: &Lever) -> Input {
    match lever.class {
        None => input(s, lever.knobs[0]),
        Some((parameter, c)) => {
            let mut components: Vec<usize> = lever
                .knobs
                .iter()
                .filter_map(|&k| self::parameter(s, k).map(|(_, c)| c))
                .collect();
            components.dedup();
            Input::Class {
                parameter,
                kind: s.components[c].kind.as_str().to_string(),
                components: components.len(),
            }
        }
    }
}
