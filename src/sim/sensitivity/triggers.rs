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
    /// The service (its index in [`Model::services`]) had an outage.
    Outage(usize),
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

/// Index in [`Model::services`] of component `c`, a service: services are
/// compiled in component order.
pub(super) fn service_index(s: &Scenario, c: usize) -> usize {
    s.components[..c].iter().filter(|c| c.is_service()).count()
}

/// What the base trial must have done for a variant with `knob` set low
/// (`high == false`) or high to differ from it.
pub(super) fn trigger(s: &Scenario, knob: Knob, high: bool) -> Trigger {
    match knob {
        // A lower frequency only delays events: with none in the base
        // trial there are none in the variant either.
        Knob::ThreatFrequency(t) if !high => Trigger::Struck(t),
        Knob::FailureFrequency { component, .. } if !high => Trigger::WorkedOn(component),
        Knob::ThreatFrequency(_) | Knob::FailureFrequency { .. } => Trigger::Always,
        // The dwell is drawn when the threat strikes, from its own stream,
        // and read only by the destroys of that strike.
        Knob::ThreatTime(t) | Knob::Dwell(t) => Trigger::Struck(t),
        // A tier's interval, restore, chance of failing and retention are
        // read when the component is destroyed: work on it starts, or its
        // pending repair, started before, becomes a rebuild (work on it is
        // a superset: a damage too). A restore's failure is drawn from the
        // tier's own stream, so the other entities keep their draws.
        Knob::FailureRepair { component: c, .. }
        | Knob::Repair(c)
        | Knob::Rebuild(c)
        | Knob::Detect(c)
        | Knob::BackupInterval { component: c, .. }
        | Knob::Restore { component: c, .. }
        | Knob::RestoreFails { component: c, .. }
        | Knob::Keep { component: c, .. } => Trigger::WorkedOn(c),
        // The work recovery time is drawn when an outage of the service
        // ends, from the service's own stream, and changes only its
        // disruption: no event of the trial.
        Knob::WorkRecovery(c) => Trigger::Outage(service_index(s, c)),
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
            Trigger::Outage(s) => base.services[s].outages > 0,
        }
    }
}

/// When a row of inputs set together can differ from the base: when any
/// of its knobs' triggers fired.
#[derive(Debug, Clone)]
pub(super) struct Triggers(Vec<Trigger>);

impl Triggers {
    /// The triggers of a row's knobs (one `Always` is all it takes).
    pub(super) fn of(each: impl IntoIterator<Item = Trigger>) -> Triggers {
        let mut all = Vec::new();
        for t in each {
            if matches!(t, Trigger::Always) {
                return Triggers(vec![Trigger::Always]);
            }
            all.push(t);
        }
        Triggers(all)
    }

