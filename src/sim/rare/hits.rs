//! Rare-hit sampling for drills: stratification on the number of rare
//! hits.
//!
//! A drill strikes once, and the threat hits each of its targets with the
//! target's `chance`, independently. A service that fails only when
//! several unlikely hits coincide (a pair each hit with chance 1%, three
//! protections that each fail with 1-5%) has a probability of 1e-4 to
//! 1e-6: plain sampling does not see it at any sensible trial count.
//!
//! A hit is **rare** when its chance is below [`RARE_BELOW`](super::RARE_BELOW)
//! (10%). The trials split into strata by K, the number of rare hits:
//! K = 0, 1, ..., c − 1 and K ≥ c, c = min(rare targets, [`MAX_HITS`]).
//! K's law is the Poisson-binomial law of the chances, computed exactly
//! (by the recurrence over the targets, `P_j(r) = p_j P_{j+1}(r − 1) +
//! (1 − p_j) P_{j+1}(r)`); half of the trials (every other one) have
//! K = 0, the other half are shared equally among the strata with rare
//! hits. In a stratum the rare hits are drawn given their number,
//! target by target: target j is hit with probability
//! `p_j P_{j+1}(r − 1) / P_j(r)`, r the hits still to place (for K ≥ c,
//! with "at least r" in place of "exactly r"), which draws the hit sets
//! with their exact conditional law. Targets with chance 10% or more are
//! drawn as in plain sampling. Each trial's weight is its stratum's
//! probability, so every estimate is the stratified one: unbiased, with
//! intervals from each stratum's own spread.
//!
//! A drill applies it when its threat has a rare target and P(K ≥ 1) is
//! below 1/2 (else plain sampling already sees the rare hits as often).

use super::{NONE_RARE, RARE_BELOW, SLOTS};
use crate::sim::model::Model;
use crate::sim::rng::{tag, trial_key, uniform};
use crate::sim::trial::{Mode, Trial};
use crate::stats::Weight;

/// The most rare hits told apart: strata K = 0, 1, ..., `MAX_HITS` − 1
/// and K ≥ `MAX_HITS`.
pub const MAX_HITS: usize = 4;

/// The design of a drill stratified on its rare hits.
#[derive(Debug, Clone, PartialEq)]
pub struct HitDesign {
    /// The drilled threat.
    threat: u32,
    /// The rare targets: their indices among the threat's targets.
    targets: Vec<u32>,
    /// Their chances.
    chances: Vec<f64>,
    /// c: the strata are K = 0 .. c − 1 and K ≥ c.
    c: usize,
    /// `exact[j * (c + 1) + r]`: P(exactly r hits among targets j..).
    exact: Vec<f64>,
    /// `at_least[j * (c + 1) + r]`: P(at least r hits among targets j..).
    at_least: Vec<f64>,
    /// Per stratum (K = 0 first): its probability.
    probability: Vec<f64>,
    /// The stratum of each slot of a cycle.
    slots: Vec<u8>,
    /// The random stream of the rare hits.
    tag: u64,
}

/// One trial's rare hits: per target of the drilled threat, `Some(hit)`
/// where the design decides it.
pub(crate) type Forced = Vec<Option<bool>>;

