//! Which inputs a scenario has that can change the metric: the hits each
//! component can suffer ([`Exposure`]), from them the list of inputs
//! ([`Knob`]s) worth setting low and high, and what each is ([`input`]).

use super::Input;
use crate::scenario::{Effect, Requirement, Scenario, Threat};

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
            for tier in 0..comp.backups.len() {
                knobs.push(Knob::BackupInterval { component: c, tier });
                knobs.push(Knob::Restore { component: c, tier });
            }
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
        Knob::TeamSize(t) => Input::TeamSize {
            team: s.teams[t].id.clone(),
        },
    }
}
