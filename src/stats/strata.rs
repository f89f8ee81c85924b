//! Estimates from a stratified, weighted sample (rare-event sampling).
//!
//! Plain Monte Carlo gives every trial the same weight. Rare-event sampling
//! splits the trials into **strata** (e.g. years without any rare threat,
//! years with at least one), runs a fixed share of the trials in each, and
//! gives each trial a **weight**: the probability of its stratum under the
//! scenario, times a likelihood ratio when a variant's law differs from
//! the one the trial was drawn from. With `n_h` trials in stratum `h`, the
//! mean of a quantity `x` is estimated by
//!
//! ```text
//! μ̂ = Σ_h (1/n_h) Σ_{i in h} w_i x_i        (unbiased)
//! Var(μ̂) = Σ_h s_h² / n_h,  s_h² the sample variance of w·x in stratum h
//! ```
//!
//! and a probability is the mean of an indicator. Plain sampling is the
//! special case of one stratum and weight 1, where these are the ordinary
//! mean, its standard error, and the Wilson interval (kept exactly).

use super::{wilson, Moments, Proportion, Quantity, Z95};

/// Where one trial stands in the sample: its stratum and its weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weight {
    /// The stratum, 0 for plain sampling.
    pub stratum: u8,
    /// The trial's weight: its stratum's probability times the likelihood
    /// ratio of the law estimated over the law sampled; 1 for plain
    /// sampling.
    pub w: f64,
}

impl Weight {
    /// Plain sampling: stratum 0, weight 1.
    pub const ONE: Weight = Weight { stratum: 0, w: 1.0 };

    /// Whether this is plain sampling's weight.
    #[inline]
    pub fn is_one(self) -> bool {
        self.stratum == 0 && self.w == 1.0
    }
}

/// The running estimate of a mean from a stratified, weighted sample: the
/// moments of `w·x` in each stratum (see the module documentation). A
/// plain sample (every trial [`Weight::ONE`]) keeps its moments apart, on
/// a path as short as plain moments'.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Mean {
    plain: Moments,
    strata: Vec<Moments>,
}

impl Mean {
    /// An empty sample.
    pub fn new() -> Self {
        Mean::default()
    }

    /// Adds one trial's value.
    #[inline]
    pub fn add(&mut self, x: f64, at: Weight) {
        if at.is_one() {
            self.plain.add(x);
            return;
        }
        let h = usize::from(at.stratum);
        if h >= self.strata.len() {
            self.strata.resize(h + 1, Moments::new());
        }
        self.strata[h].add(at.w * x);
    }

    /// Adds one trial's paired difference `x − x0`, a variant's value at
    /// its weight `at` less the base's at `at0` (the same trial, so the
    /// same stratum): the difference of their weighted values.
    #[inline]
    pub fn add_paired(&mut self, x: f64, at: Weight, x0: f64, at0: Weight) {
        debug_assert_eq!(at.stratum, at0.stratum, "a pair is one trial");
        if at.is_one() && at0.is_one() {
            self.plain.add(x - x0);
            return;
        }
        let h = usize::from(at.stratum);
        if h >= self.strata.len() {
            self.strata.resize(h + 1, Moments::new());
        }
        self.strata[h].add(at.w * x - at0.w * x0);
    }

    /// Appends another sample of the same design.
    pub fn merge(&mut self, other: &Mean) {
        self.plain.merge(&other.plain);
        if other.strata.len() > self.strata.len() {
            self.strata.resize(other.strata.len(), Moments::new());
        }
        for (a, b) in self.strata.iter_mut().zip(&other.strata) {
            a.merge(b);
        }
    }

    /// The strata's moments: the plain sample's alone, or the weighted
    /// strata (a sample is one or the other).
    fn parts(&self) -> &[Moments] {
        if !self.is_weighted() {
            std::slice::from_ref(&self.plain)
        } else {
            &self.strata
        }
    }