impl HitDesign {
    /// The design of a drill of `model` in `mode`: `None` for a run, for
    /// plain sampling (`plain`), or when the drilled threat has no rare
    /// target or its rare hits are not rare together (P(K ≥ 1) ≥ 1/2).
    pub(crate) fn for_drill(model: &Model, mode: Mode, plain: bool) -> Option<HitDesign> {
        let Mode::Drill { threat } = mode else {
            return None;
        };
        if plain {
            return None;
        }
        let th = &model.threats[threat as usize];
        let (targets, chances): (Vec<u32>, Vec<f64>) = th
            .chances
            .iter()
            .enumerate()
            .filter(|(_, &p)| p > 0.0 && p < RARE_BELOW)
            .map(|(k, &p)| (k as u32, p))
            .unzip();
        if targets.is_empty() {
            return None;
        }
        let n = targets.len();
        let c = n.min(MAX_HITS);
        let width = c + 1;
        let mut exact = vec![0.0; (n + 1) * width];
        let mut at_least = vec![0.0; (n + 1) * width];
        exact[n * width] = 1.0;
        at_least[n * width] = 1.0;
        for j in (0..n).rev() {
            let p = chances[j];
            for r in 0..width {
                let (next, here) = ((j + 1) * width, j * width);
                let below = |table: &[f64]| if r == 0 { 0.0 } else { table[next + r - 1] };
                exact[here + r] = p * below(&exact) + (1.0 - p) * exact[next + r];
                at_least[here + r] = if r == 0 {
                    1.0
                } else {
                    p * below(&at_least) + (1.0 - p) * at_least[next + r]
                };
            }
        }
        if at_least[1] >= 0.5 {
            return None;
        }
        let mut probability: Vec<f64> = (0..c).map(|r| exact[r]).collect();
        probability.push(at_least[c]);
        // Even slots: K = 0; odd ones: K = 1, 2, ..., c in turn.
        let slots = (0..SLOTS)
            .map(|s| match s % 2 {
                0 => NONE_RARE,
                _ => 1 + ((s / 2) % c as u64) as u8,
            })
            .collect();
        Some(HitDesign {
            threat,
            targets,
            chances,
            c,
            exact,
            at_least,
            probability,
            slots,
            tag: tag(&["rare-hit sampling"]),
        })
    }

    /// The drilled threat.
    pub fn threat(&self) -> u32 {
        self.threat
    }

    /// The stratum of trial `t`.
    fn stratum(&self, t: u64) -> u8 {
        self.slots[(t % SLOTS) as usize]
    }

    /// How many of the first `trials` trials are in `stratum`.
    pub(crate) fn trials_in(&self, stratum: u8, trials: u64) -> u64 {
        super::trials_in(&self.slots, stratum, trials)
    }

    /// Per stratum: its probability (K = 0 first; the last is K ≥ c).
    pub fn probabilities(&self) -> &[f64] {
        &self.probability
    }

    /// The rare targets (indices among the threat's targets) and their
    /// chances.
    pub fn rare_targets(&self) -> (&[u32], &[f64]) {
        (&self.targets, &self.chances)
    }

    /// Draws trial `t`'s rare hits given its stratum into `forced`, sized
    /// to the threat's targets (`targets` of them).
    fn draw(&self, seed: u64, t: u64, targets: usize, forced: &mut Forced) {
        forced.clear();
        forced.resize(targets, None);
        let stratum = usize::from(self.stratum(t));
        let key = trial_key(seed, t);
        let width = self.c + 1;
        // Hits still to place; the last stratum places at least that many.
        let (mut r, at_least) = (stratum, stratum == self.c);
        for (j, (&k, &p)) in self.targets.iter().zip(&self.chances).enumerate() {
            let (here, next) = (j * width, (j + 1) * width);
            let hit = if at_least && r == 0 {
                uniform(key, self.tag, j as u64) < p
            } else if r == 0 {
                false
            } else {
                let table = if at_least {
                    &self.at_least
                } else {
                    &self.exact
                };
                let chance = p * table[next + r - 1] / table[here + r];
                uniform(key, self.tag, j as u64) < chance
            };
            forced[k as usize] = Some(hit);
            r -= usize::from(hit && r > 0);
        }
    }

    /// Runs trial `t` of the drill with its rare hits drawn by the design
    /// (`forced`: the thread's scratch); returns the trial's weight.
    pub(crate) fn run(
        &self,
        trial: &mut Trial,
        forced: &mut Forced,
        seed: u64,
        t: u64,
        mode: Mode,
    ) -> Weight {
        let targets = trial.model().threats[self.threat as usize].targets.len();
        self.draw(seed, t, targets, forced);
        trial.force_hits(self.threat, forced);
        trial.run(seed, t, mode);
        let stratum = self.stratum(t);
        Weight {
            stratum,
            w: self.probability[usize::from(stratum)],
        }
    }

