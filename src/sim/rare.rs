//! Rare-event sampling for runs: stratification on the rare threats.
//!
//! A threat is **rare** when it strikes less than once in ten trials on
//! average (e.g. a site fire every 50 years over a one-year horizon). The
//! trials split into two strata: **A**, those in which no rare threat
//! strikes (probability `e^-M`, M the expected strikes of all rare threats
//! together), and **B**, those in which at least one does (`1 - e^-M`).
//! Plain sampling puts a share `1 - e^-M` of the trials in B, a few
//! percent; this design puts half of them there (every other trial, by
//! trial number, so it does not depend on threads), drawing B's strikes
//! from the scenario's own law conditioned on at least one: their number
//! from the zero-truncated Poisson law of mean M, each strike's threat in
//! proportion to its rate, its time uniform over the horizon (how a
//! Poisson process's points fall given their number). In A the rare
//! threats do not strike. Everything else in a trial is drawn as in plain
//! sampling, from the trial's own streams.
//!
//! Each trial's weight is its stratum's probability (see
//! [`stats::strata`](crate::stats)), so every estimate is the stratified
//! one: unbiased, with the variance of each stratum's own spread. A
//! variant (an investment option, a sensitivity setting) is estimated on
//! the same trials (common random numbers): its weight carries the
//! likelihood ratio of its own rates over the design's,
//! `Π (m'/m)^n e^-(m' - m)` over the rare threats (n strikes each), which
//! in stratum A is `e^-(M' - M)`.
//!
//! The price: stratum A gets half the trials instead of `e^-M` of them,
//! so a figure that does not depend on the rare threats has the variance
//! of `1 / (e^-2M / 0.5 + (1 - e^-M)^2 / 0.5)` times fewer trials, about
//! half, which the output states as the effective sample size.

use super::model::Model;
use super::rng::{tag, trial_key, uniform};
use crate::scenario::Scenario;
use crate::stats::Weight;

/// A threat is rare when it strikes fewer than this many times per trial
/// on average.
pub const RARE_BELOW: f64 = 0.1;

/// Trials are allotted to the strata in cycles of this many: `RARE_SLOTS`
/// of them go to stratum B (spread evenly), the rest to A.
const SLOTS: u64 = 64;
/// Of each cycle of [`SLOTS`] trials, this many are drawn from stratum B.
const RARE_SLOTS: u64 = 32;

/// The most strikes drawn in one trial of stratum B: the zero-truncated
/// Poisson law of a mean below 1 puts less than 1e-300 past it.
const MOST_STRIKES: u32 = 200;

/// Stratum A: no rare threat strikes.
pub(crate) const NONE_RARE: u8 = 0;
/// Stratum B: at least one rare threat strikes.
pub(crate) const SOME_RARE: u8 = 1;

/// The design of a stratified run: which threats are rare, and how often
/// they strike under the base scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The rare threats' ids, in scenario order.
    pub threats: Vec<String>,
    /// Their expected strikes per trial, under the base scenario.
    expected: Vec<f64>,
    /// Their sum, M.
    total: f64,
    /// The horizon, hours.
    horizon: f64,
    /// The random stream of stratum B's strikes.
    tag: u64,
}

impl Design {
    /// The design for `scenario` over `horizon` hours: `None` when no
    /// threat is rare, or when the rare ones together strike in so many
    /// trials that plain sampling sees them often enough (as often as the
    /// design would).
    pub fn new(scenario: &Scenario, horizon: f64) -> Option<Design> {
        let rare: Vec<(String, f64)> = scenario
            .threats
            .iter()
            .filter_map(|t| {
                let m = t.rate? * horizon;
                (m > 0.0 && m < RARE_BELOW).then(|| (t.id.clone(), m))
            })
            .collect();
        let total: f64 = rare.iter().map(|(_, m)| m).sum();
        let share = RARE_SLOTS as f64 / SLOTS as f64;
        if rare.is_empty() || -(-total).exp_m1() >= share {
            return None;
        }
        let (threats, expected) = rare.into_iter().unzip();
        Some(Design {
            threats,
            expected,
            total,
            horizon,
            tag: tag(&["rare-event sampling"]),
        })
    }

    /// The probability that a trial holds at least one rare strike, under
    /// the base scenario: stratum B's.
    pub fn p_some(&self) -> f64 {
        -(-self.total).exp_m1()
    }

    /// The stratum of trial `t`: [`SOME_RARE`] for `RARE_SLOTS` of every
    /// `SLOTS` trials, spread evenly (every other one).
    pub(crate) fn stratum(&self, t: u64) -> u8 {
        let slot = t % SLOTS;
        if (slot + 1) * RARE_SLOTS / SLOTS > slot * RARE_SLOTS / SLOTS {
            SOME_RARE
        } else {
            NONE_RARE
        }
    }

