//! A mergeable streaming summary of a non-negative quantity: exact count,
//! mean, variance (Welford), minimum and maximum, and quantiles from
//! logarithmic buckets with a relative error of at most [`RELATIVE_ERROR`]
//! (the DDSketch construction). Memory grows with the logarithm of the
//! value range, not with the number of samples.

use super::{wilson, ExceedancePoint, Moments, QuantileCi, Quantity, Summary, Z95};

/// Relative accuracy of quantiles: a reported quantile `q` satisfies
/// |q - exact| <= 0.5% × exact (the exact value being an observed sample).
pub const RELATIVE_ERROR: f64 = 0.005;

/// A count's quantiles are exact below this: 1 / (2 × [`RELATIVE_ERROR`]).
/// A bucket's value is within 0.5% of the count k it stands for, less than
/// half a unit when k < 100, so the nearest whole number is k itself. From
/// 100 up the nearest whole number is within 0.5% of k plus half a unit
/// (the rounding).
pub const COUNT_EXACT_BELOW: f64 = 0.5 / RELATIVE_ERROR;

/// Values at or below this count as zero (hours: 3.6 µs; money: 0.000001).
const ZERO: f64 = 1e-9;

/// A streaming summary of one non-negative quantity over trials (hours,
/// money, counts): see the module documentation.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    moments: Moments,
    min: f64,
    max: f64,
    zeros: u64,
    /// `buckets[i]` counts values v with index(v) = i + offset.
    offset: i32,
    buckets: Vec<u64>,
}

impl Default for Sketch {
    fn default() -> Self {
        Self::new()
    }
}

/// γ = (1 + α) / (1 − α); bucket i holds (γ^(i−1), γ^i].
fn ln_gamma() -> f64 {
    ((1.0 + RELATIVE_ERROR) / (1.0 - RELATIVE_ERROR)).ln()
}