    /// Each trigger.
    pub(super) fn each(&self) -> std::slice::Iter<'_, Trigger> {
        self.0.iter()
    }

    /// Whether the row can differ from `base` (see [`Trigger::fired`]).
    #[inline]
    pub(super) fn fired(&self, base: &Trial, teams: &[Vec<usize>]) -> bool {
        self.0.iter().any(|t| t.fired(base, teams))
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
    use super::super::{tornado, Grain, How, Input, Metric, Sensitivity, VARIANT_BYTES};
    use crate::scenario::Scenario;
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

    /// Every input of spec v1.1 (section 13): impacts over time, work
    /// recovery times, retention, dwell times, restores that fail and hit
    /// groups, beside the v1 inputs they interact with (intervals,
    /// restores, teams, a failover).
    const CONTINUITY: &str = "name: Continuity
teams: [{id: ops, size: 1}, {id: dba, size: 1}]
sites: [{id: dc}, {id: dr}]
components:
  - {id: power, kind: power, site: dc, team: ops, repair: {exp: 2h}, failures: [{every: 2y}]}
  - id: db
    kind: database
    site: dc
    team: dba
    repair: {exp: 3h}
    rebuild: {uniform: [4h, 12h]}
    depends_on: [power]
    failures: [{every: 3y}, {every: 6y, effect: destroy}]
    data:
      backups:
        - {every: 4h, restore: 1h, keep: 2d, restore_fails: 0.3}
        - {every: 24h, restore: {triangular: [2h, 4h, 10h]}, keep: 10d, immutable: true, restore_fails: 0.1}
        - {every: 7d, restore: 12h, immutable: true, offsite: true}
  - id: files
    kind: storage
    site: dr
    team: dba
    repair: 2h
    failures: [{every: 4y, effect: destroy}]
    data: {backups: [{every: 1h, restore: 30m, keep: 1h, restore_fails: 0.5}, {every: 12h, restore: 2h, keep: 3d, immutable: true}]}
  - {id: app-1, kind: server, site: dc, team: ops, repair: 1h, failures: [{every: 1y}]}
  - {id: app-2, kind: server, site: dr, team: ops, repair: 1h, failures: [{every: 1y}]}
  - id: ledger
    kind: service
    depends_on: [db, {at_least: 1, of: [app-1, app-2]}]
    rto: 8h
    rpo: 12h
    mtpd: 2d
    wrt: {triangular: [1h, 3h, 12h]}
    impact:
      per_hour: 500
      per_hour_data_lost: 200
      per_incident: 100
      over_time: [{after: 4h, per_hour: 100}, {after: 24h, per_hour: 5000, once: 20000}]
  - id: shares
    kind: service
    depends_on: [files]
    rto: 4h
    wrt: {exp: 2h}
    impact: {over_time: [{after: 2h, per_hour: 300}], per_total_data_loss: 50000}
  - {id: portal, kind: service, depends_on: [app-1], wrt: 1h, impact: {per_hour: 50}}
threats:
  - id: ransomware
    every: 2y
    hits:
      - {components: [db], chance: 0.8}
      - {components: [files], chance: 0.6}
      - {kinds: [server]}
    chance: 0.5
    effect: destroy
    reaches_backups: true
    dwell: {lognormal: [12h, 10d]}
  - {id: flood, every: 8y, hits: {sites: [dc]}, effect: destroy, dwell: 6h, rebuild: {lognormal: [1d, 4d]}}
  - {id: wipe, every: 5y, hits: [{components: [files]}, {components: [db], chance: 0.5}], effect: destroy, dwell: {exp: 20h}}
  - {id: blip, per_year: 4, hits: [{components: [power], chance: 0.9}, {components: [app-2], chance: 0.2}], effect: disrupt, duration: {exp: 1h}}
";

    /// Partial re-simulation equals full re-simulation, byte for byte, on
    /// the inputs of spec v1.1, and each new input moves the metric.
    #[test]
    fn skipping_variants_that_cannot_differ_changes_nothing_on_continuity_inputs() {
        let s = crate::scenario::load_str(CONTINUITY, "continuity.yaml")
            .unwrap()
            .scenario;
        let config = Config::new(2000, 11, 1).expect("at least 2 trials");
        let mut runs = Vec::new();
        for metric in ["ale", "rto:ledger:ransomware", "rto:shares:wipe"] {
            let full = skipping_changes_nothing(&s, metric, &config);
            // Skipping skipped something: not every variant ran every trial.
            assert!(full
                .inputs
                .iter()
                .any(|i| i.changed_trials < config.trials.get()));
            runs.push(full);
        }
        let moved = |run: &Sensitivity, input: &Input| {
            let found = run.inputs.iter().find(|i| i.input == *input);
            assert!(found.is_some(), "{input:?} not listed");
            found.is_some_and(|i| i.changed_trials > 0)
        };
        let tier = |component: &str, tier: usize, every: f64| (component.to_string(), tier, every);
        let (ale, drill) = (&runs[0], &runs[1]);
        for (component, tier, every) in [
            tier("db", 0, 4.0),
            tier("db", 1, 24.0),
            tier("files", 0, 1.0),
        ] {
            let input = Input::RestoreFails {
                component: component.clone(),
                tier,
                every,
            };
            assert!(moved(ale, &input), "{input:?}");
        }
        for (component, tier, every) in [
            tier("db", 0, 4.0),
            tier("db", 1, 24.0),
            tier("files", 1, 12.0),
        ] {
            let input = Input::Keep {
                component,
                tier,
                every,
            };
            assert!(moved(ale, &input), "{input:?}");
        }
        for threat in ["ransomware", "flood", "wipe"] {
            let input = Input::Dwell {
                threat: threat.into(),
            };
            assert!(moved(ale, &input), "{input:?}");
        }
        for service in ["ledger", "shares", "portal"] {
            let input = Input::WorkRecovery {
                service: service.into(),
            };
            assert!(moved(ale, &input), "{input:?}");
        }
        // In the drill the dwell picks the point restored, so the restore
        // time and P(RTO met); the work recovery time is not an RTO input.
        assert!(moved(
            drill,
            &Input::Dwell {
                threat: "ransomware".into()
            }
        ));
        assert!(!drill
            .inputs
            .iter()
            .any(|i| matches!(i.input, Input::WorkRecovery { .. })));
        // One input's variants at a time gives the same results.
        let batched = tornado(&s, &Metric::Ale, None, &config, &NoProgress, how(true, 1)).unwrap();
        assert_eq!(format!("{batched:?}"), format!("{ale:?}"));
    }

    /// The tornado of `metric` with variants re-running only the trials
    /// they can change equals the one re-running every trial, byte for
    /// byte, and some variant changed some trial; returns the full one.
    fn skipping_changes_nothing(s: &Scenario, metric: &str, config: &Config) -> Sensitivity {
        let metric = Metric::parse(metric).unwrap();
        // By class too: a class's row can differ when any of its
        // components' triggers fired.
        let class = |skip| {
            let how = How {
                grain: Grain::Class,
                skip,
                variant_bytes: VARIANT_BYTES,
                screen: false,
            };
            tornado(s, &metric, None, config, &NoProgress, how).unwrap()
        };
        let (fast, full) = (class(true), class(false));
        assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{metric:?}");
        let run = |skip| {
            tornado(
                s,
                &metric,
                None,
                config,
                &NoProgress,
                how(skip, VARIANT_BYTES),
            )
        };
        let (fast, full) = (run(true).unwrap(), run(false).unwrap());
        assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{metric:?}");
        assert!(fast.inputs.iter().any(|i| i.changed_trials > 0));
        full
    }

    /// Per component, skipping or not, with variant models of at most
    /// `variant_bytes` at a time.
    fn how(skip: bool, variant_bytes: usize) -> How {
        How {
            grain: Grain::Component,
            skip,
            variant_bytes,
            screen: false,
        }
    }

    #[test]
    fn skipping_variants_that_cannot_differ_changes_nothing() {
        let s = crate::scenario::load_str(ESTATE, "estate.yaml")
            .unwrap()
            .scenario;
        let config = Config::new(600, 5, 1).expect("at least 2 trials");
        for metric in ["ale", "rto:shop:fire", "rto:shop:ransomware"] {
            skipping_changes_nothing(&s, metric, &config);
        }
        let full = tornado(
            &s,
            &Metric::Ale,
            None,
            &config,
            &NoProgress,
            how(false, VARIANT_BYTES),
        )
        .unwrap();
        // One input's variants at a time (the batching a large scenario
        // gets) gives the same results, byte for byte.
        let batched = tornado(&s, &Metric::Ale, None, &config, &NoProgress, how(false, 1)).unwrap();
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
