//! Rare-event sampling for runs: stratification on the rare threats.
//!
//! A threat is **rare** when it strikes less than once in ten trials on
//! average (e.g. a site fire every 50 years over a one-year horizon). The
//! trials split into strata: **A**, those in which no rare threat strikes
//! (probability `e^-M`, M the expected strikes of all rare threats
//! together), and the years in which at least one does (`1 - e^-M`),
//! themselves split by *which* rare threat strikes. Plain sampling puts a
//! share `1 - e^-M` of the trials in the latter, a few percent; this
//! design puts half of them there (every other trial, by trial number, so
//! it does not depend on threads).
//!
//! The rare threats are taken in **groups** `G_1, G_2, ...` (each rare
//! threat alone, the most telling first; past [`MAX_GROUPS`] the least
//! telling share the last group). Stratum `B_g` holds the years in which
//! no threat of the groups before `g` strikes and at least one of `G_g`
//! does, with probability `e^-(M_1 + ... + M_{g-1}) (1 - e^-M_g)`, `M_g`
//! the expected strikes of group `g`; the `B_g` and A partition all years.
//! A trial of `B_g` draws `G_g`'s strikes from the zero-truncated Poisson
//! law of mean `M_g`, the later groups' from their Poisson laws, and none
//! of the earlier groups'; within a group each strike's threat is drawn in
//! proportion to its rate, its time uniformly over the horizon (how a
//! Poisson process's points fall given their number). In A the rare
//! threats do not strike. Everything else in a trial is drawn as in plain
//! sampling, from the trial's own streams.
//!
//! **Allocation.** A stratified estimate is unbiased whatever share of the
//! trials each stratum gets; the shares decide its precision. Half go to
//! A (every figure the rare threats do not touch keeps about half the
//! trials), half to the `B_g`, in proportion to each stratum's
//! probability times the size (root mean square) of the total loss of a
//! year with one of its strikes, so the threat that makes the big losses
//! (ransomware against a hospital) gets most of them, and each group at
//! least [`MIN_SLOTS`] of 32. This is Neyman's rule with the spread
//! measured from zero, the loss of most years without a rare strike,
//! rather than within the stratum: it also counts what sets a stratum
//! apart from the years without, and does not starve a threat whose every
//! strike costs the same (such strikes make the tail). The sizes come
//! from a **pilot**: up to [`PILOT`] trials per rare threat, each with one
//! strike of that threat at a uniform time, drawn from streams of their
//! own (not part of the run's sample; they only decide the shares).
//!
//! Each trial's weight is its stratum's probability (see
//! [`stats::strata`](crate::stats)), so every estimate is the stratified
//! one: unbiased, with the variance of each stratum's own spread. A
//! variant (an investment option, a sensitivity setting) is estimated on
//! the same trials (common random numbers): its weight carries the
//! likelihood ratio of its own rates over the design's,
//! `Π (m'/m)^n e^-(m' - m)` over the rare threats (n strikes each).
//!
//! The price: stratum A gets half the trials instead of `e^-M` of them,
//! so a figure that does not depend on the rare threats has the variance
//! of about half the trials, which the output states as the effective
//! sample size.

pub mod hits;

use super::model::Model;
use super::rng::{mix64, tag, trial_key, uniform};
use super::targets::trial_loss;
use super::trial::{Mode, Trial};
use crate::scenario::Scenario;
use crate::stats::{Moments, Weight};
use rayon::prelude::*;

/// A threat is rare when it strikes fewer than this many times per trial
/// on average.
pub const RARE_BELOW: f64 = 0.1;

/// Trials are allotted to the strata in cycles of this many: `RARE_SLOTS`
/// of them go to the rare strata (every other one), the rest to A.
pub(crate) const SLOTS: u64 = 64;
/// Of each cycle of [`SLOTS`] trials, this many are drawn from the rare
/// strata.
const RARE_SLOTS: u64 = 32;
/// The most groups of rare threats, each a stratum.
pub const MAX_GROUPS: usize = 8;
/// The fewest slots of a cycle a group gets.
pub const MIN_SLOTS: u64 = 2;
/// The pilot's trials per rare threat, at most: together at most
/// [`PILOT_ALL`] and a quarter of the run's trials, but at least 16 each.
pub const PILOT: u64 = 64;
/// The pilot's trials over all rare threats, at most (unless each would
/// get fewer than 16).
const PILOT_ALL: u64 = 1024;

