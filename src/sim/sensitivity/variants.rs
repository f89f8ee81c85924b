//! An input's value in a scenario, and the scenario with that input set
//! low or high.

use super::inputs::Knob;
use super::{HIGH_FACTOR, LOW_FACTOR, TEAM_STEP};
use crate::scenario::{fmt_hours, Arrival, Dist, Requirement, Scenario, HOURS_PER_YEAR};

/// Events per hour as `2/y`, or as `every 20y` when `rare` (the form is
/// chosen once per input, from the scenario's value, so a row reads alike).
fn frequency(per_hour: f64, rare: bool) -> String {
    let per_year = per_hour * HOURS_PER_YEAR;
    if !rare {
        format!("{}/y", trim(per_year))
    } else {
        format!("every {}", fmt_hours(1.0 / per_hour))
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn dist(s: &Scenario, knob: Knob) -> Option<&Dist> {
    match knob {
        Knob::ThreatTime(t) => s.threats[t].effect.own_time(),
        Knob::FailureRepair { component, mode } => {
            s.components[component].failures[mode].effect.own_time()
        }
        Knob::Repair(c) => s.components[c].repair.as_ref(),
        Knob::Rebuild(c) => s.components[c].rebuild.as_ref(),
        Knob::Detect(c) => s.components[c].detect.as_ref(),
        Knob::Switchover {
            component,
            requirement,
        } => match &s.components[component].depends_on[requirement] {
            Requirement::Failover { switchover, .. } => Some(switchover),
            _ => None,
        },
        Knob::Restore { component, tier } => Some(&s.components[component].backups[tier].restore),
        _ => None,
    }
}

/// The same as [`dist`], to change it.
fn dist_mut(s: &mut Scenario, knob: Knob) -> Option<&mut Dist> {
    match knob {
        Knob::ThreatTime(t) => s.threats[t].effect.own_time_mut(),
        Knob::FailureRepair { component, mode } => {
            s.components[component].failures[mode].effect.own_time_mut()
        }
        Knob::Repair(c) => s.components[c].repair.as_mut(),
        Knob::Rebuild(c) => s.components[c].rebuild.as_mut(),
        Knob::Detect(c) => s.components[c].detect.as_mut(),
        Knob::Switchover {
            component,
            requirement,
        } => match &mut s.components[component].depends_on[requirement] {
            Requirement::Failover { switchover, .. } => Some(switchover),
            _ => None,
        },
        Knob::Restore { component, tier } => {
            Some(&mut s.components[component].backups[tier].restore)
        }
        _ => None,
    }
}

/// The value of an input in `s` (the base or a variant of it) as people read it.
pub(super) fn value(s: &Scenario, base: &Scenario, knob: Knob) -> String {
    match knob {
        Knob::ThreatFrequency(t) => {
            let rare = base.threats[t].per_year().is_some_and(|y| y < 1.0);
            s.threats[t]
                .rate
                .map_or("never".into(), |r| frequency(r, rare))
        }
        Knob::FailureFrequency { component, mode } => {
            match &s.components[component].failures[mode].arrival {
                Arrival::Every(mean) => format!("every {}", fmt_hours(*mean)),
                Arrival::After(d) => format!("after {}", d.describe()),
            }
        }
        Knob::BackupInterval { component, tier } => {
            format!(
                "every {}",
                fmt_hours(s.components[component].backups[tier].every)
            )
        }
        Knob::TeamSize(t) => s.teams[t].size.to_string(),
        _ => dist(s, knob).map_or(String::new(), Dist::describe),
    }
}

/// The scenario with one input at its low (`high == false`) or high setting,
/// or `None` when that setting is the scenario's own value.
pub(super) fn variant(base: &Scenario, knob: Knob, high: bool) -> Option<Scenario> {
    let factor = if high { HIGH_FACTOR } else { LOW_FACTOR };
    let mut s = base.clone();
    match knob {
        Knob::ThreatFrequency(t) => {
            let rate = s.threats[t].rate.as_mut()?;
            *rate *= factor;
        }
        Knob::FailureFrequency { component, mode } => {
            let arrival = &mut s.components[component].failures[mode].arrival;
            // A higher frequency is a shorter time to failure.
            *arrival = match arrival {
                Arrival::Every(mean) => Arrival::Every(*mean / factor),
                Arrival::After(d) => Arrival::After(d.scaled(1.0 / factor)),
            };
        }
        Knob::BackupInterval { component, tier } => {
            s.components[component].backups[tier].every *= factor;
        }
        Knob::TeamSize(t) => {
            let size = &mut s.teams[t].size;
            let new = if high {
                size.saturating_add(TEAM_STEP)
            } else {
                size.saturating_sub(TEAM_STEP).max(1)
            };
            if new == *size {
                return None;
            }
            *size = new;
        }
        _ => {
            let d = dist_mut(&mut s, knob)?;
            let scaled = d.scaled(factor);
            if scaled == *d {
                return None;
            }
            *d = scaled;
        }
    }
    Some(s)
}
