//! Which trials an investment option (or a set of options) must simulate
//! in a comparison: an option that only sets some of the base's inputs to
//! other values (a faster repair, more frequent backups, a bigger team)
//! can differ from the base only in the trials where one of those inputs
//! came into play, exactly as a tornado's variant ([`triggers`](super::triggers));
//! in the others its trial is the base's, on common random numbers. Any
//! other option (new components, other dependencies, other prices) is
//! simulated in every trial.

use super::inputs::{inputs, Knob};
use super::triggers::{team_members, trigger, Trigger, Triggers};
use super::variants::{dist, dist_mut, value};
use super::Trial;
use crate::scenario::Scenario;

/// For each variant of a comparison, when its trial can differ from the
/// base's.
#[derive(Debug, Clone)]
pub(crate) struct Reuse {
    teams: Vec<Vec<usize>>,
    each: Vec<Triggers>,
}

impl Reuse {
    /// The triggers of each of `variants` against `base`; with `reuse`
    /// false, every variant runs every trial (the results are the same).
    pub(crate) fn new(base: &Scenario, variants: &[&Scenario], reuse: bool) -> Reuse {
        let always = || Triggers::of([Trigger::Always]);
        Reuse {
            teams: team_members(base),
            each: variants
                .iter()
                .map(|v| {
                    if reuse {
                        triggers_of(base, v).unwrap_or_else(always)
                    } else {
                        always()
                    }
                })
                .collect(),
        }
    }

    /// Whether variant `i` can differ from the base trial `base`.
    #[inline]
    pub(crate) fn fired(&self, i: usize, base: &Trial) -> bool {
        self.each[i].fired(base, &self.teams)
    }

    /// Whether variant `i` runs in every trial.
    #[cfg(test)]
    pub(crate) fn always(&self, i: usize) -> bool {
        self.each[i].each().any(|t| matches!(t, Trigger::Always))
    }
}

/// When `variant` can differ from `base`, if it is `base` with some of its
/// inputs set to other values; `None` when it differs in anything else.
fn triggers_of(base: &Scenario, variant: &Scenario) -> Option<Triggers> {
    if !same_shape(base, variant) {
        return None;
    }
    let knobs = inputs(base, None);
    // The base with every input as the variant has it must be the variant.
    // (Which options it applies is a record, not a value the trial reads.)
    let mut copy = base.clone();
    copy.options_applied.clone_from(&variant.options_applied);
    for &k in &knobs {
        take(&mut copy, variant, k)?;
    }
    if format!("{copy:?}") != format!("{variant:?}") {
        return None;
    }
    // A changed frequency may add events anywhere: every trial (a tornado
    // knows the direction of its change; an option's could be either).
    let changed = knobs
        .iter()
        .filter(|&&k| value(base, k) != value(variant, k));
    Some(Triggers::of(changed.map(|&k| match k {
        Knob::ThreatFrequency(_) | Knob::FailureFrequency { .. } => Trigger::Always,
        _ => trigger(base, k, true),
    })))
}

/// Whether every input of `base` is where it is in `variant`: the same
/// components (ids, failure modes, backup tiers, requirements), threats
/// and teams, in the same order.
fn same_shape(base: &Scenario, variant: &Scenario) -> bool {
    base.components.len() == variant.components.len()
        && base.threats.len() == variant.threats.len()
        && base.teams.len() == variant.teams.len()
        && base
            .components
            .iter()
            .zip(&variant.components)
            .all(|(a, b)| {
                a.id == b.id
                    && a.failures.len() == b.failures.len()
                    && a.backups.len() == b.backups.len()
                    && a.depends_on.len() == b.depends_on.len()
            })
        && base
            .threats
            .iter()
            .zip(&variant.threats)
            .all(|(a, b)| a.id == b.id)
}

