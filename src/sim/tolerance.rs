//! Impact tolerance: for each service with an MTPD (its impact tolerance,
//! in the terms of the UK FCA PS21/3 and PRA SS1/21) and a drilled threat
//! (a severe but plausible scenario), the chance it stays within it, and
//! its breach point: how much longer every recovery may take before it
//! stays within tolerance in fewer than [`WITHIN_SHARE`] of the strikes.
//!
//! The breach point is found by bisection on the factor that multiplies
//! every duration of recovery ([`Scenario::with_recoveries_scaled`]), each
//! step a drill on the same trials and seed: common random numbers, so the
//! chance falls with the factor without sampling noise between the steps.
//! Its interval is where the chance's own 95% interval crosses the same
//! line: the factors at which the trials cannot tell the chance from
//! [`WITHIN_SHARE`].

use super::{drill, drill_with, Config, DrillResults, Progress, SimError};
use crate::scenario::Scenario;
use crate::stats::Proportion;
use std::collections::btree_map::{BTreeMap, Entry};

/// The share of strikes a service should stay within its tolerance in:
/// the breach point is where the chance falls below it.
pub const WITHIN_SHARE: f64 = 0.9;

/// The smallest factor the search tries: recoveries 100 times as fast.
pub const LOWEST_FACTOR: f64 = 0.01;

/// The largest factor the search tries: recoveries 100 times as long.
pub const HIGHEST_FACTOR: f64 = 100.0;

/// Drills a service's breach point takes at most, usually: the estimate
/// of the work before it starts ([`super::cost::tolerance_events`]). The
/// search starts at the factor that would be exact were every disruption
/// proportional to it, so a service alone takes about 10 to 20 for the
/// point and its interval; services alike share most of theirs (the
/// estimate is then high: 82 alike services of a generated estate took
/// 243 drills over five threats, not 8,200).
pub const DRILLS_PER_SERVICE: f64 = 20.0;

/// The search stops when the crossing is bracketed this finely (the
/// larger end over the smaller): the factor is known to within 1%.
const RESOLUTION: f64 = 1.01;

/// One service against its tolerance after one threat.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// The service's component id.
    pub service: String,
    /// Its name for people.
    pub name: String,
    /// Its impact tolerance: the MTPD, hours.
    pub mtpd_h: f64,
    /// The chance its disruption (recovery plus work recovery time) stays
    /// within the tolerance, with its interval.
    pub within: Proportion,
    /// The 90th percentile of its disruption, hours, with the interval's
    /// ends (the upper `None` when too few trials bound it).
    pub disruption_p90_h: (f64, [Option<f64>; 2]),
    /// What most often breaks it: of the strikes after which it stayed
    /// disrupted past the tolerance, the component whose recovery brought
    /// it back last (a failover group's switchover named so), with its
    /// share of those strikes; largest first, at most [`BREAKERS`].
    pub breaks: Vec<(String, f64)>,
    /// Its breach point.
    pub breach: Breach,
}

/// How many components [`Assessment::breaks`] names.
pub const BREAKERS: usize = 3;

/// Where a service's chance of staying within tolerance crosses
/// [`WITHIN_SHARE`] as every recovery is made longer or shorter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Breach {
    /// At this factor (within 1%): below it the service stays within
    /// tolerance in at least [`WITHIN_SHARE`] of the strikes, from it in
    /// fewer. Above 1 when it stays within as planned; below 1 when it
    /// needs recoveries that much faster to. `ci95`: the factors where the
    /// chance's 95% interval crosses; an end is `None` when it lies
    /// outside [`LOWEST_FACTOR`]..[`HIGHEST_FACTOR`].
    At {
        /// The factor.
        factor: f64,
        /// Its 95% interval.
        ci95: [Option<f64>; 2],
    },
    /// The service stays within tolerance in at least [`WITHIN_SHARE`]
    /// of the strikes even with recoveries [`HIGHEST_FACTOR`] times as
    /// long: the threat rarely disrupts it.
    Never,
    /// It stays within in fewer than [`WITHIN_SHARE`] even with
    /// recoveries [`LOWEST_FACTOR`] times as long: in a drill every
    /// duration is a recovery's, so its tolerance is less than a
    /// hundredth of the disruption 1 strike in 10 exceeds (an MTPD of 0,
    /// say).
    Unreachable,
}

