//! An input's value in a scenario, and the scenario with that input set
//! low or high.

use super::inputs::Knob;
use super::{InputValue, HIGH_FACTOR, LOW_FACTOR, TEAM_STEP};
use crate::scenario::{Arrival, Dist, Requirement, Scenario};

/// The distribution a duration input sets; `None` for the other inputs.
pub(super) fn dist(s: &Scenario, knob: Knob) -> Option<&Dist> {
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
        Knob::Dwell(t) => s.threats[t].effect.dwell(),
        Knob::WorkRecovery(c) => s.components[c].wrt.as_ref(),
        Knob::ThreatFrequency(_)
        | Knob::FailureFrequency { .. }
        | Knob::BackupInterval { .. }
        | Knob::RestoreFails { .. }
        | Knob::Keep { .. }
        | Knob::TeamSize(_) => None,
    }
}

/// The same as [`dist`], to change it.
pub(super) fn dist_mut(s: &mut Scenario, knob: Knob) -> Option<&mut Dist> {
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
        Knob::Dwell(t) => s.threats[t].effect.dwell_mut(),
        Knob::WorkRecovery(c) => s.components[c].wrt.as_mut(),
        Knob::ThreatFrequency(_)
        | Knob::FailureFrequency { .. }
        | Knob::BackupInterval { .. }
        | Knob::RestoreFails { .. }
        | Knob::Keep { .. }
        | Knob::TeamSize(_) => None,
    }
}

/// The value of an input in `s` (the base or a variant of it).
pub(super) fn value(s: &Scenario, knob: Knob) -> InputValue {
    match knob {
        Knob::ThreatFrequency(t) => s.threats[t]
            .rate
            .map_or(InputValue::Never, InputValue::PerHour),
        Knob::FailureFrequency { component, mode } => {
            match &s.components[component].failures[mode].arrival {
                Arrival::Every(mean) => InputValue::Every(*mean),
                Arrival::After(d) => InputValue::After(d.clone()),
            }
        }
        Knob::BackupInterval { component, tier } => {
            InputValue::Every(s.components[component].backups[tier].every)
        }
        Knob::RestoreFails { component, tier } => {
            InputValue::Chance(s.components[component].backups[tier].restore_fails)
        }
        Knob::Keep { component, tier } => InputValue::Kept(
            s.components[component].backups[tier]
                .keep
                .expect("a retention input is listed only where the tier has `keep`"),
        ),
        Knob::TeamSize(t) => InputValue::People(s.teams[t].size),
        Knob::ThreatTime(_)
        | Knob::FailureRepair { .. }
        | Knob::Repair(_)
        | Knob::Rebuild(_)
        | Knob::Detect(_)
        | Knob::Switchover { .. }
        | Knob::Restore { .. }
        | Knob::Dwell(_)
        | Knob::WorkRecovery(_) => InputValue::Hours(
            dist(s, knob)
                .expect("a duration input is listed only where the scenario has the duration")
                .clone(),
        ),
    }
}

/// The value of a row of knobs in `s`: the knobs' common value, or
/// [`InputValue::Various`] where they differ.
pub(super) fn value_of(s: &Scenario, knobs: &[Knob]) -> InputValue {
    let first = value(s, knobs[0]);
    if knobs[1..].iter().all(|&k| value(s, k) == first) {
        first
    } else {
        InputValue::Various
    }
}

/// The scenario with every one of `knobs` at its low or high setting (a
/// class of inputs set together), or `None` when that leaves it as it is.
pub(super) fn variant_of(base: &Scenario, knobs: &[Knob], high: bool) -> Option<Scenario> {
    let mut s = base.clone();
    let mut changed = false;
    for &knob in knobs {
        changed |= set(&mut s, knob, high);
    }
    changed.then_some(s)
}