    /// How many of the first `trials` trials are in `stratum`.
    pub(crate) fn trials_in(&self, stratum: u8, trials: u64) -> u64 {
        let of = |n: u64| (0..n).filter(|&t| self.stratum(t) == stratum).count() as u64;
        of(SLOTS) * (trials / SLOTS) + of(trials % SLOTS)
    }

    /// Per stratum, what a trial of weight 1 counts for in a sum over the
    /// first `trials` that estimates N times a mean: N / n_h, n_h the
    /// trials of the stratum (the stratified estimator of a total, for sums
    /// kept without strata). A trial counts for its weight times this.
    pub(crate) fn trial_units(&self, trials: u64) -> [f64; 2] {
        [NONE_RARE, SOME_RARE].map(|h| trials as f64 / self.trials_in(h, trials).max(1) as f64)
    }

    /// The share of the trials each stratum gets, and its probability.
    pub fn strata(&self) -> [(f64, f64); 2] {
        let share = RARE_SLOTS as f64 / SLOTS as f64;
        [(1.0 - share, (-self.total).exp()), (share, self.p_some())]
    }

    /// The rare strikes of trial `t` of stratum B: `(time, rare threat)`
    /// pairs into `out`, and each rare threat's count into `counts`.
    /// Stratum A has none.
    pub(crate) fn strikes(
        &self,
        seed: u64,
        t: u64,
        out: &mut Vec<(f64, u32)>,
        counts: &mut Vec<u32>,
    ) {
        out.clear();
        counts.clear();
        counts.resize(self.threats.len(), 0);
        if self.stratum(t) == NONE_RARE {
            return;
        }
        let key = trial_key(seed, t);
        // The number of strikes: the zero-truncated Poisson law of mean M,
        // by inverse transform.
        let target = uniform(key, self.tag, 0) * self.p_some();
        let mut p = (-self.total).exp() * self.total;
        let (mut n, mut below) = (1u32, p);
        while below < target && n < MOST_STRIKES {
            n += 1;
            p *= self.total / f64::from(n);
            below += p;
        }
        let mut counter = 1;
        for _ in 0..n {
            let mut pick = uniform(key, self.tag, counter) * self.total;
            let time = uniform(key, self.tag, counter + 1) * self.horizon;
            counter += 2;
            let mut which = self.expected.len() - 1;
            for (i, m) in self.expected.iter().enumerate() {
                if pick < *m {
                    which = i;
                    break;
                }
                pick -= m;
            }
            counts[which] += 1;
            out.push((time, which as u32));
        }
    }

    /// How a model (the base, or a variant) stands to this design: which
    /// of its threats are drawn by the design, and how often each rare
    /// threat strikes under it.
    pub(crate) fn bind(&self, scenario: &Scenario, model: &Model) -> Binding {
        let mut drawn = vec![false; model.threats.len()];
        let mut index = Vec::with_capacity(self.threats.len());
        let mut expected = Vec::with_capacity(self.threats.len());
        for id in &self.threats {
            let i = scenario.threat_index(id);
            if let Some(i) = i {
                drawn[i] = true;
            }
            index.push(i.map(|i| i as u32));
            let rate = i.and_then(|i| model.threats[i].rate).unwrap_or(0.0);
            expected.push(rate * self.horizon);
        }
        Binding {
            drawn,
            index,
            expected,
        }
    }

    /// The weight of trial `t` for a model bound by `binding`, given the
    /// rare strikes drawn for it (`counts`, per rare threat).
    pub(crate) fn weight(&self, t: u64, binding: &Binding, counts: &[u32]) -> Weight {
        let stratum = self.stratum(t);
        let total: f64 = binding.expected.iter().sum();
        let w = match stratum {
            NONE_RARE => (-total).exp(),
            _ => {
                let mut log_ratio = self.total - total;
                for ((&n, &m), &m_variant) in
                    counts.iter().zip(&self.expected).zip(&binding.expected)
                {
                    if n > 0 {
                        log_ratio += f64::from(n) * (m_variant / m).ln();
                    }
                }
                self.p_some() * log_ratio.exp()
            }
        };
        Weight { stratum, w }
    }
}

/// A model bound to a [`Design`].
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    /// Per model threat: its arrivals come from the design.
    pub drawn: Vec<bool>,
    /// Per rare threat: its index in the model, if it has one.
    pub index: Vec<Option<u32>>,
    /// Per rare threat: its expected strikes per trial under the model.
    pub expected: Vec<f64>,
}

impl Binding {
    /// The strikes of a trial as the model's `(time, threat)` events: a
    /// rare threat the model lacks does not strike (its weight is 0 then).
    pub(crate) fn events(&self, strikes: &[(f64, u32)], out: &mut Vec<(f64, u32)>) {
        out.clear();
        out.extend(
            strikes
                .iter()
                .filter_map(|&(time, r)| self.index[r as usize].map(|i| (time, i))),
        );
    }
}