    /// Whether the sample is stratified or weighted (any trial other than
    /// [`Weight::ONE`]): the one place that decides between the plain
    /// figures and the stratified estimates.
    pub fn is_weighted(&self) -> bool {
        !self.strata.is_empty()
    }

    /// Trials added, over all strata.
    pub fn count(&self) -> u64 {
        self.plain.count() + self.strata.iter().map(Moments::count).sum::<u64>()
    }

    /// Trials added to stratum `h`.
    pub fn count_in(&self, h: usize) -> u64 {
        self.parts().get(h).map_or(0, Moments::count)
    }

    /// The estimated mean; 0 for an empty sample.
    pub fn mean(&self) -> f64 {
        match self.parts() {
            [one] => one.mean(),
            all => all.iter().map(Moments::mean).sum(),
        }
    }

    /// Half the width of the 95% normal interval of the mean.
    pub fn half_width(&self) -> f64 {
        match self.parts() {
            [one] => one.half_width(),
            all => {
                let var: f64 = all
                    .iter()
                    .filter(|m| m.count() > 0)
                    .map(|m| m.variance() / m.count() as f64)
                    .sum();
                Z95 * var.sqrt()
            }
        }
    }

    /// The 95% normal interval of the mean, for a signed quantity (a
    /// paired difference).
    pub fn ci95(&self) -> [f64; 2] {
        let (m, h) = (self.mean(), self.half_width());
        [m - h, m + h]
    }

    /// The 95% interval of the mean of a `quantity`: the normal interval
    /// cut to the values it can take.
    pub fn ci95_of(&self, quantity: Quantity) -> [f64; 2] {
        quantity.interval(self.mean(), self.half_width())
    }
}

/// One stratum's part of a weighted count: its trials, the sum of all
/// their weights, and the sums of the weights and squared weights of those
/// that count.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stratum {
    pub n: u64,
    pub all: f64,
    pub w: f64,
    pub w2: f64,
}

/// The share of trials in which something happened, from a stratified,
/// weighted sample: a probability with its interval. A plain sample keeps
/// two counts.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Tally {
    plain_n: u64,
    plain_yes: u64,
    strata: Vec<Stratum>,
}

impl Tally {
    /// Adds one trial: whether it counts.
    #[inline]
    pub fn add(&mut self, yes: bool, at: Weight) {
        if at.is_one() {
            self.plain_n += 1;
            self.plain_yes += u64::from(yes);
            return;
        }
        let h = usize::from(at.stratum);
        if h >= self.strata.len() {
            self.strata.resize(h + 1, Stratum::default());
        }
        let s = &mut self.strata[h];
        s.n += 1;
        s.all += at.w;
        if yes {
            s.w += at.w;
            s.w2 += at.w * at.w;
        }
    }

    /// Appends another sample of the same design.
    pub fn merge(&mut self, other: &Tally) {
        self.plain_n += other.plain_n;
        self.plain_yes += other.plain_yes;
        if other.strata.len() > self.strata.len() {
            self.strata.resize(other.strata.len(), Stratum::default());
        }
        for (a, b) in self.strata.iter_mut().zip(&other.strata) {
            a.n += b.n;
            a.all += b.all;
            a.w += b.w;
            a.w2 += b.w2;
        }
    }

    /// The estimated probability with its 95% interval.
    pub fn proportion(&self) -> Proportion {
        if self.strata.is_empty() {
            wilson(self.plain_yes, self.plain_n)
        } else {
            share(&self.strata, true)
        }
    }
}

