//! The validated, immutable scenario. Every reference is an index that is
//! known to exist, every duration is in hours, and the dependency graph is
//! acyclic.

pub use super::raw::{Effect, Kind};
use super::units::Dist;

/// Index into [`Scenario::components`].
pub type ComponentId = usize;
/// Index into [`Scenario::sites`].
pub type SiteId = usize;
/// Index into [`Scenario::teams`].
pub type TeamId = usize;
/// Index into [`Scenario::threats`].
pub type ThreatId = usize;

/// A validated scenario (spec section 3): the estate (sites, teams and
/// components with their dependencies), the threats to it and the board's
/// risk tolerance. Lists keep the order of the file.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario's name, for titles; never blank.
    pub name: String,
    /// Free text describing the scenario, shown in `check` and the report.
    pub description: Option<String>,
    /// Code or sign (1 to 8 characters) that every amount of money is in;
    /// `GBP` when the file gives none.
    pub currency: String,
    /// Simulated period of `run`, hours.
    pub horizon: f64,
    /// The sites components stand at; a threat may strike a whole site.
    pub sites: Vec<Site>,
    /// The repair teams.
    pub teams: Vec<Team>,
    /// Everything that can fail, the business services included.
    pub components: Vec<Component>,
    /// Correlated events that hit several components at once (spec
    /// section 7).
    pub threats: Vec<Threat>,
    /// The board's risk appetite (spec section 12), by increasing loss;
    /// empty when the file gives none.
    pub risk_tolerance: Vec<TolerancePoint>,
    /// The investment options whose changes this scenario is the file's
    /// base with (an option's scenario, or a what-if's: `--options`), ids
    /// in file order; empty for the file's own scenario.
    pub options_applied: Vec<String>,
}

/// A place components stand at, such as a data centre.
#[derive(Debug, Clone)]
pub struct Site {
    /// Unique id, named by a component's `site` and a threat's `hits`.
    pub id: String,
    /// Display name for people; the id stands in when absent.
    pub name: Option<String>,
    /// Free text from the file; drsim keeps it but uses it for nothing.
    pub region: Option<String>,
}

/// A group of people who repair and rebuild the components assigned to it.
#[derive(Debug, Clone)]
pub struct Team {
    /// Unique id, named by a component's `team`.
    pub id: String,
    /// Display name from the file; drsim keeps it, but shows the id.
    pub name: Option<String>,
    /// How many repair tasks the team works on at once; at least 1.
    pub size: u32,
}

/// One part of the estate (spec section 4): a business service or anything
/// it depends on.
#[derive(Debug, Clone)]
pub struct Component {
    /// Unique id, named by dependencies, threats and command-line options.
    pub id: String,
    /// Display name for people; the id stands in when absent (see
    /// [`Component::label`]).
    pub name: Option<String>,
    /// What it is; only [`Kind::Service`] components are reported on.
    pub kind: Kind,
    /// Where it stands, if anywhere in particular.
    pub site: Option<SiteId>,
    /// Free labels that threats may select by.
    pub tags: Vec<String>,
    /// Requirements that must all hold for the component to be available.
    pub depends_on: Vec<Requirement>,
    /// Its independent failures (spec section 5).
    pub failures: Vec<FailureMode>,
    /// Time to repair after damage, hours. `None`: instant.
    pub repair: Option<Dist>,
    /// Time to rebuild after destroy, hours (default: `repair`).
    pub rebuild: Option<Dist>,
    /// Delay before repair work can start, hours. `None`: none.
    pub detect: Option<Dist>,
    /// Who repairs it. `None`: unlimited hands, so work starts at once.
    pub team: Option<TeamId>,
    /// Lower repairs first when the team is busy; 100 when not given.
    pub priority: i64,
    /// The backup tiers of its data, in file order; empty without a `data`
    /// section.
    pub backups: Vec<BackupTier>,
    /// True when the component has a `data` section (it holds state).
    pub stateful: bool,
    /// Recovery time objective, hours.
    pub rto: Option<f64>,
    /// Recovery point objective, hours of data.
    pub rpo: Option<f64>,
    /// Maximum tolerable period of disruption, hours, judged on the
    /// disruption (outage plus work recovery time, spec 13.2).
    pub mtpd: Option<f64>,
    /// Work recovery time, hours: how long the business needs after the
    /// service is back to verify data and catch up (spec 13.2). `None`:
    /// none.
    pub wrt: Option<Dist>,
    /// What an outage of the component costs; counted for services only.
    pub impact: Impact,
}

