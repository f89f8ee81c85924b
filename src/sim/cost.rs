//! What a simulation will cost, estimated before it starts.
//!
//! A scenario at the documented limits (a threat every minute, components
//! failing every minute for a thousand years) is valid, but one trial of it
//! simulates billions of events. The estimate here is the expected number
//! of events, from the rates in the scenario, so that the binary can refuse
//! a run that would take days before it starts (see [`MAX_EVENTS`]).
//!
//! Each failure or threat hit costs about [`EVENTS_PER_HIT`] events, and
//! every trial a fixed setup proportional to the scenario's size.
//! Recoveries that fan out through dependencies are not events of their
//! own, so the estimate stays within a small factor of the count: 1.0 to
//! 2.4 times it on the bundled scenarios and the tests here (tested against
//! the engine's own event count).

use super::sensitivity::{input_count, Grain, Metric};
use crate::scenario::{Arrival, InvestmentOption, Scenario};

/// The most events a command simulates without `--force`: about an hour
/// on two cores of the machine the README's performance figures come from
/// (16 million events a second a core on a component failing every minute,
/// `run --threads 1`).
pub const MAX_EVENTS: f64 = 1e11;

/// Events one hit costs: the hit and the work done (detection adds a third
/// where it is set).
const EVENTS_PER_HIT: f64 = 2.0;

/// Expected events in one trial of a run over `horizon` hours: failures
/// and threat hits at their rates, and a setup of one event per component,
/// failure mode and threat (arming the trial costs about as much).
pub fn run_events(s: &Scenario, horizon: f64) -> f64 {
    let failures: f64 = s
        .components
        .iter()
        .flat_map(|c| &c.failures)
        .map(|f| {
            let mean = match &f.arrival {
                Arrival::Every(mean) => *mean,
                Arrival::After(d) => d.mean(),
            };
            if mean > 0.0 {
                horizon / mean
            } else {
                0.0
            }
        })
        .sum();
    let threats: f64 = s
        .threats
        .iter()
        .map(|t| {
            let events = t.rate.unwrap_or(0.0) * horizon;
            // The arrival itself, then each target it hits.
            events * (1.0 + t.expected_hits() * EVENTS_PER_HIT)
        })
        .sum();
    setup(s) + failures * EVENTS_PER_HIT + threats
}

/// Expected events in one trial of a drill of threat `t`: one strike, and
/// every target it hits recovering (no independent failures are drawn).
pub fn drill_events(s: &Scenario, t: usize) -> f64 {
    let threat = &s.threats[t];
    setup(s) + 1.0 + threat.expected_hits() * EVENTS_PER_HIT
}

/// Expected events in one trial of the impact tolerance after threat `t`
/// ([`super::tolerance::assess`]): its drill, then a bisection's drills
/// per service with an MTPD, counted at their usual number
/// ([`super::tolerance::DRILLS_PER_SERVICE`]).
pub fn tolerance_events(s: &Scenario, t: usize) -> f64 {
    let services = s.services().filter(|(_, c)| c.mtpd.is_some()).count() as f64;
    drill_events(s, t) * (1.0 + super::tolerance::DRILLS_PER_SERVICE * services)
}

/// Expected events in one trial of `compare`: a run of the base and of
/// each option over `horizon` hours (default: the base's), a drill of
/// each of `threats` on each (unknown ids cost nothing: compare refuses
/// them), and the runs of the sets of options the package search
/// evaluates (`plan`), each counted as a run of the base.
pub fn compare_events(
    base: &Scenario,
    options: &[InvestmentOption],
    plan: &crate::sim::Plan,
    horizon: Option<f64>,
    threats: &[String],
) -> f64 {
    let horizon = horizon.unwrap_or(base.horizon);
    let package = plan.extra_variants() as f64 * run_events(base, horizon);
    package
        + std::iter::once(base)
            .chain(options.iter().map(InvestmentOption::scenario))
            .map(|s| {
                let drills: f64 = threats
                    .iter()
                    .filter_map(|t| s.threat_index(t))
                    .map(|t| drill_events(s, t))
                    .sum();
                run_events(s, horizon) + drills
            })
            .sum::<f64>()
}