/// A probability from per-stratum sums of the weights of the trials that
/// count. Plain sampling (`weighted` false: one stratum, weights 1) gives
/// the Wilson interval of the count. Otherwise the estimate is
/// `p = Σ_h w_h / n_h` with variance `Σ_h (w2_h / n_h − (w_h / n_h)²) / n_h`,
/// and the interval is Wilson's at the effective sample size
/// `p(1 − p) / variance` (which is n for plain sampling); with nothing
/// counted (or everything), where the sample shows no variance, at the
/// effective size `1 / Σ_h (w̄_h / n_h)`, w̄_h the stratum's mean weight: a
/// stratum that has seen nothing in n_h trials bounds its share by about
/// 3.84 / n_h times its weight.
pub(crate) fn share(strata: &[Stratum], weighted: bool) -> Proportion {
    let n: u64 = strata.iter().map(|s| s.n).sum();
    if !weighted {
        let yes = strata.first().map_or(0.0, |s| s.w);
        return wilson(yes.round() as u64, n);
    }
    let (mut p, mut var) = (0.0, 0.0);
    for s in strata.iter().filter(|s| s.n > 0) {
        let nh = s.n as f64;
        let (mean, square) = (s.w / nh, s.w2 / nh);
        p += mean;
        // A stratum whose trials all count at the same weight (or none
        // does) has no variance: what the subtraction leaves then is
        // rounding, which must not pass for a (tiny) variance.
        let spread = square - mean * mean;
        if spread > square * 1e-12 {
            var += spread / nh;
        }
    }
    let p = p.clamp(0.0, 1.0);
    if n == 0 {
        return wilson(0, 0);
    }
    let effective = if var > 0.0 && p > 0.0 && p < 1.0 {
        p * (1.0 - p) / var
    } else {
        let spread: f64 = strata
            .iter()
            .filter(|s| s.n > 0)
            .map(|s| s.all / s.n as f64 / s.n as f64)
            .sum();
        if spread > 0.0 {
            1.0 / spread
        } else {
            n as f64
        }
    };
    wilson_at(p, effective)
}

/// Wilson's 95% interval of a share `p` observed over an effective sample
/// of `n` (not necessarily whole).
fn wilson_at(p: f64, n: f64) -> Proportion {
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Proportion {
        p,
        ci95: [(centre - half).max(0.0), (centre + half).min(1.0)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_stratum_of_weight_one_is_plain_sampling() {
        let xs = [1.0, 4.0, 0.0, 9.5, 2.25];
        let (mut plain, mut mean) = (Moments::new(), Mean::new());
        let mut tally = Tally::default();
        for &x in &xs {
            plain.add(x);
            mean.add(x, Weight::ONE);
            tally.add(x > 1.5, Weight::ONE);
        }
        assert_eq!(mean.mean(), plain.mean());
        assert_eq!(mean.half_width(), plain.half_width());
        assert_eq!(tally.proportion(), wilson(3, 5));
    }

    /// Two strata with known probabilities: the estimate is the
    /// probability-weighted mean of the strata's means, and its variance
    /// the sum of the strata's variances of the mean.
    #[test]
    fn strata_combine_by_their_probabilities() {
        let (pa, pb) = (0.9, 0.1);
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [100.0, 300.0];
        let mut m = Mean::new();
        let mut t = Tally::default();
        for &x in &a {
            m.add(x, Weight { stratum: 0, w: pa });
            t.add(x > 50.0, Weight { stratum: 0, w: pa });
        }
        for &x in &b {
            m.add(x, Weight { stratum: 1, w: pb });
            t.add(x > 50.0, Weight { stratum: 1, w: pb });
        }
        assert!((m.mean() - (pa * 2.5 + pb * 200.0)).abs() < 1e-12);
        // Variances of w·x: stratum a: 0.81 × var(1..4) = 0.81 × 5/3; b: 0.01 × 20,000.
        let var: f64 = 0.81 * (5.0 / 3.0) / 4.0 + 0.01 * 20_000.0 / 2.0;
        assert!((m.half_width() - Z95 * var.sqrt()).abs() < 1e-9);
        assert_eq!(m.count(), 6);
        // Every trial of stratum b counts, none of a: p = 0.1 exactly, and
        // no trial-to-trial variance: the fallback effective size.
        let p = t.proportion();
        assert!((p.p - 0.1).abs() < 1e-12);
        assert!(p.ci95[0] < 0.1 && p.ci95[1] > 0.1);
    }
}