/// The most strikes drawn for one group in one trial: the Poisson law of a
/// mean below 1 puts less than 1e-300 past it.
const MOST_STRIKES: u32 = 200;

/// Stratum A: no rare threat strikes.
pub(crate) const NONE_RARE: u8 = 0;

/// Rare threats that share a stratum.
#[derive(Debug, Clone, PartialEq)]
struct Group {
    /// Indices into the design's rare threats.
    members: Vec<u32>,
    /// Their expected strikes per trial together.
    total: f64,
}

/// The design of a stratified run: which threats are rare, how often they
/// strike under the base scenario, and how the trials are shared among
/// the strata.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The rare threats' ids, in scenario order.
    pub threats: Vec<String>,
    /// Their expected strikes per trial, under the base scenario.
    expected: Vec<f64>,
    /// Their sum, M.
    total: f64,
    /// The sum of the rare threats' expected strikes under the base
    /// scenario (below `total` where a variant raises a rate).
    base_total: f64,
    /// The rare strata's groups, in order: stratum `1 + g` is group `g`'s.
    groups: Vec<Group>,
    /// Per stratum (A first): its probability.
    probability: Vec<f64>,
    /// The stratum of each slot of a cycle.
    slots: Vec<u8>,
    /// The pilot's trials (0 with one group).
    pub pilot_trials: u64,
    /// The horizon, hours.
    horizon: f64,
    /// The random stream of the rare strikes.
    tag: u64,
}

impl Design {
    /// The design of a run of `trials` trials of `model` (compiled from
    /// `scenario`) in `mode`: `None` for a drill, for plain sampling
    /// (`plain`), when no threat is rare, or when the rare ones together
    /// strike in so many trials that plain sampling sees them often enough
    /// (as often as the design would). A run of fewer than [`SLOTS`]
    /// trials keeps all rare threats in one group (every stratum then has
    /// trials from the second trial on); a longer one shares the rare
    /// trials among the groups by a pilot drawn from `seed`.
    ///
    /// The `variants` (options, sensitivity settings: each a scenario and
    /// its model) are estimated on the same trials by likelihood ratio:
    /// the design draws each rare threat at the highest rate of the base
    /// and the variants (a defensive mixture), so no variant's weight can
    /// exceed `e^M` however much it raises a rate, and a threat that some
    /// variant makes common is not stratified at all.
    pub(crate) fn for_run(
        scenario: &Scenario,
        model: &Model,
        mode: Mode,
        plain: bool,
        trials: u64,
        seed: u64,
        variants: &[(&Scenario, &Model)],
    ) -> Option<Design> {
        let Mode::Run { horizon } = mode else {
            return None;
        };
        if plain {
            return None;
        }
        let rate_in = |s: &Scenario, m: &Model, id: &str| {
            s.threat_index(id)
                .and_then(|i| m.threats[i].rate)
                .unwrap_or(0.0)
        };
        let mut base_total = 0.0;
        let rare: Vec<(String, f64)> = scenario
            .threats
            .iter()
            .filter_map(|t| {
                let highest = variants
                    .iter()
                    .map(|(s, m)| rate_in(s, m, &t.id))
                    .fold(t.rate?, f64::max);
                let m = highest * horizon;
                let rare = m > 0.0 && m < RARE_BELOW;
                if rare {
                    base_total += t.rate? * horizon;
                }
                rare.then(|| (t.id.clone(), m))
            })
            .collect();
        let total: f64 = rare.iter().map(|(_, m)| m).sum();
        let share = RARE_SLOTS as f64 / SLOTS as f64;
        if rare.is_empty() || -(-total).exp_m1() >= share {
            return None;
        }
        let (threats, expected): (Vec<String>, Vec<f64>) = rare.into_iter().unzip();
        let mut design = Design {
            threats,
            expected,
            total,
            base_total,
            groups: Vec::new(),
            probability: Vec::new(),
            slots: Vec::new(),
            pilot_trials: 0,
            horizon,
            tag: tag(&["rare-event sampling"]),
        };
        let size = if design.threats.len() > 1 && trials >= SLOTS {
            design.pilot(scenario, model, trials, seed)
        } else {
            Vec::new()
        };
        design.allot(&size);
        Some(design)
    }

