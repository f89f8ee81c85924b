//! Statistics over trials: streaming summaries ([`Sketch`]: means with
//! normal intervals, quantiles, exceedance), paired differences
//! (`Moments`) and proportions with Wilson intervals.
//!
//! # Intervals respect the quantity's range
//!
//! A summarised quantity says what values it can take ([`Quantity`]):
//! hours and money are never negative, a share of time lies in 0..1, a
//! count is a whole number. The 95% interval of its mean is the normal
//! interval `mean ± Z95 × sd / √n` intersected with that range
//! ([`Quantity::interval`]): with few trials and a skewed sample the
//! normal interval reaches below zero, where the mean cannot be. Cutting
//! off values the mean cannot take never lowers coverage (a true mean
//! inside the normal interval is inside the intersection too); it does not
//! fix the normal interval's small-sample error on skewed data either, so
//! more trials remain the remedy for a wide interval. Signed quantities
//! (a paired difference, a net benefit) keep the plain normal interval.

mod moments;
mod sketch;
mod strata;

pub(crate) use moments::Moments;
pub use sketch::{with_bucket_budget, Sketch, Tail, COUNT_EXACT_BELOW, RELATIVE_ERROR};
pub use strata::Weight;
pub(crate) use strata::{Mean, Tally};

use serde::Serialize;

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// What values a summarised quantity can take: the range its interval is
/// cut to, and for a count, whole-number quantiles. Every quantity drsim
/// summarises per service is one of these (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// A real number of at least 0: hours, money.
    NonNegative,
    /// A share between 0 and 1: availability.
    Fraction,
    /// A whole number of events, at least 0: outages, RTO breaches. Its
    /// quantiles are whole numbers too ([`Sketch::summary`]).
    Count,
    /// A paired difference of two fractions, between -1 and 1: a change in
    /// P(target met). (Not for a [`Sketch`], whose values are never
    /// negative.)
    FractionChange,
}

impl Quantity {
    /// The smallest and the largest value the quantity can take.
    pub fn bounds(self) -> [f64; 2] {
        match self {
            Quantity::NonNegative | Quantity::Count => [0.0, f64::INFINITY],
            Quantity::Fraction => [0.0, 1.0],
            Quantity::FractionChange => [-1.0, 1.0],
        }
    }

    /// The 95% interval of a mean: `mean ± half_width` (the normal
    /// interval) intersected with the quantity's [`bounds`](Self::bounds).
    /// A mean inside the bounds stays inside its interval.
    pub fn interval(self, mean: f64, half_width: f64) -> [f64; 2] {
        let [low, high] = self.bounds();
        [(mean - half_width).max(low), (mean + half_width).min(high)]
    }
}

/// Summary of a sample of a quantity, every figure in the quantity's unit
/// (hours, money, a count). The JSON document's stats object (spec
/// section 10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// The sample mean (exact).
    pub mean: f64,
    /// 95% interval of the mean: the normal interval intersected with the
    /// values the quantity can take ([`Quantity::interval`]), so never
    /// below 0 and, for a fraction, never above 1.
    pub ci95: [f64; 2],
    /// Half the width of the normal 95% interval, `Z95 × sd / √n`, before
    /// it was cut to the quantity's range: the `±` of a mean. Not in the
    /// JSON document (its `ci95` is the interval).
    #[serde(skip)]
    pub half_width: f64,
    /// The median, within [`RELATIVE_ERROR`] (a count's: a whole number,
    /// see [`Sketch::summary`]).
    pub p50: f64,
    /// 95% interval of the median ([`Sketch::quantile_ci`]).
    pub p50_ci95: QuantileCi,
    /// The 90th percentile, within [`RELATIVE_ERROR`].
    pub p90: f64,
    /// 95% interval of the 90th percentile.
    pub p90_ci95: QuantileCi,
    /// The 99th percentile, within [`RELATIVE_ERROR`].
    pub p99: f64,
    /// 95% interval of the 99th percentile.
    pub p99_ci95: QuantileCi,
    /// The largest value seen (exact); 0 for an empty sample.
    pub max: f64,
}

/// The 95% interval of a quantile, from order statistics
/// ([`Sketch::quantile_ci`]): the sampling error of a quantile, which for a
/// tail quantile is much larger than the sketch's resolution. In JSON
/// `[lo, hi]`, `hi` null when too few trials bound the quantile from above
/// (a 99th percentile from fewer than about 500 trials).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantileCi {
    /// The lower bound, in the quantity's unit; 0 when too few trials lie
    /// below the quantile to bound it from below.
    pub lo: f64,
    /// The upper bound; `None` when too few trials lie above the quantile.
    pub hi: Option<f64>,
}