/// The impact tolerance self-assessment of a scenario: every service with
/// an MTPD against every drilled threat.
#[derive(Debug, Clone)]
pub struct Tolerances {
    /// The scenario's name.
    pub scenario: String,
    /// Trials per drill, every factor's included.
    pub trials: u64,
    /// The seed every drill shares.
    pub seed: u64,
    /// Per drilled threat in the order given: its id, its name and its
    /// services' assessments (empty when no service has an MTPD).
    pub threats: Vec<ThreatTolerance>,
}

/// The services with an MTPD against one drilled threat.
#[derive(Debug, Clone)]
pub struct ThreatTolerance {
    /// The threat's id.
    pub id: String,
    /// Its name for people.
    pub name: String,
    /// One per service with an MTPD, in the scenario's order.
    pub services: Vec<Assessment>,
}

/// Drills each of `threats` with `config` (explained) and assesses its
/// services against their tolerances ([`assess`]); `progress` counts each
/// drill's trials in turn.
pub fn tolerances(
    s: &Scenario,
    threats: &[String],
    config: &Config,
    progress: &dyn Progress,
) -> Result<Tolerances, SimError> {
    let mut out = Vec::with_capacity(threats.len());
    for t in threats {
        let drilled = drill_with(s, t, config, progress, true)?;
        out.push(assess(s, &drilled, config, progress)?);
    }
    Ok(Tolerances {
        scenario: s.name.clone(),
        trials: config.trials.get(),
        seed: config.seed,
        threats: out,
    })
}

/// Assesses every service with an MTPD against `drilled`, a drill of `s`
/// run with `config` and `explain` (its breaks come from the
/// explanation). Each breach point takes a few more drills of the same
/// threat on the same trials (see the module), each counted by
/// `progress`.
pub fn assess(
    s: &Scenario,
    drilled: &DrillResults,
    config: &Config,
    progress: &dyn Progress,
) -> Result<ThreatTolerance, SimError> {
    let threat = drilled.threat.as_deref().expect("a drill names its threat");
    let name = s
        .threat_index(threat)
        .map_or(threat, |i| s.threats[i].label())
        .to_string();
    // Each service's chance at each factor tried, shared by the services:
    // one drill answers for all of them.
    let mut drills: BTreeMap<u64, Vec<Option<Proportion>>> = BTreeMap::new();
    let mut out = Vec::new();
    for (k, r) in drilled.services.iter().enumerate() {
        let (Some(mtpd), Some(within)) = (r.mtpd_h, r.mtpd_met) else {
            continue;
        };
        let p90 = r.disruption_h.p90;
        let mut chance = |factor: f64| -> Result<Proportion, SimError> {
            if factor == 1.0 {
                return Ok(within);
            }
            let chances = match drills.entry(factor.to_bits()) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    let scaled = s.with_recoveries_scaled(factor);
                    let d = drill(&scaled, threat, config, progress)?;
                    e.insert(d.services.iter().map(|r| r.mtpd_met).collect())
                }
            };
            Ok(chances[k].expect("scaling keeps the service's MTPD"))
        };
        let breach = breach_point(&mut chance, mtpd, p90, r.affected.p)?;
        let breaks = r
            .explain
            .as_ref()
            .map(|e| {
                e.mtpd_breaches
                    .iter()
                    .take(BREAKERS)
                    .cloned()
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        out.push(Assessment {
            service: r.id.clone(),
            name: r.name.clone(),
            mtpd_h: mtpd,
            within,
            disruption_p90_h: (
                p90,
                [Some(r.disruption_h.p90_ci95.lo), r.disruption_h.p90_ci95.hi],
            ),
            breaks,
            breach,
        });
    }
    Ok(ThreatTolerance {
        id: threat.to_string(),
        name,
        services: out,
    })
}

