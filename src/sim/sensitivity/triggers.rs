//! Which trials a variant must simulate: only those in which the base
//! trial consulted the value the variant changes.

use super::inputs::Knob;
use super::Trial;
use crate::scenario::{Requirement, Scenario};

/// When a variant's trial can differ from the base's: only if the base
/// trial consulted the value the variant changes. Until a value is
/// consulted, both trials run the same events on the same random numbers;
/// if it never is, the variant's outcome is the base's, and the variant
/// need not run.
#[derive(Debug, Clone, Copy)]
pub(super) enum Trigger {
    Always,
    /// The threat struck.
    Struck(usize),
    /// The component was damaged or destroyed.
    WorkedOn(usize),
    /// The failover group started a switchover.
    Switched(usize),
    /// A component of the team was damaged or destroyed.
    Team(usize),
}

/// Index in [`Model::groups`] of requirement `r` of component `c`: groups
/// are compiled in component order, one per `at_least` or `failover`.
fn group_index(s: &Scenario, c: usize, r: usize) -> usize {
    let grouped = |req: &Requirement| !matches!(req, Requirement::Plain(_));
    let before: usize = s.components[..c]
        .iter()
        .map(|comp| comp.depends_on.iter().filter(|q| grouped(q)).count())
        .sum();
    before
        + s.components[c].depends_on[..r]
            .iter()
            .filter(|q| grouped(q))
            .count()
}

pub(super) fn trigger(s: &Scenario, knob: Knob, high: bool) -> Trigger {
    match knob {
        // A lower frequency only delays events: with none in the base
        // trial there are none in the variant either.
        Knob::ThreatFrequency(t) if !high => Trigger::Struck(t),
        Knob::FailureFrequency { component, .. } if !high => Trigger::WorkedOn(component),
        Knob::ThreatFrequency(_) | Knob::FailureFrequency { .. } => Trigger::Always,
        Knob::ThreatTime(t) => Trigger::Struck(t),
        Knob::FailureRepair { component: c, .. }
        | Knob::Repair(c)
        | Knob::Rebuild(c)
        | Knob::Detect(c)
        | Knob::BackupInterval { component: c, .. }
        | Knob::Restore { component: c, .. } => Trigger::WorkedOn(c),
        Knob::Switchover {
            component,
            requirement,
        } => Trigger::Switched(group_index(s, component, requirement)),
        Knob::TeamSize(t) => Trigger::Team(t),
    }
}

impl Trigger {
    /// Whether a variant with this trigger can differ from `base`, the base
    /// scenario's trial; `teams`: each team's components.
    #[inline]
    pub(super) fn fired(self, base: &Trial, teams: &[Vec<usize>]) -> bool {
        match self {
            Trigger::Always => true,
            Trigger::Struck(t) => base.strikes(t) > 0,
            Trigger::WorkedOn(c) => base.worked_on(c),
            Trigger::Switched(g) => base.switchovers(g) > 0,
            Trigger::Team(t) => teams[t].iter().any(|&c| base.worked_on(c)),
        }
    }
}

