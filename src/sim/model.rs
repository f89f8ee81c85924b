//! The scenario lowered to flat arrays for the hot loop: no strings, no
//! hashing, index ranges instead of nested vectors.

use super::rng::tag;
use crate::graph::{DependencyGraph, Link};
use crate::scenario::{Arrival, Dist, Effect, Scenario, ThreatEffect};
use std::collections::HashMap;

/// The index that points nowhere: no team, service, distribution, group,
/// threat or backup tier.
pub(crate) const NONE: u32 = u32::MAX;

/// What the hot loop reads of every component on every event, packed in
/// one small record (the rest of a component lives in [`CompiledComponent`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct HotComponent {
    /// Range into [`Model::up_edges`]: the components that need this one.
    pub up: (u32, u32),
    /// Range into [`Model::failures`].
    pub failures: (u32, u32),
    /// The team that repairs it, or [`NONE`] for unlimited hands.
    pub team: u32,
    /// The service it is, or [`NONE`].
    pub service: u32,
    /// The random stream of its repair, rebuild and restore times.
    pub work_tag: u64,
    /// Its detection delay, in [`Model::dists`] ([`NONE`]: found at once).
    pub detect: u32,
    /// A copy of its first dependent link (`up_edges[up.0]`), which spares
    /// the hot loop a second cache line for most components.
    pub first_up: UpEdge,
}

/// What the engine reads of a component off the hot path.
#[derive(Debug, Clone)]
pub(crate) struct CompiledComponent {
    /// Its team's queue order: lower repairs first.
    pub priority: i64,
    /// Repair time, in [`Model::dists`] ([`NONE`]: instant).
    pub repair: u32,
    /// Rebuild time, defaulting to the repair time, in [`Model::dists`].
    pub rebuild: u32,
    /// Range into [`Model::tiers`].
    pub tiers: (u32, u32),
    /// It holds data itself (has `data:`).
    pub stateful: bool,
    /// It or something below it holds data.
    pub holds_data: bool,
    /// The random stream of its detection delays.
    pub detect_tag: u64,
}

/// Which kind of redundancy group a requirement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupKind {
    /// `at_least: k, of: [...]`: holds while k members are available.
    AtLeast,
    /// `failover: [...]`: holds while its active member is available.
    Failover,
}

/// A redundancy group: one `at_least` or `failover` requirement.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    /// At least k, or failover.
    pub kind: GroupKind,
    /// The component whose requirement it is.
    pub owner: u32,
    /// Range into [`Model::group_members`].
    pub members: (u32, u32),
    /// Members needed (1 for failover).
    pub k: u32,
    /// Time to switch to another member, hours (failover; 0 otherwise).
    pub switchover: Dist,
    /// Hours of data lost by each completed switchover (failover).
    pub lag: f64,
    /// The random stream of its switchover times.
    pub tag: u64,
}

/// A link from a component up to one that needs it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UpEdge {
    /// The component that needs it ([`NONE`] in an empty `first_up`).
    pub dependent: u32,
    /// [`NONE`] for a plain requirement, else the group index.
    pub group: u32,
}

/// One failure mode of a component (its `failures:` entry).
#[derive(Debug, Clone)]
pub(crate) struct CompiledFailure {
    /// The component that fails.
    pub component: u32,
    /// Mean time between failures, hours, when exponential (`after` is [`NONE`]).
    pub every: f64,
    /// Time to failure given as `after:`, in [`Model::dists`] ([`NONE`] for `every:`).
    pub after: u32,
    /// Damage or destroy.
    pub effect: Effect,
    /// How long the work takes, in [`Model::dists`]: the failure's own
    /// `repair`, else the component's repair (damage) or rebuild (destroy).
    pub work: u32,
    /// The random stream of its times to failure.
    pub tag: u64,
}

/// One backup tier of a component.
#[derive(Debug, Clone)]
pub(crate) struct Tier {
    /// Hours between backups.
    pub every: f64,
    /// Time to restore from it, hours.
    pub restore: Dist,
    /// Mean of `restore`, hours: breaks ties between equally recent tiers.
    pub restore_mean: f64,
    /// Survives a threat that reaches backups.
    pub immutable: bool,
    /// Survives a threat that hits the component's site.
    pub offsite: bool,
    /// Recovery points older than this are deleted, hours (infinite: kept
    /// for ever).
    pub keep: f64,
    /// Chance that a restore from it fails.
    pub restore_fails: f64,
    /// The random stream of its phase (word 0: when in the interval backups
    /// are taken) and of whether its restores fail (the words after);
    /// restore times come from the component's work stream.
    pub tag: u64,
}