impl Component {
    /// The name for people: the display name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    /// Whether it is a business service, the thing drsim reports on.
    pub fn is_service(&self) -> bool {
        self.kind == Kind::Service
    }
    /// Every component this one names in `depends_on`, in order.
    pub fn dependencies(&self) -> impl Iterator<Item = ComponentId> + '_ {
        self.depends_on
            .iter()
            .flat_map(|r| r.members().iter().copied())
    }
}

/// One entry of a component's `depends_on`: what must be available for
/// it to hold.
#[derive(Debug, Clone)]
pub enum Requirement {
    /// That component must be available.
    Plain(ComponentId),
    /// At least `k` of the members must be available.
    AtLeast {
        /// How many members must be available, from 1 to `of.len()`.
        k: usize,
        /// The members, in file order, each named once.
        of: Vec<ComponentId>,
    },
    /// The active member must be available; see spec section 4.
    Failover {
        /// The members, primary first, then the standbys in the order they
        /// are tried; at least two.
        members: Vec<ComponentId>,
        /// Time to switch to another member, hours (0 when not given).
        switchover: Dist,
        /// Data lost by each completed switchover, hours (0 when not given).
        lag: f64,
    },
}

impl Requirement {
    /// The components the requirement names, in file order.
    pub fn members(&self) -> &[ComponentId] {
        match self {
            Requirement::Plain(c) => std::slice::from_ref(c),
            Requirement::AtLeast { of, .. } => of,
            Requirement::Failover { members, .. } => members,
        }
    }
}

/// When an independent failure comes (spec section 5). The time to the
/// next failure counts from the end of the repair.
#[derive(Debug, Clone)]
pub enum Arrival {
    /// Exponential time to failure with this mean, hours.
    Every(f64),
    /// Time to failure from this distribution, renewed after each repair.
    After(Dist),
}

/// One way a component fails on its own, independently of threats.
#[derive(Debug, Clone)]
pub struct FailureMode {
    /// When it comes.
    pub arrival: Arrival,
    /// What it does.
    pub effect: FailureEffect,
}

/// What an independent failure does, with the data that effect needs.
/// (A disruption, which clears by itself, belongs to threats.)
#[derive(Debug, Clone)]
pub enum FailureEffect {
    /// Repaired by the component's team, taking `repair` hours when given
    /// (the failure's `repair` key), else the component's repair time.
    Damage {
        /// The failure's own repair time, hours.
        repair: Option<Dist>,
    },
    /// Rebuilt, then restored from backup, taking `rebuild` hours when
    /// given (the failure's `repair` key), else the component's rebuild.
    Destroy {
        /// The failure's own rebuild time, hours.
        rebuild: Option<Dist>,
    },
}

impl FailureEffect {
    /// The effect without its data, as written in the file.
    pub fn kind(&self) -> Effect {
        match self {
            FailureEffect::Damage { .. } => Effect::Damage,
            FailureEffect::Destroy { .. } => Effect::Destroy,
        }
    }

    /// The failure's own repair or rebuild time, when it has one.
    pub fn own_time(&self) -> Option<&Dist> {
        match self {
            FailureEffect::Damage { repair } => repair.as_ref(),
            FailureEffect::Destroy { rebuild } => rebuild.as_ref(),
        }
    }

    /// The same as [`FailureEffect::own_time`], to change it.
    pub fn own_time_mut(&mut self) -> Option<&mut Dist> {
        match self {
            FailureEffect::Damage { repair } => repair.as_mut(),
            FailureEffect::Destroy { rebuild } => rebuild.as_mut(),
        }
    }
}

/// One tier of a component's backups (spec section 6): a recovery point
/// every `every` hours, at a random phase in each trial.
#[derive(Debug, Clone)]
pub struct BackupTier {
    /// Interval between backups, hours; above zero.
    pub every: f64,
    /// Time to restore from this tier after the rebuild, hours.
    pub restore: Dist,
    /// Survives a threat that reaches backups (ransomware).
    pub immutable: bool,
    /// Kept away from the component's site: survives a threat that
    /// selects that site.
    pub offsite: bool,
    /// Recovery points older than this are deleted, hours; at least
    /// `every`. `None`: kept for ever (spec 13.3).
    pub keep: Option<f64>,
    /// Chance 0..1 that a restore from this tier fails, found when its
    /// restore time has been spent (spec 13.4); 0 when not given.
    pub restore_fails: f64,
}

/// What an outage of a service costs, in money of the scenario's currency
/// (spec sections 9 and 13); every amount from 0 to 1e15, 0 when not
/// given.
#[derive(Debug, Clone, Default)]
pub struct Impact {
    /// Money per hour of disruption, from its start (until the first
    /// `over_time` step).
    pub per_hour: f64,
    /// Money per hour of data lost (the time since the recovery point).
    pub per_hour_data_lost: f64,
    /// Money per outage, however long.
    pub per_incident: f64,
    /// Money per total loss of the service's data (no backup survived), as
    /// given; see [`Impact::total_loss_price`] for the price charged.
    pub per_total_data_loss: Option<f64>,
    /// How the hourly rate changes as a disruption goes on (spec 13.1), by
    /// increasing `after`.
    pub over_time: Vec<ImpactStep>,
}