/// Sets one input of `s` to its low or high setting; whether that changed
/// anything.
fn set(s: &mut Scenario, knob: Knob, high: bool) -> bool {
    let factor = if high { HIGH_FACTOR } else { LOW_FACTOR };
    match knob {
        Knob::ThreatFrequency(t) => {
            let Some(rate) = s.threats[t].rate.as_mut() else {
                return false;
            };
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
            let b = &mut s.components[component].backups[tier];
            // `keep` must be at least `every` (spec 13.3): backups no
            // rarer than the points they keep.
            let every = (b.every * factor).min(b.keep.unwrap_or(f64::INFINITY));
            if every == b.every {
                return false;
            }
            b.every = every;
        }
        Knob::RestoreFails { component, tier } => {
            let p = &mut s.components[component].backups[tier].restore_fails;
            let new = (*p * factor).min(1.0);
            if new == *p {
                return false;
            }
            *p = new;
        }
        Knob::Keep { component, tier } => {
            let b = &mut s.components[component].backups[tier];
            let Some(keep) = b.keep.as_mut() else {
                return false;
            };
            // `keep` must be at least `every` (spec 13.3).
            let new = (*keep * factor).max(b.every);
            if new == *keep {
                return false;
            }
            *keep = new;
        }
        Knob::TeamSize(t) => {
            let size = &mut s.teams[t].size;
            let new = if high {
                size.saturating_add(TEAM_STEP)
            } else {
                size.saturating_sub(TEAM_STEP).max(1)
            };
            if new == *size {
                return false;
            }
            *size = new;
        }
        Knob::ThreatTime(_)
        | Knob::FailureRepair { .. }
        | Knob::Repair(_)
        | Knob::Rebuild(_)
        | Knob::Detect(_)
        | Knob::Switchover { .. }
        | Knob::Restore { .. }
        | Knob::Dwell(_)
        | Knob::WorkRecovery(_) => {
            let Some(d) = dist_mut(s, knob) else {
                return false;
            };
            let scaled = d.scaled(factor);
            if scaled == *d {
                return false;
            }
            *d = scaled;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIERS: &str = "name: Bounds
components:
  - id: db
    kind: database
    rebuild: 2h
    data:
      backups:
        - {every: 4h, restore: 1h, keep: 6h, restore_fails: 0.6}
        - {every: 1d, restore: 2h, keep: 1d, restore_fails: 1}
        - {every: 1d, restore: 2h, restore_fails: 0.1}
  - {id: ledger, kind: service, depends_on: [db]}
threats:
  - {id: wipe, every: 1y, hits: {components: [db]}, effect: destroy, dwell: 2d}
";

    /// The v1.1 tier inputs are scaled by the factors but held at their
    /// bounds: a chance at most 1, `keep` never below `every`, `every`
    /// never above `keep` (spec 13.3); a setting held at the scenario's own
    /// value is no variant.
    #[test]
    fn tier_settings_stay_within_their_bounds() {
        let s = crate::scenario::load_str(TIERS, "bounds.yaml")
            .unwrap()
            .scenario;
        let set = |knob: Knob, high: bool| variant_of(&s, &[knob], high).map(|v| value(&v, knob));
        let fails = |tier| Knob::RestoreFails { component: 0, tier };
        let keep = |tier| Knob::Keep { component: 0, tier };
        let every = |tier| Knob::BackupInterval { component: 0, tier };

        assert_eq!(set(fails(0), false), Some(InputValue::Chance(0.3)));
        assert_eq!(set(fails(0), true), Some(InputValue::Chance(1.0)));
        assert_eq!(set(fails(1), false), Some(InputValue::Chance(0.5)));
        assert_eq!(set(fails(1), true), None);

        assert_eq!(set(keep(0), false), Some(InputValue::Kept(4.0)));
        assert_eq!(set(keep(0), true), Some(InputValue::Kept(12.0)));
        assert_eq!(set(keep(1), false), None);
        assert_eq!(set(keep(1), true), Some(InputValue::Kept(48.0)));

        assert_eq!(set(every(0), false), Some(InputValue::Every(2.0)));
        assert_eq!(set(every(0), true), Some(InputValue::Every(6.0)));
        assert_eq!(set(every(1), true), None);
        assert_eq!(set(every(2), true), Some(InputValue::Every(48.0)));

        // The dwell is a duration like the others.
        let dwell = Knob::Dwell(0);
        assert_eq!(
            set(dwell, true),
            Some(InputValue::Hours(crate::scenario::Dist::Fixed(96.0)))
        );
    }
}