/// The breach point of one service, given its chance of staying within
/// tolerance at a factor (`chance`), its tolerance, its disruption's 90th
/// percentile as drilled and the share of strikes that affect it.
fn breach_point(
    chance: &mut impl FnMut(f64) -> Result<Proportion, SimError>,
    mtpd: f64,
    p90: f64,
    affected: f64,
) -> Result<Breach, SimError> {
    // A service the threat leaves alone in at least that share of strikes
    // stays within however long its recoveries take.
    if 1.0 - affected >= WITHIN_SHARE {
        return Ok(Breach::Never);
    }
    // Were every disruption exactly proportional to the factor, the
    // crossing would be where the 90th percentile meets the tolerance:
    // the search starts there.
    let guess = if p90 > 0.0 {
        mtpd / p90
    } else {
        HIGHEST_FACTOR
    };
    Ok(match crossing(chance, |p| p.p, guess)? {
        Crossing::At { lo, hi } => {
            let factor = (lo * hi).sqrt();
            // The interval's ends from the outer ends of their brackets,
            // so that it holds the point even when narrower than the
            // search's resolution.
            let end = |c: Crossing, outer: fn(f64, f64) -> f64| match c {
                Crossing::At { lo, hi } => Some(outer(lo, hi)),
                Crossing::Above | Crossing::Below => None,
            };
            let low = end(crossing(chance, |p| p.ci95[0], lo)?, |lo, _| lo);
            let high = end(crossing(chance, |p| p.ci95[1], hi)?, |_, hi| hi);
            Breach::At {
                factor,
                ci95: [low.map(|x| x.min(factor)), high.map(|x| x.max(factor))],
            }
        }
        Crossing::Above => Breach::Never,
        Crossing::Below => Breach::Unreachable,
    })
}

/// Where a figure of the chance crosses [`WITHIN_SHARE`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Crossing {
    /// Between these factors, `hi / lo` within [`RESOLUTION`]: at `lo`
    /// the figure is at least the share, at `hi` below it.
    At {
        /// The factor at which it still holds.
        lo: f64,
        /// The factor at which it no longer does.
        hi: f64,
    },
    /// Not below [`HIGHEST_FACTOR`]: at least the share up to there.
    Above,
    /// Not above [`LOWEST_FACTOR`]: below the share down to there.
    Below,
}

/// The factors the search may try are a grid, [`steps`] to each
/// hundredfold (`HIGHEST_FACTOR.powf(i / steps())` for `i` in
/// `-steps()..=steps()`), each within [`RESOLUTION`] of the next: services
/// whose searches pass near each other try the very same factors, and one
/// drill at a factor answers for every service of the threat (the 82
/// alike services of a generated thousand-component estate share most of
/// their drills).
fn steps() -> i64 {
    (HIGHEST_FACTOR.ln() / RESOLUTION.ln()).ceil() as i64
}

/// The grid's factor at `i`.
fn grid(i: i64) -> f64 {
    if i == 0 {
        1.0
    } else {
        HIGHEST_FACTOR.powf(i as f64 / steps() as f64)
    }
}