impl Impact {
    /// What one total loss of the service's data costs: `per_total_data_loss`
    /// when given, else a year of data (8760 × `per_hour_data_lost`), so that
    /// losing everything is never cheaper than a restore (spec 13.7).
    pub fn total_loss_price(&self) -> f64 {
        self.per_total_data_loss
            .unwrap_or(super::HOURS_PER_YEAR * self.per_hour_data_lost)
    }

    /// Whether [`Impact::total_loss_price`] is the default of a year of data
    /// (the file prices data loss but not a total loss).
    pub fn total_loss_price_is_default(&self) -> bool {
        self.per_total_data_loss.is_none() && self.per_hour_data_lost > 0.0
    }
}

/// One step of an impact that changes over time (spec 13.1): from `after`
/// hours into a disruption the hourly rate is `per_hour`, and `once` is
/// paid when the disruption lasts longer than `after`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactStep {
    /// Hours into the disruption; above zero, increasing along the list.
    pub after: f64,
    /// The hourly rate from `after` on; `None` keeps the rate before it.
    pub per_hour: Option<f64>,
    /// Money paid once when the disruption passes `after`.
    pub once: f64,
}

/// A correlated event that hits several components at once (spec
/// section 7), such as a site fire or ransomware.
#[derive(Debug, Clone)]
pub struct Threat {
    /// Unique id, named by `drill --threat`.
    pub id: String,
    /// Display name for people; the id stands in when absent (see
    /// [`Threat::label`]).
    pub name: Option<String>,
    /// Events per hour; `None` for drill-only threats.
    pub rate: Option<f64>,
    /// The components the threat can hit (union of the selectors), in the
    /// order of the scenario's components, each with its chance.
    pub targets: Vec<Target>,
    /// Sites named by the selectors, sorted, each once: their non-offsite
    /// backups are lost on destroy.
    pub sites: Vec<SiteId>,
    /// The threat's `chance` (1 when not given): the chance of every target
    /// whose hit group gives none.
    pub chance: f64,
    /// What a hit does.
    pub effect: ThreatEffect,
}

/// A component a threat can hit, and the chance that an event hits it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The component.
    pub component: ComponentId,
    /// Probability 0..1 that an event hits it, drawn independently per
    /// target: its hit group's chance, else the threat's (spec 13.5).
    pub chance: f64,
}

/// What a threat does to each component it hits, with exactly the data
/// that effect needs (spec section 6).
#[derive(Debug, Clone)]
pub enum ThreatEffect {
    /// Unavailable for `duration` hours (one draw per event), then back by
    /// itself with its data.
    Disrupt {
        /// How long the disruption lasts, hours.
        duration: Dist,
    },
    /// Repaired by the component's team, taking `repair` hours when given,
    /// else the component's repair time.
    Damage {
        /// The threat's own repair time, hours.
        repair: Option<Dist>,
    },
    /// Rebuilt (taking `rebuild` hours when given, else the component's
    /// rebuild time), then restored from the newest surviving backup. With
    /// `reaches_backups` (ransomware) the tiers that are not immutable are
    /// destroyed too.
    Destroy {
        /// The threat's own rebuild time, hours.
        rebuild: Option<Dist>,
        /// The tiers that are not immutable are destroyed too.
        reaches_backups: bool,
        /// How long the attacker was inside before the strike, hours (one
        /// draw per event): recovery points younger than that are unusable
        /// (spec 13.3). `None`: none.
        dwell: Option<Dist>,
    },
}

impl ThreatEffect {
    /// The effect without its data, as written in the file.
    pub fn kind(&self) -> Effect {
        match self {
            ThreatEffect::Disrupt { .. } => Effect::Disrupt,
            ThreatEffect::Damage { .. } => Effect::Damage,
            ThreatEffect::Destroy { .. } => Effect::Destroy,
        }
    }

    /// The time the effect brings with it: a disruption's duration, or the
    /// repair or rebuild time that overrides the component's.
    pub fn own_time(&self) -> Option<&Dist> {
        match self {
            ThreatEffect::Disrupt { duration } => Some(duration),
            ThreatEffect::Damage { repair } => repair.as_ref(),
            ThreatEffect::Destroy { rebuild, .. } => rebuild.as_ref(),
        }
    }