/// A threat: correlated hits on the components it selects.
#[derive(Debug, Clone)]
pub(crate) struct CompiledThreat {
    /// Events per hour, if it arrives at random.
    pub rate: Option<f64>,
    /// The components it selects, in scenario order.
    pub targets: Vec<u32>,
    /// Per target: the tag of the (threat, component) chance stream.
    pub target_tags: Vec<u64>,
    /// Per target: the probability 0..1 that an event hits it.
    pub chances: Vec<f64>,
    /// Per target: does the threat select the target's site?
    pub site_hit: Vec<bool>,
    /// Disrupt, damage or destroy.
    pub effect: Effect,
    /// A disruption's duration; `None` for any other effect.
    pub duration: Option<Dist>,
    /// Its own repair (damage) or rebuild (destroy) time, in
    /// [`Model::dists`] ([`NONE`]: each target's own).
    pub work: u32,
    /// A destroy that also destroys the tiers that are not immutable.
    pub reaches_backups: bool,
    /// How long the attacker was inside before a destroy, hours (one draw
    /// per event, from the stream `dwell_tag`); `None`: no dwell.
    pub dwell: Option<Dist>,
    /// The random stream of its dwell times.
    pub dwell_tag: u64,
    /// The random stream of its arrival times (run).
    pub arrival_tag: u64,
    /// The random stream of its disruption durations.
    pub duration_tag: u64,
}

/// A service: its targets and what its outages cost.
#[derive(Debug, Clone)]
pub(crate) struct CompiledService {
    /// Its component.
    pub component: u32,
    /// Recovery time objective, hours.
    pub rto: Option<f64>,
    /// Recovery point objective, hours of data.
    pub rpo: Option<f64>,
    /// Maximum tolerable period of disruption, hours.
    pub mtpd: Option<f64>,
    /// Money per hour of downtime.
    pub per_hour: f64,
    /// Money per hour of data lost.
    pub per_hour_data_lost: f64,
    /// Money per outage.
    pub per_incident: f64,
    /// Money per total data loss ([`Impact::total_loss_price`](crate::scenario::Impact::total_loss_price)).
    pub per_total_data_loss: f64,
    /// How the hourly rate changes as a disruption goes on, by increasing
    /// `after`; empty for a flat rate.
    pub steps: Vec<Step>,
    /// Work recovery time after each outage, in [`Model::dists`] ([`NONE`]:
    /// none).
    pub wrt: u32,
    /// The random stream of its work recovery times (one word per outage).
    pub wrt_tag: u64,
}

/// One step of an impact over time, as the change it makes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    /// Hours into a disruption.
    pub after: f64,
    /// The hourly rate from `after` on minus the rate before it.
    pub rise: f64,
    /// Money paid once when a disruption lasts longer than `after`.
    pub once: f64,
}

/// What a disruption costs beyond `per_hour` × its hours, in two parts
/// that the loss breakdown reports apart.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct StepCost {
    /// The changed rates of the steps it passed, over the hours past each.
    pub rate: f64,
    /// The `once` amounts of the steps it passed.
    pub once: f64,
}

impl CompiledService {
    /// What a disruption of `hours` costs beyond `per_hour` × `hours`: the
    /// changed rates of the steps it passed and their `once` amounts (spec
    /// 13.1). 0 for a flat rate.
    #[inline]
    pub(crate) fn step_cost(&self, hours: f64) -> StepCost {
        step_cost(&self.steps, hours)
    }
}

/// See [`CompiledService::step_cost`].
fn step_cost(steps: &[Step], hours: f64) -> StepCost {
    let mut cost = StepCost::default();
    for step in steps {
        if hours <= step.after {
            break;
        }
        cost.rate += step.rise * (hours - step.after);
        cost.once += step.once;
    }
    cost
}

/// The steps of an impact as changes of rate from the base `per_hour`.
fn steps(impact: &crate::scenario::Impact) -> Vec<Step> {
    let mut rate = impact.per_hour;
    impact
        .over_time
        .iter()
        .map(|s| {
            let next = s.per_hour.unwrap_or(rate);
            let step = Step {
                after: s.after,
                rise: next - rate,
                once: s.once,
            };
            rate = next;
            step
        })
        .collect()
}

/// Distinct distributions, each stored once.
#[derive(Default)]
struct Interner {
    dists: Vec<Dist>,
    index: HashMap<String, u32>,
}

impl Interner {
    /// The index of `dist` ([`NONE`] for none), adding it if new. Debug
    /// output prints every float exactly, so equal text means equal
    /// distributions.
    fn intern(&mut self, dist: Option<&Dist>) -> u32 {
        let Some(dist) = dist else { return NONE };
        let dists = &mut self.dists;
        *self.index.entry(format!("{dist:?}")).or_insert_with(|| {
            dists.push(dist.clone());
            (dists.len() - 1) as u32
        })
    }
}

