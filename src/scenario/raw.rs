//! The scenario file as written: serde types that mirror the YAML one to one.
//! Unknown keys are refused here; cross-references are checked in `validate`.

use super::text;
use super::units::{Dist, Hours};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Scenario")]
pub(super) struct RawScenario {
    /// The scenario's name, shown in every output.
    #[serde(deserialize_with = "text::string")]
    #[schemars(with = "super::schema::Text")]
    pub name: String,
    /// What the scenario describes (free text).
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub description: Option<String>,
    /// The currency money is in (default GBP).
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub currency: Option<String>,
    /// The period `drsim run` simulates (default 1y).
    #[serde(default)]
    pub horizon: Option<Hours>,
    /// Places components stand at, such as data centres.
    #[serde(default)]
    pub sites: Vec<RawSite>,
    /// Repair teams: at most `size` repairs of a team at once.
    #[serde(default)]
    pub teams: Vec<RawTeam>,
    /// The estate: services, applications, databases, servers, storage, networks, power, suppliers, people.
    pub components: Vec<RawComponent>,
    /// Events that hit several components at once: a site fire, a regional outage, ransomware, a supplier failure.
    #[serde(default)]
    pub threats: Vec<RawThreat>,
    /// The board's appetite: P(annual loss > loss) should stay below p.
    #[serde(default)]
    pub risk_tolerance: Vec<RawTolerance>,
    /// Investment options for `drsim compare`: each a patch on the
    /// scenario with its cost. (Read here so the key is known; applied
    /// and validated by `options::load_options`.)
    #[serde(default)]
    #[allow(dead_code)]
    #[schemars(with = "Vec<super::options::RawOption>")]
    pub options: Vec<serde_yaml_ng::Value>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Site")]
pub(super) struct RawSite {
    /// Unique id: lowercase letters, digits, - and _.
    #[serde(deserialize_with = "text::string")]
    #[schemars(with = "super::schema::Text")]
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub name: Option<String>,
    /// The region the site is in (for people; threats select by site).
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Team")]
pub(super) struct RawTeam {
    /// Unique id: lowercase letters, digits, - and _.
    #[serde(deserialize_with = "text::string")]
    #[schemars(with = "super::schema::Text")]
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub name: Option<String>,
    /// How many repairs the team works on at once.
    pub size: u32,
}

/// What a component is (its `kind` key). Only services are reported on;
/// the other kinds label the rest for people and let threats select by
/// kind, and behave alike in the simulation.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(
    description = "What a component is: only services are reported on; the other kinds label the rest, and threats can select by kind."
)]
pub enum Kind {
    /// A business service: what the results, targets and losses are about.
    Service,
    /// Software that services run on.
    Application,
    /// A database; usually the component that holds data.
    Database,
    /// A physical or virtual machine.
    Server,
    /// Disks, arrays, file shares.
    Storage,
    /// Links, switches, firewalls.
    Network,
    /// Electricity supply.
    Power,
    /// A building or data centre modelled as a component.
    Site,
    /// An outside provider.
    Supplier,
    /// Staff whose absence stops work.
    People,
    /// Anything else.
    Other,
}