    /// The design of `config`'s trials of a base and its `variants` (an
    /// option's or a sensitivity setting's scenario and model), which
    /// every one of them shares ([`Design::for_run`]).
    pub(crate) fn for_variants(
        base: &Scenario,
        model: &Model,
        mode: Mode,
        config: &crate::sim::Config,
        variants: &[(&Scenario, &Model)],
    ) -> Option<Design> {
        let (plain, trials, seed) = (config.plain, config.trials.get(), config.seed);
        Design::for_run(base, model, mode, plain, trials, seed, variants)
    }

    /// The size (root mean square) of the total loss of a trial with one
    /// strike of each rare threat (and no other rare strike), per rare
    /// threat, from the pilot's trials; records how many it ran.
    fn pilot(&mut self, scenario: &Scenario, model: &Model, trials: u64, seed: u64) -> Vec<f64> {
        let binding = self.bind(scenario, model);
        let budget = PILOT_ALL.min(trials / 4);
        let each = (budget / self.threats.len() as u64).clamp(16, PILOT);
        self.pilot_trials = each * self.threats.len() as u64;
        let pilot_seed = mix64(seed ^ tag(&["rare-event pilot"]));
        let mode = Mode::Run {
            horizon: self.horizon,
        };
        let (horizon, stream) = (self.horizon, self.tag);
        binding
            .index
            .par_iter()
            .map(|&i| {
                let Some(i) = i else { return 0.0 };
                let mut trial = Trial::new(model);
                trial.set_drawn(&binding.drawn);
                let mut loss = Moments::new();
                for t in 0..each {
                    let time = uniform(trial_key(pilot_seed, t), stream, 0) * horizon;
                    trial.run_with(pilot_seed, t, mode, &[(time, i)]);
                    loss.add(trial_loss(model, &trial.services));
                }
                (loss.variance() + loss.mean() * loss.mean()).sqrt()
            })
            .collect()
    }