/// Each team's components, by index.
pub(super) fn team_members(s: &Scenario) -> Vec<Vec<usize>> {
    (0..s.teams.len())
        .map(|t| {
            (0..s.components.len())
                .filter(|&c| s.components[c].team == Some(t))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{tornado, Input, Metric, VARIANT_BYTES};
    use crate::sim::{Config, NoProgress};

    /// Every kind of input and trigger: failover, quorum, teams, backups,
    /// failure modes with and without overrides, threats of each effect.
    const ESTATE: &str = "name: Estate
teams: [{id: ops, size: 2}, {id: dba, size: 1}]
sites: [{id: dc}, {id: dr}]
components:
  - {id: power, kind: power, site: dc, repair: {lognormal: [1h, 8h]}, team: ops, failures: [{every: 3y}]}
  - id: db-a
    kind: database
    site: dc
    team: dba
    repair: {exp: 3h}
    rebuild: {uniform: [6h, 18h]}
    detect: 20m
    depends_on: [power]
    failures: [{every: 2y}, {after: {weibull: {shape: 2, scale: 3y}}, effect: destroy, repair: 1d}]
    data: {backups: [{every: 1h, restore: 1h}, {every: 24h, restore: {triangular: [2h, 4h, 12h]}, immutable: true, offsite: true}]}
  - {id: db-b, kind: database, site: dr, team: dba, repair: 4h, failures: [{every: 4y}], data: {backups: [{every: 6h, restore: 2h}]}}
  - {id: web-1, kind: server, site: dc, team: ops, repair: 1h, failures: [{every: 1y}]}
  - {id: web-2, kind: server, site: dr, team: ops, repair: 1h, failures: [{every: 1y}]}
  - id: shop
    kind: service
    depends_on:
      - {failover: [db-a, db-b], switchover: {lognormal: [10m, 2h]}, lag: 5m}
      - {at_least: 1, of: [web-1, web-2]}
    rto: 2h
    rpo: 30m
    impact: {per_hour: 1000, per_hour_data_lost: 300, per_incident: 500}
threats:
  - {id: fire, every: 5y, hits: {sites: [dc]}, effect: destroy, rebuild: {lognormal: [1d, 5d]}}
  - {id: ransomware, every: 3y, hits: {kinds: [database, server]}, chance: 0.7, effect: destroy, reaches_backups: true}
  - {id: outage, per_year: 3, hits: {components: [power]}, effect: disrupt, duration: {exp: 2h}}
  - {id: bug, per_year: 2, hits: {components: [web-1, web-2]}, effect: damage, repair: 30m}
";

    #[test]
    fn skipping_variants_that_cannot_differ_changes_nothing() {
        let s = crate::scenario::load_str(ESTATE, "estate.yaml")
            .unwrap()
            .scenario;
        let config = Config::new(600, 5, 1).expect("at least 2 trials");
        for metric in ["ale", "rto:shop:fire", "rto:shop:ransomware"] {
            let metric = Metric::parse(metric).unwrap();
            let fast =
                tornado(&s, &metric, None, &config, &NoProgress, true, VARIANT_BYTES).unwrap();
            let full = tornado(
                &s,
                &metric,
                None,
                &config,
                &NoProgress,
                false,
                VARIANT_BYTES,
            )
            .unwrap();
            assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{metric:?}");
            assert!(fast.inputs.iter().any(|i| i.changed_trials > 0));
        }
        let full = tornado(
            &s,
            &Metric::Ale,
            None,
            &config,
            &NoProgress,
            false,
            VARIANT_BYTES,
        )
        .unwrap();
        // One input's variants at a time (the batching a large scenario
        // gets) gives the same results, byte for byte.
        let batched = tornado(&s, &Metric::Ale, None, &config, &NoProgress, false, 1).unwrap();
        assert_eq!(format!("{batched:?}"), format!("{full:?}"));
        // Each kind of trigger was exercised.
        let component = |id: &str| id.to_string();
        for input in [
            Input::Switchover {
                component: component("shop"),
                requirement: 0,
            },
            Input::ThreatTime {
                threat: "bug".into(),
                field: "repair",
            },
            Input::ThreatTime {
                threat: "outage".into(),
                field: "duration",
            },
            Input::ThreatFrequency {
                threat: "ransomware".into(),
            },
            Input::FailureFrequency {
                component: component("db-a"),
                mode: 1,
                of_modes: 2,
            },
            Input::Repair {
                component: component("db-b"),
            },
            Input::TeamSize { team: "ops".into() },
        ] {
            let found = full.inputs.iter().find(|i| i.input == input);
            assert!(found.is_some_and(|i| i.changed_trials > 0), "{input:?}");
        }
    }
}