/// Expected events in one trial of `sensitivity` on `metric`: the base and
/// the low and high variant of every input (variants that cannot differ
/// are skipped when it runs, so this is an upper bound). An unknown
/// threat costs nothing: sensitivity refuses it.
pub fn sensitivity_events(
    base: &Scenario,
    metric: &Metric,
    horizon: Option<f64>,
    grain: Grain,
) -> f64 {
    let (one, drilled) = match metric {
        Metric::Ale => (run_events(base, horizon.unwrap_or(base.horizon)), None),
        Metric::RtoMet { threat, .. } => match base.threat_index(threat) {
            Some(t) => (drill_events(base, t), Some(t)),
            None => return 0.0,
        },
    };
    (1 + 2 * input_count(base, drilled, grain)) as f64 * one
}

/// The fixed cost of a trial, in events: resetting and arming its state.
fn setup(s: &Scenario) -> f64 {
    let modes: usize = s.components.iter().map(|c| c.failures.len()).sum();
    (s.components.len() + modes + s.threats.len()) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;
    use crate::sim::{drill, run, Config, NoProgress};

    /// The estimate against the engine's own count, per trial.
    fn ratio_run(yaml: &str, horizon: f64) -> f64 {
        let s = load_str(yaml, "t.yaml").unwrap().scenario;
        let config = Config::new(200, 3, 1).unwrap();
        let r = run(&s, Some(horizon), &config, &NoProgress).unwrap();
        let ratio = run_events(&s, horizon) / (r.events as f64 / 200.0);
        eprintln!("{}: estimate / events = {ratio:.2}", s.name);
        ratio
    }

    #[test]
    fn the_estimate_is_within_a_small_factor_of_the_events_simulated() {
        // Independent failures only.
        let flap = "name: f\ncomponents:\n  - {id: box, kind: server, repair: 1s, failures: [{every: 1h}]}\n  - {id: svc, kind: service, depends_on: [box]}\n";
        let r = ratio_run(flap, 8760.0);
        assert!((0.5..=4.0).contains(&r), "{r}");
        // Threats hitting many components, with a chance, and a team.
        let estate = "name: e\nteams: [{id: ops, size: 1}]\ncomponents:\n  - {id: a, kind: server, team: ops, repair: 2h, failures: [{every: 30d}]}\n  - {id: b, kind: server, team: ops, repair: 2h, failures: [{after: {weibull: {shape: 2, scale: 60d}}}]}\n  - {id: c, kind: server, team: ops, repair: 2h}\n  - {id: svc, kind: service, depends_on: [{at_least: 2, of: [a, b, c]}]}\nthreats:\n  - {id: storm, every: 10d, hits: {kinds: [server]}, chance: 0.5, effect: damage}\n  - {id: blip, per_year: 100, hits: {components: [a]}, effect: disrupt, duration: 5m}\n";
        let r = ratio_run(estate, 10.0 * 8760.0);
        assert!((0.5..=4.0).contains(&r), "{r}");
    }

    #[test]
    fn the_estimate_holds_on_the_bundled_scenarios() {
        for (name, yaml) in [
            ("bank", include_str!("../../scenarios/bank.yaml")),
            ("hospital", include_str!("../../scenarios/hospital.yaml")),
            ("retail", include_str!("../../scenarios/retail.yaml")),
        ] {
            let s = load_str(yaml, name).unwrap().scenario;
            let r = ratio_run(yaml, s.horizon);
            assert!((0.5..=4.0).contains(&r), "{name}: {r}");
        }
    }

    #[test]
    fn a_drill_costs_its_targets_not_the_horizon() {
        let yaml = "name: d\ncomponents:\n  - {id: a, kind: server, repair: 2h, failures: [{every: 1m}]}\n  - {id: b, kind: server, repair: 2h}\n  - {id: svc, kind: service, depends_on: [a, b]}\nthreats:\n  - {id: fire, hits: {components: [a, b]}, effect: destroy}\n";
        let s = load_str(yaml, "t.yaml").unwrap().scenario;
        let config = Config::new(100, 3, 1).unwrap();
        let r = drill(&s, "fire", &config, &NoProgress).unwrap();
        let per_trial = r.events as f64 / 100.0;
        let estimate = drill_events(&s, 0);
        // A drill's events are few; the setup of its trial dominates.
        assert!(
            estimate >= 0.5 * per_trial && estimate <= 4.0 * per_trial + setup(&s),
            "{estimate} vs {per_trial}"
        );
        // The minute-by-minute failures of a run do not enter a drill.
        assert!(run_events(&s, 8760.0) > 1e5 * estimate);
    }
}