    /// Forms the groups from the rare threats' loss sizes (none: one
    /// group of all), and shares the rare slots among them.
    fn allot(&mut self, size: &[f64]) {
        let n = self.threats.len();
        // The score: P(the threat strikes) × the size of its loss.
        let mut score: Vec<f64> = (0..n)
            .map(|i| -(-self.expected[i]).exp_m1() * size.get(i).copied().unwrap_or(0.0))
            .collect();
        if !score.iter().any(|&s| s > 0.0) {
            score = vec![0.0; n];
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));
        self.groups = if size.is_empty() {
            vec![(0..n as u32).collect::<Vec<u32>>()]
        } else {
            let own = order.len().min(MAX_GROUPS - 1);
            let mut groups: Vec<Vec<u32>> = order[..own].iter().map(|&i| vec![i as u32]).collect();
            if order.len() > own {
                let mut rest: Vec<u32> = order[own..].iter().map(|&i| i as u32).collect();
                rest.sort_unstable();
                groups.push(rest);
            }
            groups
        }
        .into_iter()
        .map(|members| Group {
            total: members.iter().map(|&i| self.expected[i as usize]).sum(),
            members,
        })
        .collect();
        // The strata's probabilities.
        self.probability = vec![(-self.total).exp()];
        let mut before: f64 = 0.0;
        for g in &self.groups {
            self.probability
                .push((-before).exp() * -(-g.total).exp_m1());
            before += g.total;
        }
        // Neyman's shares of the rare slots, each group at least MIN_SLOTS.
        let g_count = self.groups.len() as u64;
        let weights: Vec<f64> = self
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let s: f64 = group.members.iter().map(|&i| score[i as usize]).sum();
                if score.iter().any(|&s| s > 0.0) {
                    s
                } else {
                    self.probability[1 + g]
                }
            })
            .collect();
        let counts = shares(
            &weights,
            RARE_SLOTS,
            if g_count > 1 { MIN_SLOTS } else { 0 },
        );
        // The rare slots (odd ones) in turn: first one for each group in
        // order, then by smooth weighted round robin.
        let mut left = counts.clone();
        let mut sequence = Vec::with_capacity(RARE_SLOTS as usize);
        for (g, l) in left.iter_mut().enumerate() {
            if *l > 0 {
                sequence.push(1 + g as u8);
                *l -= 1;
            }
        }
        let mut credit = vec![0i64; counts.len()];
        let remaining: i64 = left.iter().sum::<u64>() as i64;
        for _ in 0..remaining {
            for (c, l) in credit.iter_mut().zip(&left) {
                *c += *l as i64;
            }
            let g = (0..counts.len())
                .max_by(|&a, &b| credit[a].cmp(&credit[b]).then(b.cmp(&a)))
                .expect("at least one group");
            credit[g] -= remaining;
            sequence.push(1 + g as u8);
        }
        let mut rare = sequence.into_iter();
        self.slots = (0..SLOTS)
            .map(|s| match s % 2 {
                0 => NONE_RARE,
                _ => rare.next().expect("32 rare slots"),
            })
            .collect();
    }

    /// The probability that a trial holds at least one rare strike, under
    /// the base scenario.
    pub fn p_some(&self) -> f64 {
        -(-self.base_total).exp_m1()
    }

    /// The stratum of trial `t`.
    pub(crate) fn stratum(&self, t: u64) -> u8 {
        self.slots[(t % SLOTS) as usize]
    }

    /// How many of the first `trials` trials are in `stratum`.
    pub(crate) fn trials_in(&self, stratum: u8, trials: u64) -> u64 {
        trials_in(&self.slots, stratum, trials)
    }

    /// Per stratum, what a trial of weight 1 counts for in a sum over the
    /// first `trials` that estimates N times a mean: N / n_h, n_h the
    /// trials of the stratum (the stratified estimator of a total, for sums
    /// kept without strata). A trial counts for its weight times this.
    pub(crate) fn trial_units(&self, trials: u64) -> Vec<f64> {
        trial_units(&self.slots, self.probability.len(), trials)
    }

    /// Per stratum (A first): its probability, and the rare threats that
    /// define it (none for A).
    pub fn strata(&self) -> Vec<(f64, Vec<&str>)> {
        let mut all = vec![(self.probability[0], Vec::new())];
        for (g, group) in self.groups.iter().enumerate() {
            let names = group
                .members
                .iter()
                .map(|&i| self.threats[i as usize].as_str())
                .collect();
            all.push((self.probability[1 + g], names));
        }
        all
    }

    /// Draws `n` strikes of `group` into `out` and `counts`, from the
    /// stream's uniforms at `counter` on.
    fn place(
        &self,
        key: u64,
        group: &Group,
        n: u32,
        counter: &mut u64,
        out: &mut Vec<(f64, u32)>,
        counts: &mut [u32],
    ) {
        for _ in 0..n {
            let mut pick = uniform(key, self.tag, *counter) * group.total;
            let time = uniform(key, self.tag, *counter + 1) * self.horizon;
            *counter += 2;
            let mut which = *group.members.last().expect("a group has members");
            for &i in &group.members {
                let m = self.expected[i as usize];
                if pick < m {
                    which = i;
                    break;
                }
                pick -= m;
            }
            counts[which as usize] += 1;
            out.push((time, which));
        }
    }

    /// The rare strikes of trial `t`: `(time, rare threat)` pairs into
    /// `out`, and each rare threat's count into `counts`. Stratum A has
    /// none.
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
        let stratum = self.stratum(t);
        if stratum == NONE_RARE {
            return;
        }
        let key = trial_key(seed, t);
        let mut counter = 1;
        let first = usize::from(stratum) - 1;
        // This stratum's group strikes at least once: the zero-truncated
        // Poisson law, by inverse transform.
        let group = &self.groups[first];
        let n = poisson(uniform(key, self.tag, 0), group.total, true);
        self.place(key, group, n, &mut counter, out, counts);
        // The later groups strike as they would.
        for group in &self.groups[first + 1..] {
            let n = poisson(uniform(key, self.tag, counter), group.total, false);
            counter += 1;
            self.place(key, group, n, &mut counter, out, counts);
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
    /// rare strikes drawn for it (`counts`, per rare threat): the
    /// stratum's probability times the likelihood ratio of the model's
    /// rates over the design's.
    pub(crate) fn weight(&self, t: u64, binding: &Binding, counts: &[u32]) -> Weight {
        let stratum = self.stratum(t);
        let total: f64 = binding.expected.iter().sum();
        let mut log_ratio = self.total - total;
        for ((&n, &m), &m_variant) in counts.iter().zip(&self.expected).zip(&binding.expected) {
            if n > 0 {
                log_ratio += f64::from(n) * (m_variant / m).ln();
            }
        }
        // In A (no rare strike) that is e^-M' itself.
        let w = match stratum {
            NONE_RARE => (-total).exp(),
            h => self.probability[usize::from(h)] * log_ratio.exp(),
        };
        Weight { stratum, w }
    }
}