    /// Per stratum, what a trial of weight 1 counts for in a sum over the
    /// first `trials` (see [`Design::trial_units`](super::Design)).
    pub(crate) fn trial_units(&self, trials: u64) -> Vec<f64> {
        super::trial_units(&self.slots, self.probability.len(), trials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::DependencyGraph;
    use crate::scenario;

    fn model_of(yaml: &str) -> Model {
        let loaded = scenario::load_str(yaml, "t.yaml").unwrap();
        let graph = DependencyGraph::build(&loaded.scenario);
        Model::compile(&loaded.scenario, &graph)
    }

    const THREE: &str = "name: t\ncomponents:\n  - {id: a, kind: server}\n  - {id: b, kind: server}\n  - {id: c, kind: server}\n  - {id: big, kind: server}\n  - {id: s, kind: service, depends_on: [{at_least: 1, of: [a, b, c]}]}\nthreats:\n  - id: x\n    effect: damage\n    hits:\n      - {components: [a], chance: 0.01}\n      - {components: [b], chance: 0.02}\n      - {components: [c], chance: 0.05}\n      - {components: [big], chance: 0.5}\n";

    /// The strata's probabilities are the Poisson-binomial law, and the
    /// hits drawn within them have their exact conditional law: weighted,
    /// each target's hit frequency is its chance, and a pair's joint
    /// frequency the product of theirs.
    #[test]
    fn hits_drawn_by_stratum_follow_the_chances() {
        let model = model_of(THREE);
        let d = HitDesign::for_drill(&model, Mode::Drill { threat: 0 }, false).unwrap();
        assert_eq!(d.targets, [0, 1, 2]);
        let (pa, pb, pc) = (0.01, 0.02, 0.05);
        let none = (1.0 - pa) * (1.0 - pb) * (1.0 - pc);
        let all = pa * pb * pc;
        assert_eq!(d.probability.len(), 4);
        assert!((d.probability[0] - none).abs() < 1e-15);
        assert!((d.probability[3] - all).abs() < 1e-18);
        assert!((d.probability.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        let trials = 64 * 5000;
        let mut forced = Vec::new();
        let strata = d.probability.len();
        let mut n = vec![0u64; strata];
        let mut sums = vec![[0.0f64; 4]; strata];
        for t in 0..trials {
            d.draw(3, t, 4, &mut forced);
            let h = usize::from(d.stratum(t));
            n[h] += 1;
            let hit = |k: usize| forced[k] == Some(true);
            assert_eq!(forced[3], None, "a common target is drawn plainly");
            let k = (0..3).filter(|&k| hit(k)).count();
            assert!(
                if h == 3 { k >= 3 } else { k == h },
                "stratum {h}: {k} hits"
            );
            for (i, yes) in [hit(0), hit(1), hit(2), hit(0) && hit(1)]
                .into_iter()
                .enumerate()
            {
                sums[h][i] += f64::from(u8::from(yes));
            }
        }
        let estimate = |i: usize| -> f64 {
            (0..strata)
                .map(|h| d.probability[h] * sums[h][i] / n[h] as f64)
                .sum()
        };
        // Each within five standard errors: Σ_h P_h² q_h (1 − q_h) / n_h,
        // q_h the share of stratum h's trials with the hit.
        for (i, exact) in [pa, pb, pc, pa * pb].into_iter().enumerate() {
            let var: f64 = (0..strata)
                .map(|h| {
                    let q = sums[h][i] / n[h] as f64;
                    d.probability[h].powi(2) * q * (1.0 - q) / n[h] as f64
                })
                .sum();
            let gap = (estimate(i) - exact).abs();
            assert!(
                gap <= 5.0 * var.sqrt(),
                "{i}: {} vs {exact} (se {})",
                estimate(i),
                var.sqrt()
            );
        }
    }

    #[test]
    fn common_hits_or_plain_sampling_need_no_design() {
        let model = model_of(
            &THREE
                .replace("chance: 0.01", "chance: 0.5")
                .replace("chance: 0.02", "chance: 0.5")
                .replace("chance: 0.05", "chance: 1"),
        );
        assert!(HitDesign::for_drill(&model, Mode::Drill { threat: 0 }, false).is_none());
        let model = model_of(THREE);
        assert!(HitDesign::for_drill(&model, Mode::Drill { threat: 0 }, true).is_none());
        assert!(HitDesign::for_drill(&model, Mode::Run { horizon: 8760.0 }, false).is_none());
    }
}
