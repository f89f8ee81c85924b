//! Random valid scenarios for the property tests (`properties`, `spof`).
//!
//! A scenario is generated as a small Rust description ([`Spec`]) that is
//! rendered to YAML and loaded through the public parser, so every case is
//! also a valid scenario file: a failing case prints its YAML, ready to be
//! saved and replayed with `drsim drill` / `drsim run`. The graph is acyclic
//! by construction: component `i` only depends on components with a smaller
//! index, and the services on top (last) only on the components below them.
//! What differs between the tests (how many components, how many
//! requirements each, services below the top, teams) is a [`Shape`].
//!
//! The proptest seed is fixed so that the suite is reproducible; set
//! `PROPTEST_RNG_SEED` (and `PROPTEST_CASES`) to explore further.

use drsim::scenario::{load_str, Scenario};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use std::fmt::Write as _;
use std::ops::{Range, RangeInclusive};

/// `cases` cases from a fixed seed, unless the environment asks otherwise.
pub fn config(cases: u32) -> ProptestConfig {
    let base = ProptestConfig::default(); // reads PROPTEST_* variables
    let from_env = |name: &str| std::env::var_os(name).is_some();
    ProptestConfig {
        cases: if from_env("PROPTEST_CASES") {
            base.cases
        } else {
            cases
        },
        rng_seed: if from_env("PROPTEST_RNG_SEED") {
            base.rng_seed
        } else {
            RngSeed::Fixed(0x0D25_1A11)
        },
        // No regression files next to the sources: the seed is fixed anyway.
        failure_persistence: None,
        ..base
    }
}

/// What a test's scenarios look like; everything else is drawn.
#[derive(Clone, Debug)]
pub struct Shape {
    /// Components below the services on top.
    pub components: RangeInclusive<usize>,
    /// Requirements (a plain one or a group) drawn for each of them.
    pub requirements: Range<usize>,
    /// How often a requirement is plain, against once an `at_least` group
    /// and once a failover group.
    pub plain: u32,
    /// Components drawn for each requirement (repeats dropped): a plain
    /// requirement of several is several plain requirements.
    pub members: Range<usize>,
    /// Whether components below the top can be services too, which other
    /// components (and services) then depend on.
    pub inner_services: bool,
    /// Services on top, each needing 1–3 of the components below and maybe
    /// a group of them. With none, the last component is a service.
    pub services: RangeInclusive<usize>,
    /// Teams, of 1–3 people each.
    pub teams: RangeInclusive<usize>,
}

impl Default for Shape {
    /// `properties`' scenarios: 3–15 components of 0–3 requirements (three
    /// in five plain) of 1–3 members, 1–3 services on top and 0–2 teams.
    fn default() -> Shape {
        Shape {
            components: 3..=15,
            requirements: 0..4,
            plain: 3,
            members: 1..4,
            inner_services: false,
            services: 1..=3,
            teams: 0..=2,
        }
    }
}

// ---------------------------------------------------------------------------
// The scenario description and its YAML.

#[derive(Clone, Debug)]
pub enum Dur {
    Fixed(f64),
    Exp(f64),
    Lognormal(f64, f64),
}

fn hours(h: f64) -> String {
    format!("{h:.3}h")
}