/// Where `figure` of the chance (the estimate, or an end of its
/// interval), falling as the factor grows, crosses [`WITHIN_SHARE`]. The
/// figure at factor 1 is known (the drill as planned), so 1 is one end of
/// the first bracket and the crossing lies on the side it says: a service
/// within tolerance as planned gets a factor of at least 1, one outside it
/// a factor below 1. The search brackets the crossing in the smallest
/// aligned block of the [`grid`] around `guess` (sizes 2, 4, 8, ...,
/// block ends at multiples of the size, so that searches from nearby
/// guesses share them), then halves the block down to neighbouring grid
/// points, within [`RESOLUTION`].
fn crossing(
    chance: &mut impl FnMut(f64) -> Result<Proportion, SimError>,
    figure: fn(&Proportion) -> f64,
    guess: f64,
) -> Result<Crossing, SimError> {
    let mut holds =
        |i: i64| -> Result<bool, SimError> { Ok(figure(&chance(grid(i))?) >= WITHIN_SHARE) };
    // The side of 1 the crossing lies on, as grid indices.
    let (first, last) = if holds(0)? {
        (0, steps())
    } else {
        (-steps(), 0)
    };
    let g = ((guess.ln() / HIGHEST_FACTOR.ln()) * steps() as f64)
        .round()
        .clamp(first as f64, last as f64) as i64;
    let mut size = 2i64;
    let (mut lo, mut hi) = loop {
        let start = g.div_euclid(size) * size;
        // At the side's upper end (1, for a service outside tolerance as
        // planned), the aligned block below it.
        let start = if start >= last { start - size } else { start };
        let (lo, hi) = (start.max(first), (start + size).min(last));
        let below = holds(lo)?;
        let above = holds(hi)?;
        if below && !above {
            break (lo, hi);
        }
        if lo == first && hi == last {
            // The whole side: the figure holds at both ends or at neither.
            return Ok(if below {
                Crossing::Above
            } else {
                Crossing::Below
            });
        }
        size *= 2;
    };
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if holds(mid)? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(Crossing::At {
        lo: grid(lo),
        hi: grid(hi),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chance that is 1 up to `edge` and 0 beyond, with the interval's
    /// ends crossing at `edge` times 0.9 and 1.1.
    fn step(edge: f64) -> impl FnMut(f64) -> Result<Proportion, SimError> {
        move |f| {
            let at = |e: f64| if f < e { 1.0 } else { 0.0 };
            Ok(Proportion {
                p: at(edge),
                ci95: [at(edge * 0.9), at(edge * 1.1)],
            })
        }
    }

    #[test]
    fn the_crossing_is_found_within_the_resolution_from_any_guess() {
        for edge in [0.013, 0.3, 1.0, 1.6, 42.0, 99.0] {
            for guess in [0.01, 0.5, 1.0, 3.0, 100.0] {
                let found = crossing(&mut step(edge), |p| p.p, guess).unwrap();
                let Crossing::At { lo, hi } = found else {
                    panic!("edge {edge}, guess {guess}: {found:?}")
                };
                assert!(
                    lo < edge * (1.0 + 1e-12)
                        && edge <= hi * (1.0 + 1e-12)
                        && hi / lo <= RESOLUTION,
                    "{found:?}"
                );
                let f = (lo * hi).sqrt();
                assert!(
                    (f / edge).ln().abs() <= RESOLUTION.ln(),
                    "edge {edge}, guess {guess}: {f}"
                );
            }
        }
    }

    #[test]
    fn searches_from_nearby_guesses_try_the_same_factors() {
        // Forty services alike but for sampling noise: edges and guesses
        // within 5% of 2. Every factor tried, over all their searches
        // (point and interval), counted once, as one drill answers for all.
        let mut tried = std::collections::BTreeSet::new();
        let mut one = 0;
        for k in 0..40 {
            let edge = 2.0 * (1.0 + 0.05 * (k as f64 / 40.0));
            let guess = 2.0 * (1.0 - 0.05 * ((k * 7 % 40) as f64 / 40.0));
            let mut inner = step(edge);
            let mut mine = std::collections::BTreeSet::new();
            let mut chance = |f: f64| {
                tried.insert(f.to_bits());
                mine.insert(f.to_bits());
                inner(f)
            };
            let Breach::At { factor, .. } =
                breach_point(&mut chance, 20.0, 20.0 / guess, 1.0).unwrap()
            else {
                panic!("a crossing")
            };
            assert!(
                (factor / edge).ln().abs() <= RESOLUTION.ln(),
                "{factor} {edge}"
            );
            one = one.max(mine.len());
        }
        // A search from a good guess is short, and the forty together try
        // few more factors than one alone.
        assert!(one <= 30, "one search tried {one} factors");
        assert!(
            tried.len() <= 2 * one,
            "{} factors for 40 services",
            tried.len()
        );
    }

    #[test]
    fn a_crossing_outside_the_range_is_said_to_be() {
        let mut always = |_: f64| {
            Ok(Proportion {
                p: 1.0,
                ci95: [1.0, 1.0],
            })
        };
        assert_eq!(
            crossing(&mut always, |p| p.p, 1.0).unwrap(),
            Crossing::Above
        );
        let mut never = |_: f64| {
            Ok(Proportion {
                p: 0.0,
                ci95: [0.0, 0.0],
            })
        };
        assert_eq!(crossing(&mut never, |p| p.p, 1.0).unwrap(), Crossing::Below);
    }

    #[test]
    fn the_interval_comes_from_the_chances_interval() {
        let Breach::At { factor, ci95 } = breach_point(&mut step(2.0), 10.0, 5.0, 1.0).unwrap()
        else {
            panic!("a crossing")
        };
        let near = |a: f64, b: f64| (a / b).ln().abs() <= RESOLUTION.ln();
        assert!(near(factor, 2.0), "{factor}");
        // The lower end of the chance crosses first (at 1.8), the upper
        // last (at 2.2).
        assert!(near(ci95[0].unwrap(), 1.8), "{ci95:?}");
        assert!(near(ci95[1].unwrap(), 2.2), "{ci95:?}");
    }

    #[test]
    fn a_service_rarely_affected_never_breaches() {
        let mut unused = |_: f64| -> Result<Proportion, SimError> { unreachable!() };
        assert_eq!(
            breach_point(&mut unused, 10.0, 0.0, 0.05).unwrap(),
            Breach::Never
        );
    }
}