/// Sets input `k` of `to` as `from` has it; `None` where one has the input
/// and the other not.
fn take(to: &mut Scenario, from: &Scenario, k: Knob) -> Option<()> {
    match k {
        Knob::ThreatFrequency(t) => to.threats[t].rate = from.threats[t].rate,
        Knob::FailureFrequency { component, mode } => {
            to.components[component].failures[mode].arrival =
                from.components[component].failures[mode].arrival.clone();
        }
        Knob::BackupInterval { component, tier } => {
            to.components[component].backups[tier].every =
                from.components[component].backups[tier].every;
        }
        Knob::RestoreFails { component, tier } => {
            to.components[component].backups[tier].restore_fails =
                from.components[component].backups[tier].restore_fails;
        }
        // The base has this tier's retention (else no input): a variant
        // without one differs in more than a value.
        Knob::Keep { component, tier } => {
            to.components[component].backups[tier].keep =
                Some(from.components[component].backups[tier].keep?);
        }
        Knob::TeamSize(t) => to.teams[t].size = from.teams[t].size,
        Knob::ThreatTime(_)
        | Knob::FailureRepair { .. }
        | Knob::Repair(_)
        | Knob::Rebuild(_)
        | Knob::Detect(_)
        | Knob::Switchover { .. }
        | Knob::Restore { .. }
        | Knob::Dwell(_)
        | Knob::WorkRecovery(_) => *dist_mut(to, k)? = dist(from, k)?.clone(),
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;
    use crate::sim::compare::compare_with;
    use crate::sim::{Config, NoProgress, Plan};

    const SCENARIO: &str = "name: Reuse
horizon: 1y
teams: [{id: ops, size: 1}]
components:
  - {id: db, kind: database, team: ops, repair: {exp: 20h}, failures: [{every: 2000h}],
     data: {backups: [{every: 1d, restore: 2h, keep: 7d}]}}
  - {id: app, kind: application, team: ops, repair: {exp: 2h}, failures: [{every: 900h}], depends_on: [db]}
  - {id: svc, kind: service, depends_on: [app], impact: {per_hour: 1000}}
threats:
  - {id: wipe, every: 5y, hits: {components: [db]}, effect: destroy, dwell: 2d}
options:
  - id: faster-db
    cost: {per_year: 1000}
    changes: [{set: {id: db, repair: {exp: 5h}}}]
  - id: bigger-team
    cost: {per_year: 1000}
    changes: [{set: {id: ops, size: 2}}]
  - id: hourly
    cost: {per_year: 1000}
    changes: [{set: {id: db, data: {backups: [{every: 1h, restore: 2h, keep: 7d}]}}}]
  - id: standby
    cost: {per_year: 1000}
    changes:
      - add: [{id: db2, kind: database, repair: {exp: 20h}, failures: [{every: 2000h}]}]
      - set: {id: app, depends_on: [{failover: [db, db2], switchover: 6m}]}
  - id: pricier
    cost: {per_year: 1000}
    changes: [{set: {id: svc, impact: {per_hour: 2000}}}]
  - id: rarer-wipe
    cost: {per_year: 1000}
    changes: [{set: {id: wipe, every: 10y}}]
  - id: keep-longer
    cost: {per_year: 1000}
    changes: [{set: {id: db, data: {backups: [{every: 1d, restore: 2h, keep: 30d}]}}}]
  - id: keep-forever
    cost: {per_year: 1000}
    changes: [{set: {id: db, data: {backups: [{every: 1d, restore: 2h}]}}}]
";

    #[test]
    fn only_options_that_set_inputs_to_other_values_reuse_the_base_trials() {
        let loaded = load_str(SCENARIO, "reuse.yaml").unwrap();
        let base = &loaded.scenario;
        let options = &loaded.options;
        let scenarios: Vec<&Scenario> = options.iter().map(|o| o.scenario()).collect();
        let reuse = Reuse::new(base, &scenarios, true);
        let always: Vec<(&str, bool)> = options
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), reuse.always(i)))
            .collect();
        assert_eq!(
            always,
            [
                ("faster-db", false),
                ("bigger-team", false),
                ("hourly", false),
                ("standby", true),
                ("pricier", true),
                ("rarer-wipe", true),
                ("keep-longer", false),
                ("keep-forever", true),
            ]
        );
        let none = Reuse::new(base, &scenarios, false);
        assert!((0..options.len()).all(|i| none.always(i)));
    }

    /// Reusing the base's trials changes no figure of a comparison, byte
    /// for byte, on this scenario and the bundled ones.
    #[test]
    fn a_comparison_reusing_trials_equals_one_simulating_them_all() {
        let bundled = ["hospital", "bank", "retail"].map(|name| {
            let path = format!("{}/scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
            std::fs::read_to_string(path).unwrap()
        });
        for yaml in std::iter::once(SCENARIO.to_string()).chain(bundled) {
            let loaded = load_str(&yaml, "s.yaml").unwrap();
            let base = &loaded.scenario;
            let options = &loaded.options;
            let plan = Plan::of(base, options);
            let threats: Vec<String> = base.threats.iter().take(2).map(|t| t.id.clone()).collect();
            // Some options of each reuse trials (hospital: bigger-oncall;
            // bank: auto-rollback, cyber-vault, clean-room, auto-db-failover;
            // retail: blue-green-checkout), so the equality is tested.
            let scenarios: Vec<&Scenario> = options.iter().map(|o| o.scenario()).collect();
            let r = Reuse::new(base, &scenarios, true);
            assert!((0..options.len()).any(|i| !r.always(i)), "{}", base.name);
            let config = Config::new(400, 7, 0).unwrap();
            let run = |reuse| {
                compare_with(
                    base,
                    options,
                    &plan,
                    None,
                    &threats,
                    &config,
                    &NoProgress,
                    reuse,
                )
                .unwrap()
            };
            assert_eq!(
                format!("{:?}", run(true)),
                format!("{:?}", run(false)),
                "{}",
                base.name
            );
        }
    }
}