/// The compiled model: what [`Trial`](super::Trial) simulates. Component,
/// threat and team indices are the scenario's. Public for the integration
/// tests and benches, which compile a model once and run trials on it; its
/// contents are the engine's own.
#[derive(Debug, Clone)]
pub struct Model {
    /// Every distinct duration distribution, referred to by index, so the
    /// few the hot loop samples stay in cache.
    pub(crate) dists: Vec<Dist>,
    pub(crate) components: Vec<CompiledComponent>,
    pub(crate) hot: Vec<HotComponent>,
    pub(crate) groups: Vec<Group>,
    pub(crate) group_members: Vec<u32>,
    /// The dependents of every component, one range per component (see
    /// [`HotComponent::up`]).
    pub(crate) up_edges: Vec<UpEdge>,
    pub(crate) failures: Vec<CompiledFailure>,
    pub(crate) tiers: Vec<Tier>,
    pub(crate) threats: Vec<CompiledThreat>,
    pub(crate) services: Vec<CompiledService>,
    pub(crate) team_sizes: Vec<u32>,
}

/// How long the work after a hit of `effect` takes, in [`Model::dists`]:
/// the failure mode's or threat's `own` time if it has one, else the
/// component's `repair` (damage) or `rebuild` (destroy); [`NONE`] for a
/// disruption, which clears by itself.
fn work_time(effect: Effect, own: u32, repair: u32, rebuild: u32) -> u32 {
    let component = match effect {
        Effect::Disrupt => return NONE,
        Effect::Damage => repair,
        Effect::Destroy => rebuild,
    };
    if own != NONE {
        own
    } else {
        component
    }
}

impl CompiledComponent {
    /// How long its work after a hit of `effect` takes, given the hit's
    /// `own` time ([`NONE`]: none; see [`work_time`]).
    pub(crate) fn work(&self, effect: Effect, own: u32) -> u32 {
        work_time(effect, own, self.repair, self.rebuild)
    }
}

impl Model {
    /// About how many bytes the model holds on the heap; a trial of it
    /// holds about as many again. Used to bound how many models are kept
    /// at once (sensitivity's variants).
    pub(crate) fn footprint(&self) -> usize {
        fn bytes<T>(v: &[T]) -> usize {
            std::mem::size_of_val(v)
        }
        let threats: usize = self
            .threats
            .iter()
            .map(|t| {
                bytes(&t.targets) + bytes(&t.target_tags) + bytes(&t.chances) + bytes(&t.site_hit)
            })
            .sum();
        bytes(&self.dists)
            + bytes(&self.components)
            + bytes(&self.hot)
            + bytes(&self.groups)
            + bytes(&self.group_members)
            + bytes(&self.up_edges)
            + bytes(&self.failures)
            + bytes(&self.tiers)
            + bytes(&self.threats)
            + threats
            + bytes(&self.services)
            + bytes(&self.team_sizes)
    }