    /// The same as [`ThreatEffect::own_time`], to change it.
    pub fn own_time_mut(&mut self) -> Option<&mut Dist> {
        match self {
            ThreatEffect::Disrupt { duration } => Some(duration),
            ThreatEffect::Damage { repair } => repair.as_mut(),
            ThreatEffect::Destroy { rebuild, .. } => rebuild.as_mut(),
        }
    }

    /// The key of [`ThreatEffect::own_time`] in the scenario file.
    pub fn own_time_key(&self) -> &'static str {
        match self {
            ThreatEffect::Disrupt { .. } => "duration",
            ThreatEffect::Damage { .. } => "repair",
            ThreatEffect::Destroy { .. } => "rebuild",
        }
    }

    /// How long the attacker was inside before a destroy struck (spec
    /// 13.3), when given.
    pub fn dwell(&self) -> Option<&Dist> {
        match self {
            ThreatEffect::Disrupt { .. } | ThreatEffect::Damage { .. } => None,
            ThreatEffect::Destroy { dwell, .. } => dwell.as_ref(),
        }
    }

    /// The same as [`ThreatEffect::dwell`], to change it.
    pub fn dwell_mut(&mut self) -> Option<&mut Dist> {
        match self {
            ThreatEffect::Disrupt { .. } | ThreatEffect::Damage { .. } => None,
            ThreatEffect::Destroy { dwell, .. } => dwell.as_mut(),
        }
    }

    /// Whether a hit also destroys the component's backups that are not
    /// immutable.
    pub fn reaches_backups(&self) -> bool {
        match self {
            ThreatEffect::Disrupt { .. } | ThreatEffect::Damage { .. } => false,
            ThreatEffect::Destroy {
                reaches_backups, ..
            } => *reaches_backups,
        }
    }
}

impl Threat {
    /// The name for people: the display name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    /// Expected events per year.
    pub fn per_year(&self) -> Option<f64> {
        self.rate.map(|r| r * super::HOURS_PER_YEAR)
    }
    /// The components it can hit, in order.
    pub fn components(&self) -> impl Iterator<Item = ComponentId> + '_ {
        self.targets.iter().map(|t| t.component)
    }
    /// The components it can hit with a chance above zero, in order.
    pub fn reachable(&self) -> impl Iterator<Item = ComponentId> + '_ {
        self.targets
            .iter()
            .filter(|t| t.chance > 0.0)
            .map(|t| t.component)
    }
    /// Expected components hit per event: the sum of the targets' chances.
    pub fn expected_hits(&self) -> f64 {
        self.targets.iter().map(|t| t.chance).sum()
    }
}

/// One point of the risk tolerance (spec section 12): the loss in a year
/// should exceed `loss` with a probability of at most `p`.
#[derive(Debug, Clone, Copy)]
pub struct TolerancePoint {
    /// Loss in one simulated period of `run` (the horizon, a year unless
    /// the scenario says otherwise), money in the scenario's currency;
    /// above zero.
    pub loss: f64,
    /// The greatest acceptable probability of exceeding it, in (0, 1].
    pub p: f64,
}

impl Scenario {
    /// The index of the component with this id, if there is one.
    pub fn component_index(&self, id: &str) -> Option<ComponentId> {
        self.components.iter().position(|c| c.id == id)
    }
    /// The index of the threat with this id, if there is one.
    pub fn threat_index(&self, id: &str) -> Option<ThreatId> {
        self.threats.iter().position(|t| t.id == id)
    }
    /// The business services with their indices, in file order.
    pub fn services(&self) -> impl Iterator<Item = (ComponentId, &Component)> {
        self.components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_service())
    }

    /// The scenario with every duration of recovery `factor` times as long:
    /// detection, repair and rebuild (the components', their failure
    /// modes' and the threats' own), restores, switchovers, a disruption's
    /// length and the work recovery time. Times to failure, frequencies,
    /// backup intervals, retention and an attacker's dwell are kept. Each
    /// distribution is scaled ([`Dist::scaled`]), so on the same random
    /// numbers every recovery takes exactly `factor` times as long.
    pub fn with_recoveries_scaled(&self, factor: f64) -> Scenario {
        let mut s = self.clone();
        let scale = |d: &mut Dist| *d = d.scaled(factor);
        for c in &mut s.components {
            for d in [&mut c.repair, &mut c.rebuild, &mut c.detect, &mut c.wrt]
                .into_iter()
                .flatten()
            {
                scale(d);
            }
            for f in &mut c.failures {
                f.effect.own_time_mut().map(scale);
            }
            for r in &mut c.depends_on {
                if let Requirement::Failover { switchover, .. } = r {
                    scale(switchover);
                }
            }
            for b in &mut c.backups {
                scale(&mut b.restore);
            }
        }
        for t in &mut s.threats {
            t.effect.own_time_mut().map(scale);
        }
        s
    }
}
