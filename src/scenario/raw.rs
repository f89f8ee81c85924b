//! The scenario file as written: serde types that mirror the YAML one to one.
//! Unknown keys are refused here; cross-references are checked in `validate`.

use super::text;
use super::units::{Dist, Hours};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    #[serde(deserialize_with = "text::string")]
    pub name: String,
    #[serde(default, deserialize_with = "text::optional")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "text::optional")]
    pub currency: Option<String>,
    #[serde(default)]
    pub horizon: Option<Hours>,
    #[serde(default)]
    pub sites: Vec<RawSite>,
    #[serde(default)]
    pub teams: Vec<RawTeam>,
    pub components: Vec<RawComponent>,
    #[serde(default)]
    pub threats: Vec<RawThreat>,
    #[serde(default)]
    pub risk_tolerance: Vec<RawTolerance>,
    /// Investment options (spec section 11): read here so the key is known,
    /// applied and validated by `options::load_options`.
    #[serde(default)]
    #[allow(dead_code)]
    pub options: Vec<serde_yaml_ng::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSite {
    #[serde(deserialize_with = "text::string")]
    pub id: String,
    #[serde(default, deserialize_with = "text::optional")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text::optional")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTeam {
    #[serde(deserialize_with = "text::string")]
    pub id: String,
    #[serde(default, deserialize_with = "text::optional")]
    pub name: Option<String>,
    pub size: u32,
}

/// What a component is (its `kind` key). Only services are reported on;
/// the other kinds label the rest for people and let threats select by
/// kind, and behave alike in the simulation.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComponent {
    #[serde(deserialize_with = "text::string")]
    pub id: String,
    #[serde(default, deserialize_with = "text::optional")]
    pub name: Option<String>,
    pub kind: Kind,
    #[serde(default, deserialize_with = "text::optional")]
    pub site: Option<String>,
    #[serde(default, deserialize_with = "text::list")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub depends_on: Vec<RawRequirement>,
    #[serde(default)]
    pub failures: Vec<RawFailure>,
    #[serde(default)]
    pub repair: Option<Dist>,
    #[serde(default)]
    pub rebuild: Option<Dist>,
    #[serde(default)]
    pub detect: Option<Dist>,
    #[serde(default, deserialize_with = "text::optional")]
    pub team: Option<String>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub data: Option<RawData>,
    #[serde(default)]
    pub rto: Option<Hours>,
    #[serde(default)]
    pub rpo: Option<Hours>,
    #[serde(default)]
    pub mtpd: Option<Hours>,
    #[serde(default)]
    pub wrt: Option<Dist>,
    #[serde(default)]
    pub impact: Option<RawImpact>,
}

#[derive(Debug, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RawImpact {
    #[serde(default)]
    pub per_hour: f64,
    #[serde(default)]
    pub per_hour_data_lost: f64,
    #[serde(default)]
    pub per_incident: f64,
    /// The cost of one total loss of a service's data (spec 13.7).
    #[serde(default)]
    pub per_total_data_loss: Option<f64>,
    #[serde(default)]
    pub over_time: Vec<RawStep>,
}

/// One step of `impact.over_time` (spec 13.1).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStep {
    pub after: Hours,
    #[serde(default)]
    pub per_hour: Option<f64>,
    #[serde(default)]
    pub once: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawData {
    #[serde(default)]
    pub backups: Vec<RawBackup>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackup {
    pub every: Hours,
    pub restore: Dist,
    #[serde(default)]
    pub immutable: bool,
    #[serde(default)]
    pub offsite: bool,
    #[serde(default)]
    pub keep: Option<Hours>,
    #[serde(default)]
    pub restore_fails: Option<f64>,
}

/// What a failure or a threat does to a component it hits, without the
/// data that goes with it (see [`ThreatEffect`](super::ThreatEffect) and
/// [`FailureEffect`](super::FailureEffect)).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFailure {
    #[serde(default)]
    pub every: Option<Hours>,
    #[serde(default)]
    pub after: Option<Dist>,
    #[serde(default)]
    pub effect: Option<Effect>,
    #[serde(default)]
    pub repair: Option<Dist>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThreat {
    #[serde(deserialize_with = "text::string")]
    pub id: String,
    #[serde(default, deserialize_with = "text::optional")]
    pub name: Option<String>,
    #[serde(default)]
    pub every: Option<Hours>,
    #[serde(default)]
    pub per_year: Option<f64>,
    pub hits: RawHits,
    #[serde(default)]
    pub chance: Option<f64>,
    pub effect: Effect,
    #[serde(default)]
    pub duration: Option<Dist>,
    #[serde(default)]
    pub rebuild: Option<Dist>,
    #[serde(default)]
    pub repair: Option<Dist>,
    #[serde(default)]
    pub reaches_backups: bool,
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

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSelector {
    #[serde(default, deserialize_with = "text::list")]
    pub sites: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<Kind>,
    #[serde(default, deserialize_with = "text::list")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "text::list")]
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

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTolerance {
    pub loss: f64,
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