/// How many of the first `trials` trials are in `stratum`, the strata of
/// a cycle's slots being `slots` (trial `t` takes slot `t % SLOTS`).
pub(crate) fn trials_in(slots: &[u8], stratum: u8, trials: u64) -> u64 {
    let of = |n: u64| {
        slots[..n as usize]
            .iter()
            .filter(|&&s| s == stratum)
            .count() as u64
    };
    of(SLOTS) * (trials / SLOTS) + of(trials % SLOTS)
}

/// Per stratum of `strata`, N / n_h over the first N = `trials` trials
/// ([`Design::trial_units`]).
pub(crate) fn trial_units(slots: &[u8], strata: usize, trials: u64) -> Vec<f64> {
    (0..strata as u8)
        .map(|h| trials as f64 / trials_in(slots, h, trials).max(1) as f64)
        .collect()
}

/// A count from the Poisson law of mean `m` (`at_least_one`: conditioned
/// on at least one), by inverse transform of the uniform `u`.
fn poisson(u: f64, m: f64, at_least_one: bool) -> u32 {
    let none = (-m).exp();
    let (target, mut n, mut p) = if at_least_one {
        (u * -(-m).exp_m1(), 1u32, none * m)
    } else {
        (u, 0u32, none)
    };
    let mut below = p;
    while below < target && n < MOST_STRIKES {
        n += 1;
        p *= m / f64::from(n);
        below += p;
    }
    n
}