impl Dur {
    fn yaml(&self) -> String {
        match self {
            Dur::Fixed(h) => hours(*h),
            Dur::Exp(h) => format!("{{exp: {}}}", hours(*h)),
            Dur::Lognormal(a, b) => format!("{{lognormal: [{}, {}]}}", hours(*a), hours(*b)),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Req {
    Plain(usize),
    AtLeast(usize, Vec<usize>),
    Failover(Vec<usize>, Dur, f64),
}

#[derive(Clone, Debug)]
pub struct Backup {
    pub every: f64,
    pub restore: Dur,
    pub immutable: bool,
    pub offsite: bool,
}

#[derive(Clone, Debug)]
pub struct Comp {
    pub id: String,
    pub kind: &'static str,
    pub site: Option<usize>,
    pub deps: Vec<Req>,
    /// Mean time between failures, hours, and whether they destroy.
    pub failure: Option<(f64, bool)>,
    pub repair: Option<Dur>,
    pub detect: Option<Dur>,
    pub team: Option<usize>,
    pub priority: Option<i64>,
    /// `Some` for a stateful component (`data:`), with its backup tiers.
    pub data: Option<Vec<Backup>>,
    pub rto: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effect {
    Disrupt,
    Damage,
    Destroy,
}

#[derive(Clone, Debug)]
pub struct Threat {
    pub id: String,
    pub effect: Effect,
    pub duration: Dur,
    pub chance: f64,
    pub per_year: Option<f64>,
    pub components: Vec<usize>,
    pub sites: Vec<usize>,
    pub reaches_backups: bool,
    /// For `properties`' twins: does the threat also select the twin of a
    /// component it selects?
    pub hits_twin: bool,
}

#[derive(Clone, Debug)]
pub struct Spec {
    pub sites: usize,
    pub teams: Vec<u32>,
    /// The components below the services on top, then those services.
    pub comps: Vec<Comp>,
    pub threats: Vec<Threat>,
}

impl Spec {
    pub fn services(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.comps.len()).filter(|&i| self.comps[i].kind == "service")
    }

    pub fn yaml(&self) -> String {
        let id = |i: usize| self.comps[i].id.as_str();
        let list = |ids: &[usize]| ids.iter().map(|&i| id(i)).collect::<Vec<_>>().join(", ");
        let mut y = String::from("name: property\nhorizon: 1y\n");
        if self.sites > 0 {
            y.push_str("sites:\n");
            for s in 0..self.sites {
                writeln!(y, "  - {{id: site{s}}}").unwrap();
            }
        }
        if !self.teams.is_empty() {
            y.push_str("teams:\n");
            for (t, size) in self.teams.iter().enumerate() {
                writeln!(y, "  - {{id: team{t}, size: {size}}}").unwrap();
            }
        }
        y.push_str("components:\n");
        for (i, c) in self.comps.iter().enumerate() {
            writeln!(y, "  - id: {}\n    kind: {}", c.id, c.kind).unwrap();
            if let Some(s) = c.site {
                writeln!(y, "    site: site{s}").unwrap();
            }
            if !c.deps.is_empty() {
                y.push_str("    depends_on:\n");
                for r in &c.deps {
                    match r {
                        Req::Plain(m) => writeln!(y, "      - {}", id(*m)),
                        Req::AtLeast(k, of) => {
                            writeln!(y, "      - {{at_least: {k}, of: [{}]}}", list(of))
                        }
                        Req::Failover(of, sw, lag) => writeln!(
                            y,
                            "      - {{failover: [{}], switchover: {}, lag: {}}}",
                            list(of),
                            sw.yaml(),
                            hours(*lag)
                        ),
                    }
                    .unwrap();
                }
            } else if i % 2 == 1 {
                // Every other component without requirements says so, so
                // that both spellings are read.
                y.push_str("    depends_on: []\n");
            }
            if let Some((every, destroy)) = c.failure {
                let effect = if destroy { "destroy" } else { "damage" };
                writeln!(
                    y,
                    "    failures: [{{every: {}, effect: {effect}}}]",
                    hours(every)
                )
                .unwrap();
            }
            if let Some(r) = &c.repair {
                writeln!(y, "    repair: {}", r.yaml()).unwrap();
            }
            if let Some(d) = &c.detect {
                writeln!(y, "    detect: {}", d.yaml()).unwrap();
            }
            if let Some(t) = c.team {
                writeln!(y, "    team: team{t}").unwrap();
            }
            if let Some(p) = c.priority {
                writeln!(y, "    priority: {p}").unwrap();
            }
            if let Some(tiers) = &c.data {
                y.push_str("    data:\n      backups:\n");
                if tiers.is_empty() {
                    y.pop();
                    y.push_str(" []\n");
                }
                for b in tiers {
                    writeln!(
                        y,
                        "        - {{every: {}, restore: {}, immutable: {}, offsite: {}}}",
                        hours(b.every),
                        b.restore.yaml(),
                        b.immutable,
                        b.offsite
                    )
                    .unwrap();
                }
            }
            if let Some(rto) = c.rto {
                writeln!(y, "    rto: {}", hours(rto)).unwrap();
            }
        }
        y.push_str("threats:\n");
        for t in &self.threats {
            writeln!(y, "  - id: {}", t.id).unwrap();
            let mut hits = format!("components: [{}]", list(&t.components));
            if !t.sites.is_empty() {
                let sites: Vec<String> = t.sites.iter().map(|s| format!("site{s}")).collect();
                write!(hits, ", sites: [{}]", sites.join(", ")).unwrap();
            }
            writeln!(y, "    hits: {{{hits}}}").unwrap();
            let effect = match t.effect {
                Effect::Disrupt => "disrupt",
                Effect::Damage => "damage",
                Effect::Destroy => "destroy",
            };
            writeln!(y, "    effect: {effect}\n    chance: {:.3}", t.chance).unwrap();
            if t.effect == Effect::Disrupt {
                writeln!(y, "    duration: {}", t.duration.yaml()).unwrap();
            }
            if let Some(p) = t.per_year {
                writeln!(y, "    per_year: {p:.3}").unwrap();
            }
            if t.reaches_backups {
                y.push_str("    reaches_backups: true\n");
            }
        }
        y
    }

    /// The scenario and its YAML.
    pub fn load(&self) -> (Scenario, String) {
        let yaml = self.yaml();
        match load_str(&yaml, "random.yaml") {
            Ok(loaded) => (loaded.scenario, yaml),
            Err(e) => panic!("the generator wrote an invalid scenario: {e}\n{yaml}"),
        }
    }
}

// ---------------------------------------------------------------------------
// Strategies. Indices are drawn wide and reduced modulo what exists, so they
// shrink towards the first components.

fn dur(lo: f64, hi: f64) -> impl Strategy<Value = Dur> {
    prop_oneof![
        (lo..hi).prop_map(Dur::Fixed),
        (lo..hi).prop_map(Dur::Exp),
        (lo..hi, 1.5f64..6.0).prop_map(|(a, f)| Dur::Lognormal(a, a * f)),
    ]
}

/// (kind: 0 plain, 1 at_least, 2 failover; members; k; switchover; lag)
type RawReq = (u8, Vec<usize>, usize, Dur, f64);

fn raw_req(plain: u32, members: Range<usize>) -> impl Strategy<Value = RawReq> {
    (
        prop_oneof![plain => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
        vec(0..1000usize, members),
        0..4usize,
        dur(0.05, 2.0),
        prop_oneof![Just(0.0), 0.01f64..0.5],
    )
}

#[derive(Clone, Debug)]
struct RawComp {
    kind: usize,
    site: Option<usize>,
    deps: Vec<RawReq>,
    failure: Option<(f64, bool)>,
    repair: Dur,
    detect: Option<Dur>,
    team: Option<usize>,
    priority: Option<i64>,
    backups: Vec<Backup>,
}

fn backup() -> impl Strategy<Value = Backup> {
    (1.0f64..200.0, dur(0.1, 12.0), any::<bool>(), any::<bool>()).prop_map(
        |(every, restore, immutable, offsite)| Backup {
            every,
            restore,
            immutable,
            offsite,
        },
    )
}

prop_compose! {
    /// A component of one of the first `kinds` of [`KINDS`].
    fn raw_comp(kinds: usize, requirements: Range<usize>, plain: u32, members: Range<usize>)(
        kind in 0..kinds,
        site in option::of(0..2usize),
        deps in vec(raw_req(plain, members), requirements),
        failure in option::weighted(0.8, (200.0f64..5000.0, prop::bool::weighted(0.2))),
        repair in dur(0.25, 48.0),
        detect in option::of(dur(0.05, 2.0)),
        team in option::of(0..1000usize),
        priority in option::of(1..5i64),
        backups in vec(backup(), 0..3),
    ) -> RawComp {
        RawComp { kind, site, deps, failure, repair, detect, team, priority, backups }
    }
}

#[derive(Clone, Debug)]
struct RawService {
    plain: Vec<usize>,
    group: Option<RawReq>,
    rto: Option<f64>,
}

prop_compose! {
    fn raw_service()(
        plain in vec(0..1000usize, 1..4),
        group in option::of(raw_req(3, 1..4)),
        rto in option::of(0.5f64..24.0),
    ) -> RawService {
        RawService { plain, group, rto }
    }
}

#[derive(Clone, Debug)]
struct RawThreat {
    effect: Effect,
    duration: Dur,
    chance: f64,
    per_year: Option<f64>,
    components: Vec<usize>,
    site: Option<usize>,
    reaches_backups: bool,
    hits_twin: bool,
}

prop_compose! {
    fn raw_threat()(
        effect in prop_oneof![Just(Effect::Disrupt), Just(Effect::Damage), Just(Effect::Destroy)],
        duration in dur(0.25, 48.0),
        chance in prop_oneof![Just(1.0), 0.3f64..1.0],
        per_year in option::weighted(0.9, 0.1f64..2.0),
        components in vec(0..1000usize, 1..5),
        site in option::weighted(0.25, 0..2usize),
        reaches_backups in prop::bool::weighted(0.3),
        hits_twin in any::<bool>(),
    ) -> RawThreat {
        RawThreat { effect, duration, chance, per_year, components, site, reaches_backups, hits_twin }
    }
}

/// The kinds of the components below the top; `service` last, drawn only
/// with [`Shape::inner_services`].
const KINDS: [&str; 5] = ["server", "database", "application", "network", "service"];

/// Resolves raw requirements of a component that may use indices `0..below`.
fn requirements(raw: &[RawReq], below: usize) -> Vec<Req> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    if below == 0 {
        return out;
    }
    for (kind, members, k, switchover, lag) in raw {
        let mut ms = Vec::new();
        for m in members {
            let m = m % below;
            if !seen.contains(&m) {
                seen.push(m);
                ms.push(m);
            }
        }
        match (kind, ms.len()) {
            (_, 0) => {}
            (0, _) | (2, 1) => out.extend(ms.into_iter().map(Req::Plain)),
            (1, n) => out.push(Req::AtLeast(1 + k % n, ms)),
            _ => out.push(Req::Failover(ms, switchover.clone(), *lag)),
        }
    }
    out
}

/// A service: its requirements and targets, nothing that fails or is
/// repaired on its own.
fn service(id: String, deps: Vec<Req>, rto: Option<f64>) -> Comp {
    Comp {
        id,
        kind: "service",
        site: None,
        deps,
        failure: None,
        repair: None,
        detect: None,
        team: None,
        priority: None,
        data: None,
        rto,
    }
}

fn build(
    teams: Vec<u32>,
    raw: Vec<RawComp>,
    services: Vec<RawService>,
    threats: Vec<RawThreat>,
) -> Spec {
    let n = raw.len();
    let no_top = services.is_empty();
    let mut comps: Vec<Comp> = raw
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            // Without services on top, the last component is one.
            let kind = if no_top && i + 1 == n {
                "service"
            } else {
                KINDS[r.kind]
            };
            let deps = requirements(&r.deps, i);
            if kind == "service" {
                return service(format!("c{i}"), deps, None);
            }
            Comp {
                id: format!("c{i}"),
                kind,
                site: r.site,
                deps,
                failure: r.failure,
                repair: Some(r.repair),
                detect: r.detect,
                team: if teams.is_empty() {
                    None
                } else {
                    r.team.map(|t| t % teams.len())
                },
                priority: r.priority,
                data: (kind == "database").then_some(r.backups),
                rto: None,
            }
        })
        .collect();
    for (s, r) in services.into_iter().enumerate() {
        let mut raw_reqs: Vec<RawReq> = vec![(0, r.plain, 0, Dur::Fixed(0.0), 0.0)];
        raw_reqs.extend(r.group);
        comps.push(service(format!("s{s}"), requirements(&raw_reqs, n), r.rto));
    }
    let threats = threats
        .into_iter()
        .enumerate()
        .map(|(t, r)| {
            let mut components: Vec<usize> = Vec::new();
            for c in r.components {
                if !components.contains(&(c % n)) {
                    components.push(c % n);
                }
            }
            Threat {
                id: format!("h{t}"),
                effect: r.effect,
                duration: r.duration,
                chance: r.chance,
                per_year: r.per_year,
                components,
                sites: r.site.into_iter().collect(),
                reaches_backups: r.reaches_backups && r.effect == Effect::Destroy,
                hits_twin: r.hits_twin,
            }
        })
        .collect();
    Spec {
        sites: 2,
        teams,
        comps,
        threats,
    }
}

/// Scenarios of the given shape, with 1–3 threats.
pub fn spec(shape: Shape) -> impl Strategy<Value = Spec> {
    let kinds = if shape.inner_services {
        KINDS.len()
    } else {
        KINDS.len() - 1
    };
    (
        vec(1..=3u32, shape.teams),
        vec(
            raw_comp(kinds, shape.requirements, shape.plain, shape.members),
            shape.components,
        ),
        vec(raw_service(), shape.services),
        vec(raw_threat(), 1..=3),
    )
        .prop_map(|(teams, comps, services, threats)| build(teams, comps, services, threats))
}
