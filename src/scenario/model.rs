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
    pub effect: Effect,
    /// Overrides the component's repair (damage) or rebuild (destroy).
    pub repair: Option<Dist>,
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
    pub effect: Effect,
    /// Disrupt: how long until it clears by itself, hours.
    pub duration: Option<Dist>,
    /// Destroy: overrides the components' rebuild.
    pub rebuild: Option<Dist>,
    /// Damage: overrides the components' repair.
    pub repair: Option<Dist>,
    pub reaches_backups: bool,
}

impl Threat {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
    /// Expected events per year.
    pub fn per_year(&self) -> Option<f64> {
        self.rate.map(|r| r * 8760.0)
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