impl Kind {
    /// Every kind, in the order of the spec's list.
    pub const ALL: [Kind; 11] = [
        Kind::Service,
        Kind::Application,
        Kind::Database,
        Kind::Server,
        Kind::Storage,
        Kind::Network,
        Kind::Power,
        Kind::Site,
        Kind::Supplier,
        Kind::People,
        Kind::Other,
    ];
    /// The kind as written in the file, e.g. `database`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Application => "application",
            Kind::Database => "database",
            Kind::Server => "server",
            Kind::Storage => "storage",
            Kind::Network => "network",
            Kind::Power => "power",
            Kind::Site => "site",
            Kind::Supplier => "supplier",
            Kind::People => "people",
            Kind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Component")]
pub(super) struct RawComponent {
    /// Unique id: lowercase letters, digits, - and _.
    #[serde(deserialize_with = "text::string")]
    #[schemars(with = "super::schema::Text")]
    pub id: String,
    /// Display name for reports.
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub name: Option<String>,
    /// What it is; only services are reported on.
    pub kind: Kind,
    /// The site it stands at (threats that hit the site hit it).
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub site: Option<String>,
    /// Labels threats can select by.
    #[serde(default, deserialize_with = "text::list")]
    #[schemars(with = "Vec<super::schema::Text>")]
    pub tags: Vec<String>,
    /// Requirements, all of which must hold for it to be available.
    #[serde(default)]
    pub depends_on: Vec<RawRequirement>,
    /// Independent failures.
    #[serde(default)]
    pub failures: Vec<RawFailure>,
    /// Time to repair after damage.
    #[serde(default)]
    pub repair: Option<Dist>,
    /// Time to rebuild after it is destroyed (default: repair).
    #[serde(default)]
    pub rebuild: Option<Dist>,
    /// Delay before repair work can start (default 0).
    #[serde(default)]
    pub detect: Option<Dist>,
    /// The team that repairs it (default: unlimited hands).
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub team: Option<String>,
    /// Lower repairs first when its team is busy (default 100).
    #[serde(default)]
    pub priority: Option<i64>,
    /// It holds data: its backup tiers.
    #[serde(default)]
    pub data: Option<RawData>,
    /// Recovery time objective.
    #[serde(default)]
    pub rto: Option<Hours>,
    /// Recovery point objective: the most data it may lose.
    #[serde(default)]
    pub rpo: Option<Hours>,
    /// Maximum tolerable period of disruption (impact tolerance).
    #[serde(default)]
    pub mtpd: Option<Hours>,
    /// Work recovery time: after IT is back, the time to verify data and catch up.
    #[serde(default)]
    pub wrt: Option<Dist>,
    /// What an outage costs, in the scenario's currency.
    #[serde(default)]
    pub impact: Option<RawImpact>,
}

#[derive(Debug, Deserialize, Default, Clone, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Impact")]
pub(super) struct RawImpact {
    /// Money per hour of outage.
    #[serde(default)]
    pub per_hour: f64,
    /// Money per hour of data lost.
    #[serde(default)]
    pub per_hour_data_lost: f64,
    /// Money per outage.
    #[serde(default)]
    pub per_incident: f64,
    /// Money per total loss of the service's data (no backup survived).
    #[serde(default)]
    pub per_total_data_loss: Option<f64>,
    /// Steps in the cost as the outage goes on.
    #[serde(default)]
    pub over_time: Vec<RawStep>,
}

/// One step of `impact.over_time` (spec 13.1).
#[derive(Debug, Deserialize, Clone, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    rename = "Step",
    description = "A step in what an outage costs as it goes on."
)]
pub(super) struct RawStep {
    /// From this long into the outage.
    pub after: Hours,
    /// The new money per hour.
    #[serde(default)]
    pub per_hour: Option<f64>,
    /// A one-off sum when the step is reached.
    #[serde(default)]
    pub once: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Data")]
pub(super) struct RawData {
    /// Backup tiers.
    #[serde(default)]
    pub backups: Vec<RawBackup>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Backup")]
pub(super) struct RawBackup {
    /// Interval between backups.
    pub every: Hours,
    /// Time to restore from this tier.
    pub restore: Dist,
    /// Survives ransomware (a threat with reaches_backups).
    #[serde(default)]
    pub immutable: bool,
    /// Survives a threat that hits the component's site.
    #[serde(default)]
    pub offsite: bool,
    /// How long each point is kept (default: all).
    #[serde(default)]
    pub keep: Option<Hours>,
    /// Chance that a restore from this tier fails (0 to 1).
    #[serde(default)]
    pub restore_fails: Option<f64>,
}

/// What a failure or a threat does to a component it hits, without the
/// data that goes with it (see [`ThreatEffect`](super::ThreatEffect) and
/// [`FailureEffect`](super::FailureEffect)).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(
    description = "What a hit does: disrupt (unavailable for a while, back by itself; threats only), damage (repaired by its team, data intact), destroy (data lost: rebuilt, then restored from the newest surviving backup)."
)]
pub enum Effect {
    /// Unavailable for a while, then back by itself with its data; no team
    /// work. Threats only.
    Disrupt,
    /// Repaired by its team; data intact.
    Damage,
    /// Its data is lost: rebuilt, then restored from the newest surviving
    /// backup.
    Destroy,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Failure")]
pub(super) struct RawFailure {
    /// Mean time between failures (exponential).
    #[serde(default)]
    pub every: Option<Hours>,
    /// Time to failure, renewed after each repair.
    #[serde(default)]
    pub after: Option<Dist>,
    /// damage (default) or destroy.
    #[serde(default)]
    pub effect: Option<Effect>,
    /// Repair time of this failure (default: the component's).
    #[serde(default)]
    pub repair: Option<Dist>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Threat")]
pub(super) struct RawThreat {
    /// Unique id: lowercase letters, digits, - and _.
    #[serde(deserialize_with = "text::string")]
    #[schemars(with = "super::schema::Text")]
    pub id: String,
    /// Display name.
    #[serde(default, deserialize_with = "text::optional")]
    #[schemars(with = "Option<super::schema::Text>")]
    pub name: Option<String>,
    /// Mean interval between events (or per_year).
    #[serde(default)]
    pub every: Option<Hours>,
    /// Events per year (or every); without either it is for drills only.
    #[serde(default)]
    pub per_year: Option<f64>,
    /// What it hits.
    pub hits: RawHits,
    /// Chance each selected component is hit (default 1).
    #[serde(default)]
    pub chance: Option<f64>,
    /// disrupt, damage or destroy.
    pub effect: Effect,
    /// disrupt: how long until it clears by itself.
    #[serde(default)]
    pub duration: Option<Dist>,
    /// destroy: overrides the components' rebuild.
    #[serde(default)]
    pub rebuild: Option<Dist>,
    /// damage: overrides the components' repair.
    #[serde(default)]
    pub repair: Option<Dist>,
    /// destroy: non-immutable backup tiers are destroyed too (ransomware).
    #[serde(default)]
    pub reaches_backups: bool,
    /// destroy: how long the attacker was inside before; backups taken since are lost too.
    #[serde(default)]
    pub dwell: Option<Dist>,
}

/// A threat's `hits`: one selector (v1), or a list of them, each with its
/// own chance (hit groups, spec 13.5).
#[derive(Debug, Clone)]
pub(super) struct RawHits {
    /// The selectors, in file order.
    pub groups: Vec<RawSelector>,
    /// Written as a list (key paths then carry the entry's index).
    pub list: bool,
}

impl<'de> Deserialize<'de> for RawHits {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawHits;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a selector such as {sites: [dc-london]}, or a list of selectors each with \
                     its chance, such as [{components: [db-a], chance: 0.7}, {kinds: [server]}]",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawHits, A::Error> {
                let one = RawSelector::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawHits {
                    groups: vec![one],
                    list: false,
                })
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<RawHits, A::Error> {
                let groups =
                    Vec::<RawSelector>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(RawHits { groups, list: true })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Selector")]
pub(super) struct RawSelector {
    /// Components at these sites.
    #[serde(default, deserialize_with = "text::list")]
    #[schemars(with = "Vec<super::schema::Text>")]
    pub sites: Vec<String>,
    /// Components of these kinds.
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// Components with these tags.
    #[serde(default, deserialize_with = "text::list")]
    #[schemars(with = "Vec<super::schema::Text>")]
    pub tags: Vec<String>,
    /// These components.
    #[serde(default, deserialize_with = "text::list")]
    #[schemars(with = "Vec<super::schema::Text>")]
    pub components: Vec<String>,
    /// The chance of this entry of a hit group (default: the threat's).
    #[serde(default)]
    pub chance: Option<f64>,
}

impl RawHits {
    /// The sites every entry names.
    pub fn sites(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flat_map(|g| &g.sites)
    }
    /// The components every entry names.
    pub fn components(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flat_map(|g| &g.components)
    }
    /// The tags every entry names.
    pub fn tags(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flat_map(|g| &g.tags)
    }
    /// Selects by nothing at all (an error: the threat hits nothing).
    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(RawSelector::is_empty)
    }
    /// The key path of entry `j` under the threat at `p`.
    pub fn path(&self, p: &str, j: usize) -> String {
        if self.list {
            format!("{p}.hits[{j}]")
        } else {
            format!("{p}.hits")
        }
    }
}

impl RawSelector {
    /// Selects by nothing at all (an error: the threat hits nothing).
    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
            && self.kinds.is_empty()
            && self.tags.is_empty()
            && self.components.is_empty()
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Tolerance")]
pub(super) struct RawTolerance {
    /// An annual loss, in the scenario's currency.
    pub loss: f64,
    /// The most tolerable chance of exceeding it in a year.
    pub p: f64,
}

/// One entry of `depends_on`.
#[derive(Debug, Clone)]
pub(super) enum RawRequirement {
    Plain(String),
    AtLeast {
        k: i64,
        of: Vec<String>,
    },
    Failover {
        members: Vec<String>,
        switchover: Option<Dist>,
        lag: Option<Hours>,
    },
}

impl RawRequirement {
    /// The components the requirement names, in order.
    pub fn names(&self) -> &[String] {
        match self {
            RawRequirement::Plain(name) => std::slice::from_ref(name),
            RawRequirement::AtLeast { of, .. } => of,
            RawRequirement::Failover { members, .. } => members,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    #[serde(default)]
    at_least: Option<i64>,
    #[serde(default, deserialize_with = "text::optional_list")]
    of: Option<Vec<String>>,
    #[serde(default, deserialize_with = "text::optional_list")]
    failover: Option<Vec<String>>,
    #[serde(default)]
    switchover: Option<Dist>,
    #[serde(default)]
    lag: Option<Hours>,
}

impl<'de> Deserialize<'de> for RawRequirement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawRequirement;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a component id, {at_least: K, of: [ids]} or {failover: [ids], switchover: 15m}",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRequirement, E> {
                Ok(RawRequirement::Plain(v.to_string()))
            }
            // An id the YAML reads as a number (`- 2024`), as `text` reads
            // one anywhere else.
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawRequirement, E> {
                Ok(RawRequirement::Plain(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawRequirement, E> {
                Ok(RawRequirement::Plain(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRequirement, A::Error> {
                let g = RawGroup::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (g.at_least, g.of, g.failover) {
                    (Some(k), Some(of), None) => {
                        if g.switchover.is_some() || g.lag.is_some() {
                            return Err(de::Error::custom(
                                "switchover and lag belong to failover groups, not at_least groups",
                            ));
                        }
                        Ok(RawRequirement::AtLeast { k, of })
                    }
                    (None, None, Some(members)) => Ok(RawRequirement::Failover {
                        members,
                        switchover: g.switchover,
                        lag: g.lag,
                    }),
                    (Some(_), None, _) => Err(de::Error::custom(
                        "at_least needs `of`: write {at_least: 2, of: [a, b, c]}",
                    )),
                    (None, Some(_), _) => Err(de::Error::custom(
                        "`of` needs `at_least`: write {at_least: 2, of: [a, b, c]}",
                    )),
                    (Some(_), Some(_), Some(_)) => Err(de::Error::custom(
                        "a requirement is either at_least/of or failover, not both",
                    )),
                    (None, None, None) => Err(de::Error::custom(
                        "empty requirement: write an id, {at_least: K, of: [ids]} or {failover: [ids], switchover: 15m}",
                    )),
                }
            }
        }
        d.deserialize_any(V)
    }
}