impl Sketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Sketch {
            moments: Moments::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            zeros: 0,
            offset: 0,
            buckets: Vec::new(),
        }
    }

    /// How many values were added.
    pub fn count(&self) -> u64 {
        self.moments.count()
    }
    /// The exact mean, in the quantity's unit; 0 when empty.
    pub fn mean(&self) -> f64 {
        self.moments.mean()
    }
    /// The largest value added (exact); 0 when empty.
    pub fn max(&self) -> f64 {
        if self.count() == 0 {
            0.0
        } else {
            self.max
        }
    }
    /// The smallest value added (exact); 0 when empty.
    pub fn min(&self) -> f64 {
        if self.count() == 0 {
            0.0
        } else {
            self.min
        }
    }
    /// Sample standard deviation.
    pub fn sd(&self) -> f64 {
        self.moments.sd()
    }

    /// The bucket of `v`, an infinity counted as the largest float:
    /// validated inputs give finite values, and should one not be, the
    /// sketch stays small (an infinity would ask for 2^31 buckets).
    #[inline]
    fn index(v: f64) -> i32 {
        (v.min(f64::MAX).ln() / ln_gamma()).ceil() as i32
    }

    /// Whether `a` and `b` fall in the same bucket, so that neither can be
    /// told from the other at the sketch's resolution (all values at or
    /// near zero share one).
    pub fn same_bucket(a: f64, b: f64) -> bool {
        match (a <= ZERO, b <= ZERO) {
            (true, true) => true,
            (false, false) => Self::index(a) == Self::index(b),
            (true, false) | (false, true) => false,
        }
    }

    /// The value that stands for bucket `i`: within the relative error of
    /// every value in it.
    fn representative(i: i32) -> f64 {
        let g = ln_gamma().exp();
        2.0 * (i as f64 * ln_gamma()).exp() / (g + 1.0)
    }

    /// Adds one value. Negative values are clamped to zero (the quantities
    /// summarised — hours, money, counts — are never negative).
    pub fn add(&mut self, v: f64) {
        debug_assert!(v.is_finite(), "sketched values are finite");
        let v = v.max(0.0);
        self.moments.add(v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        if v <= ZERO {
            self.zeros += 1;
            return;
        }
        let i = Self::index(v);
        *self.bucket_mut(i) += 1;
    }

    /// The counter of bucket `i`, growing the dense range to hold it.
    fn bucket_mut(&mut self, i: i32) -> &mut u64 {
        if self.buckets.is_empty() {
            self.offset = i;
            self.buckets.push(0);
        } else if i < self.offset {
            let grow = (self.offset - i) as usize;
            self.buckets.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = i;
        } else if i >= self.offset + self.buckets.len() as i32 {
            self.buckets.resize((i - self.offset + 1) as usize, 0);
        }
        &mut self.buckets[(i - self.offset) as usize]
    }

    /// Appends the samples of `other` (Chan et al.'s parallel update).
    /// Merging in a fixed order gives bit-identical results.
    pub fn merge(&mut self, other: &Sketch) {
        if other.count() == 0 {
            return;
        }
        if self.count() == 0 {
            *self = other.clone();
            return;
        }
        self.moments.merge(&other.moments);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.zeros += other.zeros;
        for (k, &c) in other.buckets.iter().enumerate() {
            if c == 0 {
                continue;
            }
            *self.bucket_mut(other.offset + k as i32) += c;
        }
    }

    /// The `q` quantile (0 ≤ q ≤ 1): the sample of rank ⌊q·(n−1)⌋, within
    /// the relative error; exact at q = 0 and q = 1.
    pub fn quantile(&self, q: f64) -> f64 {
        let count = self.count();
        if count == 0 {
            return 0.0;
        }
        if q <= 0.0 {
            return self.min;
        }
        if q >= 1.0 {
            return self.max;
        }
        let rank = (q * (count - 1) as f64).floor() as u64;
        if rank < self.zeros {
            return 0.0_f64.max(self.min);
        }
        let mut seen = self.zeros;
        for (k, &c) in self.buckets.iter().enumerate() {
            seen += c;
            if seen > rank {
                let v = Self::representative(self.offset + k as i32);
                return v.clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// The values the sample of 0-based `rank` can have: its bucket's
    /// representative widened by the stated resolution (a value within
    /// [`RELATIVE_ERROR`] of it), cut to the exact minimum and maximum.
    fn rank_bounds(&self, rank: u64) -> [f64; 2] {
        let clamp = |lo: f64, hi: f64| [lo.max(self.min), hi.min(self.max)];
        if rank < self.zeros {
            return clamp(0.0, ZERO);
        }
        let mut seen = self.zeros;
        for (k, &c) in self.buckets.iter().enumerate() {
            seen += c;
            if seen > rank {
                let v = Self::representative(self.offset + k as i32);
                // |v - x| <= α·x: x in [v / (1 + α), v / (1 − α)], and a
                // hair wider for the rounding of the bucket's index.
                let slack = 1e-9;
                return clamp(
                    v / (1.0 + RELATIVE_ERROR) * (1.0 - slack),
                    v / (1.0 - RELATIVE_ERROR) * (1.0 + slack),
                );
            }
        }
        [self.max, self.max]
    }

    /// The 95% interval of the `q` quantile (0 < q < 1) from order
    /// statistics: with n samples, the number below the true quantile is
    /// binomial (n, q), so the samples of 1-based ranks
    /// ⌊nq − z·√(nq(1−q))⌋ and ⌈nq + z·√(nq(1−q))⌉ bracket it at least 95%
    /// of the time (checked against the exact binomial for n from 20 to
    /// 10,000). Each is read off the sketch and widened by its resolution.
    /// A lower rank below 1 gives 0 (no value is smaller); an upper rank
    /// past n gives no upper bound: the sample is too small to bound that
    /// quantile from above.
    pub fn quantile_ci(&self, q: f64) -> QuantileCi {
        let n = self.count();
        if n == 0 {
            return QuantileCi { lo: 0.0, hi: None };
        }
        let nf = n as f64;
        let spread = Z95 * (nf * q * (1.0 - q)).sqrt();
        let (j, k) = ((nf * q - spread).floor(), (nf * q + spread).ceil());
        let lo = if j < 1.0 {
            0.0
        } else {
            self.rank_bounds(j as u64 - 1)[0]
        };
        let hi = (k <= nf).then(|| self.rank_bounds((k as u64).max(1) - 1)[1]);
        QuantileCi { lo, hi }
    }

    /// How many samples lie strictly above `x` (to the bucket resolution).
    fn count_above(&self, x: f64) -> u64 {
        if self.count() == 0 || x >= self.max {
            return 0;
        }
        if x < 0.0 {
            return self.count();
        }
        let mut above = 0;
        for (k, &c) in self.buckets.iter().enumerate() {
            if Self::representative(self.offset + k as i32) > x {
                above += c;
            }
        }
        above
    }

    /// Share of samples strictly above `x` (to the bucket resolution).
    pub fn fraction_above(&self, x: f64) -> f64 {
        if self.count() == 0 {
            return 0.0;
        }
        self.count_above(x) as f64 / self.count() as f64
    }

    /// Mean with its 95% interval, quantiles and maximum of a sample of
    /// `quantity`: the interval is cut to the values the quantity can take
    /// ([`Quantity::interval`]), and a count's quantiles are rounded to
    /// whole numbers (exact below [`COUNT_EXACT_BELOW`]).
    pub fn summary(&self, quantity: Quantity) -> Summary {
        let count = quantity == Quantity::Count;
        let quantile = |q: f64| {
            let v = self.quantile(q);
            if count {
                v.round()
            } else {
                v
            }
        };
        // A count's bounds are whole numbers inside the read-off range.
        let ci = |q: f64| {
            let QuantileCi { lo, hi } = self.quantile_ci(q);
            if count {
                QuantileCi {
                    lo: lo.ceil(),
                    hi: hi.map(f64::floor),
                }
            } else {
                QuantileCi { lo, hi }
            }
        };
        Summary {
            mean: self.mean(),
            ci95: self.moments.ci95_of(quantity),
            half_width: self.moments.half_width(),
            p50: quantile(0.5),
            p50_ci95: ci(0.5),
            p90: quantile(0.9),
            p90_ci95: ci(0.9),
            p99: quantile(0.99),
            p99_ci95: ci(0.99),
            max: self.max(),
        }
    }

    /// The exceedance curve at `points` levels spread geometrically over
    /// the observed positive range.
    pub fn exceedance(&self, points: usize) -> Vec<ExceedancePoint> {
        let max = self.max();
        if max <= ZERO || points == 0 || self.buckets.is_empty() {
            return Vec::new();
        }
        let first = self
            .buckets
            .iter()
            .position(|&c| c > 0)
            .map_or(max, |k| Self::representative(self.offset + k as i32));
        let low = first.min(max).max(max * 1e-6);
        let levels: Vec<f64> = if points == 1 || low >= max {
            vec![low]
        } else {
            let ratio = (max / low).ln() / (points - 1) as f64;
            (0..points)
                .map(|i| low * (ratio * i as f64).exp())
                .collect()
        };
        levels
            .into_iter()
            .map(|loss| {
                let share = wilson(self.count_above(loss), self.count());
                ExceedancePoint {
                    loss,
                    p: share.p,
                    ci95: share.ci95,
                }
            })
            .collect()
    }

    /// Points (value, P(X ≤ value)) of the empirical CDF at bucket resolution.
    pub fn cdf(&self) -> Vec<(f64, f64)> {
        let n = self.count() as f64;
        let mut out = Vec::with_capacity(self.buckets.len() + 1);
        let mut seen = self.zeros;
        if self.zeros > 0 {
            out.push((0.0, seen as f64 / n));
        }
        for (k, &c) in self.buckets.iter().enumerate() {
            if c == 0 {
                continue;
            }
            seen += c;
            let v = Self::representative(self.offset + k as i32).clamp(self.min, self.max);
            out.push((v, seen as f64 / n));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_quantile(sorted: &[f64], q: f64) -> f64 {
        sorted[(q * (sorted.len() - 1) as f64).floor() as usize]
    }

    #[test]
    fn extreme_values_keep_the_sketch_small() {
        // An infinity would index bucket i32::MAX without the clamp.
        let top = Sketch::index(f64::MAX);
        assert!(Sketch::index(f64::INFINITY) <= top + 1);
        assert!(Sketch::index(f64::MIN_POSITIVE) >= -top - 1);
        let mut s = Sketch::new();
        s.add(1e-300);
        s.add(f64::MAX);
        assert!(s.buckets.len() < 200_000, "{} buckets", s.buckets.len());
        assert_eq!(s.quantile(1.0), f64::MAX);
    }

    #[test]
    fn quantiles_are_within_the_stated_relative_error() {
        // A wide lognormal-ish spread over 8 orders of magnitude.
        let mut xs: Vec<f64> = (0..20_000)
            .map(|i| {
                let u = (i as f64 + 0.5) / 20_000.0;
                (u * 18.0 - 9.0).exp()
            })
            .collect();
        let mut s = Sketch::new();
        for &x in &xs {
            s.add(x);
        }
        xs.sort_by(f64::total_cmp);
        for q in [0.01, 0.1, 0.25, 0.5, 0.9, 0.99, 0.999] {
            let exact = exact_quantile(&xs, q);
            let got = s.quantile(q);
            assert!(
                (got - exact).abs() <= RELATIVE_ERROR * exact * 1.000001,
                "q={q}: {got} vs {exact}"
            );
        }
        assert_eq!(s.quantile(1.0), xs[xs.len() - 1]);
        assert_eq!(s.quantile(0.0), xs[0]);
    }

    #[test]
    fn merge_equals_one_pass_and_moments_are_exact() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 37) % 101) as f64 * 0.25).collect();
        let mut one = Sketch::new();
        xs.iter().for_each(|&x| one.add(x));
        let mut a = Sketch::new();
        let mut b = Sketch::new();
        xs[..300].iter().for_each(|&x| a.add(x));
        xs[300..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a.count(), one.count());
        assert_eq!(a.buckets, one.buckets);
        assert_eq!(a.zeros, one.zeros);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((a.mean() - mean).abs() < 1e-12);
        assert!((a.sd() - var.sqrt()).abs() < 1e-9);
        assert!((one.sd() - var.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn count_quantiles_are_the_counts_below_100() {
        // A bucket's value is within 0.5% of the count: 2.0037 for 2
        // outages, 0.995 for 1. Rounded, it is the count itself.
        let mut off = 0;
        for k in 1..COUNT_EXACT_BELOW as u32 {
            let k = f64::from(k);
            let mut s = Sketch::new();
            // k is the median; 1000 keeps min and max from pinning it.
            for x in [0.0, k, k, 1000.0] {
                s.add(x);
            }
            off += u32::from(s.quantile(0.5) != k);
            let summary = s.summary(Quantity::Count);
            assert_eq!(summary.p50, k);
            for q in [summary.p50, summary.p90, summary.p99] {
                assert_eq!(q, q.round());
            }
        }
        assert!(off > 50, "unrounded, most would be off ({off})");
        // From 100 up: within 0.5% plus half a unit of the rounding.
        for k in [100.0, 150.0, 1234.0, 98_765.0] {
            let mut s = Sketch::new();
            for x in [0.0, k, k, 1e7] {
                s.add(x);
            }
            let p50 = s.summary(Quantity::Count).p50;
            assert_eq!(p50, p50.round());
            assert!((p50 - k).abs() <= RELATIVE_ERROR * k + 0.5, "{p50} for {k}");
        }
    }

    #[test]
    fn quantile_intervals_bracket_the_ranks_the_binomial_gives() {
        // 1..=1000 once each: the sample of rank r (1-based) is r itself.
        let mut s = Sketch::new();
        (1..=1000).for_each(|x| s.add(f64::from(x)));
        // n = 1000, q = 0.9: ranks ⌊900 − 1.96·√90⌋ = 881, ⌈900 + 18.6⌉ = 919.
        let ci = s.quantile_ci(0.9);
        let hi = ci.hi.expect("bounded");
        let slack = 2.0 * RELATIVE_ERROR;
        assert!((881.0 * (1.0 - slack)..=881.0).contains(&ci.lo), "{ci:?}");
        assert!((919.0..=919.0 * (1.0 + slack)).contains(&hi), "{ci:?}");
        // Counts: whole-number bounds, exact below 100.
        let mut c = Sketch::new();
        (0..200).for_each(|x| c.add(f64::from(x % 10)));
        let summary = c.summary(Quantity::Count);
        for ci in [summary.p50_ci95, summary.p90_ci95] {
            assert_eq!(ci.lo, ci.lo.round());
            assert_eq!(ci.hi, ci.hi.map(f64::round));
        }
        // n = 200: ranks 86 and 114, where the sorted sample holds 4 and 5.
        assert_eq!(summary.p50_ci95.lo, 4.0);
        assert_eq!(summary.p50_ci95.hi, Some(5.0));
        // Ten samples: the median is bounded, the 99th percentile only below.
        let mut few = Sketch::new();
        (1..=10).for_each(|x| few.add(f64::from(x)));
        assert!(few.quantile_ci(0.5).hi.is_some());
        assert_eq!(few.quantile_ci(0.99).hi, None);
        assert_eq!(Sketch::new().quantile_ci(0.5).hi, None);
    }

    #[test]
    fn a_summary_interval_stays_in_the_quantity_range() {
        // One loss in ten trials: the normal interval reaches below zero.
        let mut s = Sketch::new();
        for x in [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0] {
            s.add(x);
        }
        let h = s.moments.half_width();
        assert!(s.mean() - h < 0.0, "the case needs a normal bound below 0");
        let loss = s.summary(Quantity::NonNegative);
        assert_eq!(loss.ci95, [0.0, s.mean() + h]);
        assert_eq!(loss.half_width, h);
        // Availability near 1: the normal interval reaches above 1.
        let mut a = Sketch::new();
        for x in [1.0, 1.0, 1.0, 0.9] {
            a.add(x);
        }
        let ci = a.summary(Quantity::Fraction).ci95;
        assert!(a.mean() + a.moments.half_width() > 1.0);
        assert_eq!(ci[1], 1.0);
        assert!(ci[0] > 0.0 && ci[0] < a.mean());
        // Far from the bounds nothing is cut.
        let mut far = Sketch::new();
        for x in [10.0, 11.0, 12.0, 13.0] {
            far.add(x);
        }
        assert_eq!(far.summary(Quantity::NonNegative).ci95, far.moments.ci95());
    }

    #[test]
    fn zeros_and_exceedance() {
        let mut s = Sketch::new();
        for x in [0.0, 0.0, 10.0, 100.0, 1000.0] {
            s.add(x);
        }
        assert_eq!(s.quantile(0.25), 0.0);
        assert!((s.fraction_above(50.0) - 0.4).abs() < 1e-12);
        assert_eq!(s.fraction_above(1000.0), 0.0);
        let curve = s.exceedance(4);
        assert_eq!(curve.len(), 4);
        assert!((curve[0].p - 0.4).abs() < 1e-12 || (curve[0].p - 0.6).abs() < 1e-12);
        assert_eq!(curve[3].p, 0.0);
        let cdf = s.cdf();
        assert_eq!(cdf[0], (0.0, 0.4));
        assert_eq!(cdf.last().unwrap().1, 1.0);
        assert!(Sketch::new().exceedance(5).is_empty());
    }
}