/// `slots` shared in proportion to `weights`, each at least `floor`, by
/// largest remainders (ties to the earlier).
fn shares(weights: &[f64], slots: u64, floor: u64) -> Vec<u64> {
    let n = weights.len() as u64;
    let free = slots - floor * n;
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights
        .iter()
        .map(|w| {
            if sum > 0.0 {
                w / sum * free as f64
            } else {
                free as f64 / n as f64
            }
        })
        .collect();
    let mut counts: Vec<u64> = exact.iter().map(|e| floor + e.floor() as u64).collect();
    let mut left = slots - counts.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_keep_the_floor_and_follow_the_weights() {
        assert_eq!(shares(&[3.0, 1.0], 32, 2), vec![23, 9]);
        assert_eq!(shares(&[1.0, 0.0, 0.0], 32, 2), vec![28, 2, 2]);
        assert_eq!(shares(&[0.0, 0.0], 32, 2), vec![16, 16]);
        assert_eq!(shares(&[5.0], 32, 0), vec![32]);
        for w in [[0.1, 0.2, 0.7], [1e-9, 1.0, 1e9], [1.0, 1.0, 1.0]] {
            let c = shares(&w, 32, 2);
            assert_eq!(c.iter().sum::<u64>(), 32, "{w:?}");
            assert!(c.iter().all(|&c| c >= 2), "{w:?}");
        }
    }

    /// The inverse transform gives the Poisson law (conditioned on at
    /// least one, or not): the counts' frequencies over a fine grid of
    /// uniforms are the probabilities, to the grid's resolution.
    #[test]
    fn poisson_counts_follow_the_law() {
        let m: f64 = 0.3;
        let n = 100_000;
        for at_least_one in [false, true] {
            let mut freq = [0u32; 8];
            for i in 0..n {
                let u = (f64::from(i) + 0.5) / f64::from(n);
                freq[poisson(u, m, at_least_one).min(7) as usize] += 1;
            }
            let scale = if at_least_one { -(-m).exp_m1() } else { 1.0 };
            let mut p = (-m).exp();
            for (k, &f) in freq.iter().enumerate().take(6) {
                if k > 0 {
                    p *= m / k as f64;
                }
                let exact = if at_least_one && k == 0 {
                    0.0
                } else {
                    p / scale
                };
                let seen = f64::from(f) / f64::from(n);
                assert!((seen - exact).abs() < 2e-5, "k={k}: {seen} vs {exact}");
            }
        }
    }

    fn design(expected: &[f64], size: &[f64]) -> Design {
        let mut d = Design {
            threats: (0..expected.len()).map(|i| format!("t{i}")).collect(),
            expected: expected.to_vec(),
            total: expected.iter().sum(),
            base_total: expected.iter().sum(),
            groups: Vec::new(),
            probability: Vec::new(),
            slots: Vec::new(),
            pilot_trials: 0,
            horizon: 8760.0,
            tag: tag(&["rare-event sampling"]),
        };
        d.allot(size);
        d
    }

    /// The strata partition the years: their probabilities sum to 1;
    /// every other slot is A's, each group has its share of the rest, and
    /// the first rare slots of a cycle go one to each group.
    #[test]
    fn the_slots_follow_the_shares_and_the_strata_partition_the_years() {
        let d = design(&[0.04, 0.04, 0.0133], &[1.5e8, 4e5, 7.5e7]);
        let names: Vec<Vec<&str>> = d.strata().into_iter().map(|(_, t)| t).collect();
        assert_eq!(names, [vec![], vec!["t0"], vec!["t2"], vec!["t1"]]);
        let total: f64 = d.strata().iter().map(|(p, _)| p).sum();
        assert!((total - 1.0).abs() < 1e-15);
        assert_eq!(d.trials_in(NONE_RARE, SLOTS), 32);
        let counts: Vec<u64> = (1..4).map(|h| d.trials_in(h, SLOTS)).collect();
        assert_eq!(counts.iter().sum::<u64>(), 32);
        assert!(counts.iter().all(|&c| c >= MIN_SLOTS));
        assert!(counts[0] > counts[1] && counts[1] > counts[2], "{counts:?}");
        assert_eq!(&d.slots[..7], &[0, 1, 0, 2, 0, 3, 0]);
        // Many rare threats: the least telling share the last group.
        let many = design(&[0.01; 12], &(1..=12).map(f64::from).collect::<Vec<_>>());
        assert_eq!(many.groups.len(), MAX_GROUPS);
        assert_eq!(many.groups[MAX_GROUPS - 1].members, [0, 1, 2, 3, 4]);
        assert_eq!(many.groups[0].members, [11]);
    }

    /// Weighted by the strata's probabilities, the strikes drawn follow
    /// the scenario's law: each threat's expected count per year is its
    /// mean, and P(both strike) is the product of their chances.
    #[test]
    fn weighted_strikes_follow_the_poisson_law() {
        let m = [0.05, 0.02];
        let d = design(&m, &[1.0, 3.0]);
        let trials = 64 * 4000;
        let (mut out, mut counts) = (Vec::new(), Vec::new());
        let mut sums = vec![0.0f64; d.probability.len() * 3];
        let mut n = vec![0u64; d.probability.len()];
        for t in 0..trials {
            d.strikes(7, t, &mut out, &mut counts);
            let h = usize::from(d.stratum(t));
            n[h] += 1;
            sums[3 * h] += f64::from(counts[0]);
            sums[3 * h + 1] += f64::from(counts[1]);
            sums[3 * h + 2] += f64::from(u8::from(counts[0] > 0 && counts[1] > 0));
        }
        let estimate = |k: usize| -> f64 {
            (0..n.len())
                .map(|h| d.probability[h] * sums[3 * h + k] / n[h] as f64)
                .sum()
        };
        // Standard errors below 1e-4 at these trial counts.
        assert!((estimate(0) - m[0]).abs() < 5e-4, "{}", estimate(0));
        assert!((estimate(1) - m[1]).abs() < 5e-4, "{}", estimate(1));
        let both = (-m[0]).exp_m1() * (-m[1]).exp_m1();
        assert!(
            (estimate(2) - both).abs() < 2e-4,
            "{} vs {both}",
            estimate(2)
        );
    }
}