    /// Lowers a validated scenario, with its dependency graph, to the flat
    /// model. Random-stream tags come from ids, so a variant of the scenario
    /// (an option, a sensitivity setting) keeps the draws of every entity it
    /// does not change.
    pub fn compile(scenario: &Scenario, graph: &DependencyGraph) -> Model {
        let n = scenario.components.len();
        let mut groups = Vec::new();
        let mut group_members = Vec::new();
        let mut group_of = vec![Vec::new(); n]; // requirement index -> group index
        let mut failures = Vec::new();
        let mut tiers = Vec::new();
        let mut components = Vec::with_capacity(n);
        let mut hot = Vec::with_capacity(n);
        let mut dists = Interner::default();
        let mut services = Vec::new();

        for (i, c) in scenario.components.iter().enumerate() {
            for (j, req) in c.depends_on.iter().enumerate() {
                use crate::scenario::Requirement::*;
                match req {
                    Plain(_) => {
                        group_of[i].push(NONE);
                    }
                    AtLeast { k, of } => {
                        let start = group_members.len() as u32;
                        group_members.extend(of.iter().map(|&m| m as u32));
                        group_of[i].push(groups.len() as u32);
                        groups.push(Group {
                            kind: GroupKind::AtLeast,
                            owner: i as u32,
                            members: (start, group_members.len() as u32),
                            k: *k as u32,
                            switchover: Dist::Fixed(0.0),
                            lag: 0.0,
                            tag: tag(&["group", &c.id, &j.to_string()]),
                        });
                    }
                    Failover {
                        members,
                        switchover,
                        lag,
                    } => {
                        let start = group_members.len() as u32;
                        group_members.extend(members.iter().map(|&m| m as u32));
                        group_of[i].push(groups.len() as u32);
                        groups.push(Group {
                            kind: GroupKind::Failover,
                            owner: i as u32,
                            members: (start, group_members.len() as u32),
                            k: 1,
                            switchover: switchover.clone(),
                            lag: *lag,
                            tag: tag(&["group", &c.id, &j.to_string()]),
                        });
                    }
                }
            }
            let repair = dists.intern(c.repair.as_ref());
            let rebuild = dists.intern(c.rebuild.as_ref().or(c.repair.as_ref()));
            let f_start = failures.len() as u32;
            for (j, f) in c.failures.iter().enumerate() {
                let (every, after) = match &f.arrival {
                    Arrival::Every(h) => (*h, NONE),
                    Arrival::After(d) => (f64::NAN, dists.intern(Some(d))),
                };
                failures.push(CompiledFailure {
                    component: i as u32,
                    every,
                    after,
                    effect: f.effect.kind(),
                    work: work_time(
                        f.effect.kind(),
                        dists.intern(f.effect.own_time()),
                        repair,
                        rebuild,
                    ),
                    tag: tag(&["failure", &c.id, &j.to_string()]),
                });
            }
            let t_start = tiers.len() as u32;
            for (j, b) in c.backups.iter().enumerate() {
                tiers.push(Tier {
                    every: b.every,
                    restore: b.restore.clone(),
                    restore_mean: b.restore.mean(),
                    immutable: b.immutable,
                    offsite: b.offsite,
                    keep: b.keep.unwrap_or(f64::INFINITY),
                    restore_fails: b.restore_fails,
                    tag: tag(&["backup", &c.id, &j.to_string()]),
                });
            }
            let service = if c.is_service() {
                services.push(CompiledService {
                    component: i as u32,
                    rto: c.rto,
                    rpo: c.rpo,
                    mtpd: c.mtpd,
                    per_hour: c.impact.per_hour,
                    per_hour_data_lost: c.impact.per_hour_data_lost,
                    per_incident: c.impact.per_incident,
                    per_total_data_loss: c.impact.total_loss_price(),
                    steps: steps(&c.impact),
                    wrt: dists.intern(c.wrt.as_ref()),
                    wrt_tag: tag(&["wrt", &c.id]),
                });
                (services.len() - 1) as u32
            } else {
                NONE
            };
            hot.push(HotComponent {
                up: (0, 0),
                failures: (f_start, failures.len() as u32),
                team: c.team.map_or(NONE, |t| t as u32),
                service,
                work_tag: tag(&["work", &c.id]),
                detect: dists.intern(c.detect.as_ref()),
                first_up: UpEdge {
                    dependent: NONE,
                    group: NONE,
                },
            });
            components.push(CompiledComponent {
                priority: c.priority,
                repair,
                rebuild,
                tiers: (t_start, tiers.len() as u32),
                stateful: c.stateful,
                holds_data: c.stateful,
                detect_tag: tag(&["detect", &c.id]),
            });
        }

        // Data held below a component, in dependency order.
        for &c in graph.topological_order() {
            let below = scenario.components[c]
                .dependencies()
                .any(|d| components[d].holds_data);
            components[c].holds_data |= below;
        }

        // The dependents of each component, contiguous per component.
        let mut up_edges = Vec::new();
        for (c, h) in hot.iter_mut().enumerate() {
            let start = up_edges.len() as u32;
            let mut edges: Vec<UpEdge> = graph
                .dependents(c)
                .map(|(d, link)| UpEdge {
                    dependent: d as u32,
                    group: match link {
                        Link::Plain => NONE,
                        Link::AtLeast { group } | Link::Failover { group } => group_of[d][group],
                    },
                })
                .collect();
            // petgraph lists edges newest first; keep a stable, readable order.
            edges.sort_by_key(|e| (e.dependent, e.group));
            up_edges.extend(edges);
            h.up = (start, up_edges.len() as u32);
            if let Some(&first) = up_edges.get(start as usize) {
                h.first_up = first;
            }
        }

        let threats = scenario
            .threats
            .iter()
            .map(|t| {
                // Per target, not per component: memory grows with what
                // threats select, not with threats times components.
                let site_hit = t
                    .components()
                    .map(|c| {
                        let site = scenario.components[c].site;
                        site.is_some_and(|s| t.sites.binary_search(&s).is_ok())
                    })
                    .collect();
                let (duration, work, reaches_backups, dwell) = match &t.effect {
                    ThreatEffect::Disrupt { duration } => {
                        (Some(duration.clone()), None, false, None)
                    }
                    ThreatEffect::Damage { repair } => (None, repair.as_ref(), false, None),
                    ThreatEffect::Destroy {
                        rebuild,
                        reaches_backups,
                        dwell,
                    } => (None, rebuild.as_ref(), *reaches_backups, dwell.clone()),
                };
                CompiledThreat {
                    rate: t.rate,
                    targets: t.components().map(|c| c as u32).collect(),
                    target_tags: t
                        .components()
                        .map(|c| tag(&["chance", &t.id, &scenario.components[c].id]))
                        .collect(),
                    chances: t.targets.iter().map(|x| x.chance).collect(),
                    site_hit,
                    effect: t.effect.kind(),
                    duration,
                    work: dists.intern(work),
                    reaches_backups,
                    dwell,
                    dwell_tag: tag(&["dwell", &t.id]),
                    arrival_tag: tag(&["arrival", &t.id]),
                    duration_tag: tag(&["duration", &t.id]),
                }
            })
            .collect();

        Model {
            dists: dists.dists,
            components,
            hot,
            groups,
            group_members,
            up_edges,
            failures,
            tiers,
            threats,
            services,
            team_sizes: scenario.teams.iter().map(|t| t.size).collect(),
        }
    }

