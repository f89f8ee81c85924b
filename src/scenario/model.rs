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

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: Option<String>,
    pub currency: String,
    /// Simulated period of `run`, hours.
    pub horizon: f64,
    pub sites: Vec<Site>,
    pub teams: Vec<Team>,
    pub components: Vec<Component>,
    pub threats: Vec<Threat>,
    pub risk_tolerance: Vec<TolerancePoint>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub name: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Team {
    pub id: String,
    pub name: Option<String>,
    /// How many repair tasks the team works on at once.
    pub size: u32,
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    pub name: Option<String>,
    pub kind: Kind,
    pub site: Option<SiteId>,
    pub tags: Vec<String>,
    pub depends_on: Vec<Requirement>,
    pub failures: Vec<FailureMode>,
    /// Time to repair after damage, hours. `None`: instant.
    pub repair: Option<Dist>,
    /// Time to rebuild after destroy, hours (default: `repair`).
    pub rebuild: Option<Dist>,
    /// Delay before repair work can start, hours.
    pub detect: Option<Dist>,
    pub team: Option<TeamId>,
    /// Lower repairs first when the team is busy.
    pub priority: i64,
    pub backups: Vec<BackupTier>,
    /// True when the component has a `data` section (it holds state).
    pub stateful: bool,
    /// Recovery time objective, hours.
    pub rto: Option<f64>,
    /// Recovery point objective, hours of data.
    pub rpo: Option<f64>,
    /// Maximum tolerable period of disruption, hours.
    pub mtpd: Option<f64>,
    pub impact: Impact,
}

impl Component {
    /// The name for people: the display name, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
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

#[derive(Debug, Clone)]
pub enum Requirement {
    /// That component must be available.
    Plain(ComponentId),
    /// At least `k` of the members must be available.
    AtLeast { k: usize, of: Vec<ComponentId> },
    /// The active member must be available; see spec section 4.
    Failover {
        members: Vec<ComponentId>,
        /// Time to switch to another member, hours.
        switchover: Dist,
        /// Data lost by each completed switchover, hours.
        lag: f64,
    },
}

impl Requirement {
    pub fn members(&self) -> &[ComponentId] {
        match self {
            Requirement::Plain(c) => std::slice::from_ref(c),
            Requirement::AtLeast { of, .. } => of,
            Requirement::Failover { members, .. } => members,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Arrival {
    /// Exponential time to failure with this mean, hours.
    Every(f64),
    /// Time to failure from this distribution, renewed after each repair.
    After(Dist),
}

#[derive(Debug, Clone)]
pub struct FailureMode {
    pub arrival: Arrival,
    pub effect: FailureEffect,
}

/// What an independent failure does, with the data that effect needs.
/// (A disruption, which clears by itself, belongs to threats.)
#[derive(Debug, Clone)]
pub enum FailureEffect {
    /// Repaired by the component's team, taking `repair` hours when given
    /// (the failure's `repair` key), else the component's repair time.
    Damage { repair: Option<Dist> },
    /// Rebuilt, then restored from backup, taking `rebuild` hours when
    /// given (the failure's `repair` key), else the component's rebuild.
    Destroy { rebuild: Option<Dist> },
}

impl FailureEffect {
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

#[derive(Debug, Clone)]
pub struct BackupTier {
    /// Interval between backups, hours.
    pub every: f64,
    pub restore: Dist,
    pub immutable: bool,
    pub offsite: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Impact {
    pub per_hour: f64,
    pub per_hour_data_lost: f64,
    pub per_incident: f64,
    pub per_total_data_loss: f64,
}

#[derive(Debug, Clone)]
pub struct Threat {
    pub id: String,
    pub name: Option<String>,
    /// Events per hour; `None` for drill-only threats.
    pub rate: Option<f64>,
    /// The components the threat can hit (union of the selectors), in order.
    pub targets: Vec<ComponentId>,
    /// Sites named by the selector: their non-offsite backups are lost on destroy.
    pub sites: Vec<SiteId>,
    pub chance: f64,
    pub effect: ThreatEffect,
}

/// What a threat does to each component it hits, with exactly the data
/// that effect needs (spec section 6).
#[derive(Debug, Clone)]
pub enum ThreatEffect {
    /// Unavailable for `duration` hours (one draw per event), then back by
    /// itself with its data.
    Disrupt { duration: Dist },
    /// Repaired by the component's team, taking `repair` hours when given,
    /// else the component's repair time.
    Damage { repair: Option<Dist> },
    /// Rebuilt (taking `rebuild` hours when given, else the component's
    /// rebuild time), then restored from the newest surviving backup. With
    /// `reaches_backups` (ransomware) the tiers that are not immutable are
    /// destroyed too.
    Destroy {
        rebuild: Option<Dist>,
        reaches_backups: bool,
    },
}

impl ThreatEffect {
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
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    /// Expected events per year.
    pub fn per_year(&self) -> Option<f64> {
        self.rate.map(|r| r * super::HOURS_PER_YEAR)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct TolerancePoint {
    pub loss: f64,
    pub p: f64,
}

impl Scenario {
    pub fn component_index(&self, id: &str) -> Option<ComponentId> {
        self.components.iter().position(|c| c.id == id)
    }
    pub fn threat_index(&self, id: &str) -> Option<ThreatId> {
        self.threats.iter().position(|t| t.id == id)
    }
    pub fn services(&self) -> impl Iterator<Item = (ComponentId, &Component)> {
        self.components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.is_service())
    }
}