impl Serialize for QuantileCi {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (self.lo, self.hi).serialize(serializer)
    }
}

/// A probability with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// The observed share of trials, probability 0..1.
    pub p: f64,
    /// The 95% Wilson score interval of `p`, within 0..1.
    pub ci95: [f64; 2],
}

/// One point of a loss exceedance curve: P(loss > `loss`) = `p`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExceedancePoint {
    /// Money in the scenario's currency (the quantity sketched).
    pub loss: f64,
    /// Share of trials whose value exceeds `loss`, probability 0..1.
    pub p: f64,
    /// The 95% Wilson score interval of `p`.
    pub ci95: [f64; 2],
}

/// `successes` out of `n` trials as a proportion with its 95% Wilson score
/// interval; no trials give p = 0 with the interval [0, 1].
pub(crate) fn wilson(successes: u64, n: u64) -> Proportion {
    if n == 0 {
        return Proportion {
            p: 0.0,
            ci95: [0.0, 1.0],
        };
    }
    let nf = n as f64;
    let p = successes as f64 / nf;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    // At the ends the exact bound is 0 or 1; rounding would leave 1 - 1e-16.
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if successes == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Proportion { p, ci95: [lo, hi] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interval_is_the_normal_one_cut_to_the_range() {
        assert_eq!(Quantity::NonNegative.interval(5.0, 8.0), [0.0, 13.0]);
        assert_eq!(Quantity::Count.interval(0.4, 0.5), [0.0, 0.9]);
        assert_eq!(Quantity::NonNegative.interval(5.0, 2.0), [3.0, 7.0]);
        assert_eq!(Quantity::Fraction.interval(0.5, 0.75), [0.0, 1.0]);
        assert_eq!(Quantity::Fraction.interval(0.99, 0.02), [0.97, 1.0]);
        assert_eq!(Quantity::FractionChange.interval(-0.9, 0.2), [-1.0, -0.7]);
        // A mean of 0 from all-zero samples: the interval is the point.
        assert_eq!(Quantity::NonNegative.interval(0.0, 0.0), [0.0, 0.0]);
    }

    /// Cutting the interval to values the mean can take never loses
    /// coverage: over many small skewed samples (one loss in ten trials,
    /// on average) the cut interval covers the true mean exactly as often
    /// as the normal one, and never starts below zero.
    #[test]
    fn cutting_to_the_range_keeps_coverage() {
        // A fixed stream (SplitMix64), so the test is deterministic.
        let mut state = 42u64;
        let mut uniform = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        // A loss of exp(mean 1000) with probability 0.1: true mean 100.
        let true_mean = 100.0;
        let (samples, n) = (20_000, 10);
        let (mut normal, mut cut, mut below_zero) = (0, 0, 0);
        for _ in 0..samples {
            let mut m = Moments::new();
            for _ in 0..n {
                let hit = uniform() < 0.1;
                let size = -1000.0 * (1.0 - uniform()).ln();
                m.add(if hit { size } else { 0.0 });
            }
            let [lo, hi] = m.ci95();
            let [clo, chi] = m.ci95_of(Quantity::NonNegative);
            normal += u32::from(lo <= true_mean && true_mean <= hi);
            cut += u32::from(clo <= true_mean && true_mean <= chi);
            below_zero += u32::from(lo < 0.0);
            assert!(clo >= 0.0 && clo <= m.mean() && chi == hi);
        }
        assert_eq!(cut, normal);
        // The case matters: most of these normal intervals start below 0.
        assert!(below_zero > samples / 2, "{below_zero}");
        // And the normal interval undercovers such skewed samples: the cut
        // does not hide that (binomial se of 95% over 20,000: 0.15%).
        let coverage = f64::from(cut) / f64::from(samples);
        let se = (0.95 * 0.05 / f64::from(samples)).sqrt();
        eprintln!("coverage of the 95% interval: {coverage} (normal and cut alike)");
        assert!(coverage < 0.95 - 4.0 * se, "coverage {coverage}");
    }

    #[test]
    fn wilson_interval_matches_the_formula() {
        let w = wilson(50, 100);
        assert_eq!(w.p, 0.5);
        // textbook value for 50/100: [0.4038, 0.5962]
        assert!((w.ci95[0] - 0.4038).abs() < 1e-4);
        assert!((w.ci95[1] - 0.5962).abs() < 1e-4);
        let all = wilson(10, 10);
        assert_eq!(all.ci95[1], 1.0);
        assert!(all.ci95[0] > 0.69 && all.ci95[0] < 0.73);
        assert_eq!(wilson(0, 10).ci95[0], 0.0);
    }
}