    #[inline]
    pub(crate) fn dependents(&self, c: u32) -> &[UpEdge] {
        let (a, b) = self.hot[c as usize].up;
        &self.up_edges[a as usize..b as usize]
    }

    /// The distribution at `index` in [`Model::dists`]; [`NONE`] gives none.
    #[inline]
    pub(crate) fn dist(&self, index: u32) -> Option<&Dist> {
        debug_assert!(index == NONE || (index as usize) < self.dists.len());
        self.dists.get(index as usize)
    }

    #[inline]
    pub(crate) fn members(&self, g: u32) -> &[u32] {
        let (a, b) = self.groups[g as usize].members;
        &self.group_members[a as usize..b as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::{step_cost, steps};
    use crate::scenario::{Impact, ImpactStep};
    use proptest::prelude::*;

    /// The cost of a disruption of `hours` the slow way: the rate of each
    /// interval between steps times the hours of it inside the disruption,
    /// plus every `once` strictly passed.
    fn integrated(impact: &Impact, hours: f64) -> f64 {
        let mut rate = impact.per_hour;
        let mut from = 0.0;
        let mut cost = 0.0;
        for step in &impact.over_time {
            cost += rate * (hours.min(step.after) - from).max(0.0);
            if hours > step.after {
                cost += step.once;
            }
            rate = step.per_hour.unwrap_or(rate);
            from = step.after;
        }
        cost + rate * (hours - from).max(0.0)
    }

    fn impact() -> impl Strategy<Value = Impact> {
        let step = (0.1f64..100.0, prop::option::of(0.0f64..1e4), 0.0f64..1e5);
        (0.0f64..1e4, prop::collection::vec(step, 0..6)).prop_map(|(per_hour, raw)| {
            let mut after = 0.0;
            let over_time = raw
                .into_iter()
                .map(|(gap, per_hour, once)| {
                    after += gap;
                    ImpactStep {
                        after,
                        per_hour,
                        once,
                    }
                })
                .collect();
            Impact {
                per_hour,
                over_time,
                ..Impact::default()
            }
        })
    }

    proptest! {
        // Reproducible: a fixed seed and no regression files.
        #![proptest_config(ProptestConfig {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0131),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Spec 13.1: the rate at x is the last step's at or before x (a step
        /// without a rate keeps the one before), `once` is paid past `after`.
        #[test]
        fn step_costs_are_the_integral_of_the_rate(impact in impact(), hours in 0.0f64..700.0) {
            let cost = step_cost(&steps(&impact), hours);
            let fast = impact.per_hour * hours + cost.rate + cost.once;
            let slow = integrated(&impact, hours);
            prop_assert!((fast - slow).abs() <= 1e-9 * slow.max(1.0), "{fast} vs {slow}");
        }

        /// Rates and amounts are not negative, so a longer disruption never
        /// costs less.
        #[test]
        fn a_longer_disruption_costs_no_less(impact in impact(), a in 0.0f64..700.0, b in 0.0f64..700.0) {
            let cost = |h: f64| {
                let steps = step_cost(&steps(&impact), h);
                impact.per_hour * h + steps.rate + steps.once
            };
            let (short, long) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(cost(short) <= cost(long) * (1.0 + 1e-12) + 1e-9);
        }
    }
}
