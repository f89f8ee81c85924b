//! A mergeable streaming summary of a non-negative quantity: the mean with
//! its interval, minimum and maximum, and quantiles from logarithmic
//! buckets with a relative error of at most [`RELATIVE_ERROR`] (the
//! DDSketch construction). Memory grows with the logarithm of the value
//! range, not with the number of samples.
//!
//! The sample may be stratified and weighted (rare-event sampling, see
//! [`strata`](super::strata)): each stratum keeps its own buckets of summed
//! weights and squared weights, and every figure is the stratified
//! estimate. A plain sample (one stratum, weight 1) gives exactly the
//! order-statistic figures of an unweighted sample.

use super::strata::{self, Mean, Stratum, Weight};
use super::{wilson, ExceedancePoint, Proportion, QuantileCi, Quantity, Summary, Z95};

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

/// The summed weights (and squared weights) of the values in one bucket of
/// one stratum; for a plain sample both are the count.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Mass {
    w: f64,
    w2: f64,
}

impl Mass {
    #[inline]
    fn add(&mut self, w: f64) {
        self.w += w;
        self.w2 += w * w;
    }
    fn merge(&mut self, other: Mass) {
        self.w += other.w;
        self.w2 += other.w2;
    }
}

/// One stratum's buckets.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Part {
    zeros: Mass,
    /// `buckets[i]` holds values v with index(v) = i + offset.
    #[serde(deserialize_with = "offset")]
    offset: i32,
    #[serde(with = "sparse")]
    buckets: Vec<Mass>,
}

/// A stratum's first bucket, read back: within ±[`MOST_OFFSET`].
fn offset<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let offset = <i32 as serde::Deserialize>::deserialize(d)?;
    if offset.unsigned_abs() > MOST_OFFSET.unsigned_abs() {
        return Err(serde::de::Error::custom("a bucket past any value"));
    }
    Ok(offset)
}

/// A part's buckets encoded by their non-empty ones (a shard's part holds
/// one sketch per chunk of trials, most of whose buckets are empty): the
/// length, then each non-empty bucket's position and mass; read back to
/// the same dense buckets.
mod sparse {
    use super::Mass;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(buckets: &[Mass], s: S) -> Result<S::Ok, S::Error> {
        let held: Vec<(u32, Mass)> = (0u32..)
            .zip(buckets)
            .filter(|(_, m)| **m != Mass::default())
            .map(|(k, m)| (k, *m))
            .collect();
        (buckets.len() as u32, held).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Mass>, D::Error> {
        let (len, held) = <(u32, Vec<(u32, Mass)>)>::deserialize(d)?;
        if len > super::MOST_BUCKETS || !super::BUDGET.with(|b| b.take(u64::from(len))) {
            return Err(serde::de::Error::custom("more buckets than a sketch holds"));
        }
        let mut buckets = vec![Mass::default(); len as usize];
        for (k, m) in held {
            *buckets
                .get_mut(k as usize)
                .ok_or_else(|| serde::de::Error::custom("a bucket past the end"))? = m;
        }
        Ok(buckets)
    }
}

impl Part {
    /// The mass of bucket `i`, growing the dense range to hold it.
    #[inline]
    fn bucket_mut(&mut self, i: i32) -> &mut Mass {
        // Below the range the difference wraps to far past its end.
        let k = i.wrapping_sub(self.offset) as u32 as usize;
        if k < self.buckets.len() {
            return &mut self.buckets[k];
        }
        self.grow_to(i)
    }

    /// [`bucket_mut`](Self::bucket_mut) outside the range held.
    #[cold]
    #[inline(never)]
    fn grow_to(&mut self, i: i32) -> &mut Mass {
        if self.buckets.is_empty() {
            self.offset = i;
            self.buckets.push(Mass::default());
        } else if i < self.offset {
            let grow = (self.offset - i) as usize;
            self.buckets
                .splice(0..0, std::iter::repeat_n(Mass::default(), grow));
            self.offset = i;
        } else if i >= self.offset + self.buckets.len() as i32 {
            self.buckets
                .resize((i - self.offset + 1) as usize, Mass::default());
        }
        &mut self.buckets[(i - self.offset) as usize]
    }

    fn mass(&self, i: i32) -> Mass {
        usize::try_from(i - self.offset)
            .ok()
            .and_then(|k| self.buckets.get(k))
            .copied()
            .unwrap_or_default()
    }

    /// The range of bucket indices held, `None` when there is none.
    fn range(&self) -> Option<(i32, i32)> {
        (!self.buckets.is_empty())
            .then(|| (self.offset, self.offset + self.buckets.len() as i32 - 1))
    }
}

/// The most buckets of one stratum of a sketch: the whole range of a
/// double's logarithm at the finest resolution used (0.001: about 365,000
/// buckets, from [`ZERO`] to the largest double), with room to spare. A
/// sketch read back (a shard's part) with more, or placed past
/// ±[`MOST_OFFSET`], is refused.
const MOST_BUCKETS: u32 = 1 << 20;
/// The farthest a stratum's first bucket may lie from bucket 0.
const MOST_OFFSET: i32 = 1 << 22;

/// Buckets that sketches read back may still allocate, on this thread
/// ([`with_bucket_budget`]); unlimited outside it.
struct Budget(std::cell::Cell<Option<u64>>);

impl Budget {
    /// Takes `n` buckets from the budget; false when it has not that many.
    fn take(&self, n: u64) -> bool {
        match self.0.get() {
            None => true,
            Some(left) if n <= left => {
                self.0.set(Some(left - n));
                true
            }
            Some(_) => false,
        }
    }
}

thread_local! {
    static BUDGET: Budget = const { Budget(std::cell::Cell::new(None)) };
}

/// Runs `read` (decoding summaries) with at most `buckets` sketch buckets
/// allocated by the sketches it reads: a sparse sketch encodes a wide
/// range of buckets in a few bytes, so a crafted input could otherwise ask
/// for any amount of memory.
pub fn with_bucket_budget<T>(buckets: u64, read: impl FnOnce() -> T) -> T {
    BUDGET.with(|b| b.0.set(Some(buckets)));
    let out = read();
    BUDGET.with(|b| b.0.set(None));
    out
}

/// A streaming summary of one non-negative quantity over trials (hours,
/// money, counts): see the module documentation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sketch {
    grid: Grid,
    mean: Mean,
    parts: Vec<Part>,
    min: f64,
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Self::new()
    }
}

/// The logarithmic buckets of a relative error α: with
/// γ = (1 + α) / (1 − α), bucket i holds (γ^(i−1), γ^i].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Grid {
    /// The relative error α.
    alpha: f64,
    /// ln γ.
    ln_gamma: f64,
}

impl Grid {
    fn new(alpha: f64) -> Grid {
        Grid {
            alpha,
            ln_gamma: ((1.0 + alpha) / (1.0 - alpha)).ln(),
        }
    }

    /// The bucket of `v`, an infinity counted as the largest float:
    /// validated inputs give finite values, and should one not be, the
    /// sketch stays small (an infinity would ask for 2^31 buckets).
    #[inline]
    fn index(self, v: f64) -> i32 {
        (v.min(f64::MAX).ln() / self.ln_gamma).ceil() as i32
    }

    /// The value that stands for bucket `i`: within α of every value in
    /// it, 2γ^i / (γ + 1).
    fn representative(self, i: i32) -> f64 {
        2.0 * (f64::from(i) * self.ln_gamma).exp() / (self.ln_gamma.exp() + 1.0)
    }
}

/// The tail of a distribution at one level: its quantile (value at risk)
/// and the mean of the values at least that large (tail value at risk),
/// each with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tail {
    /// The level's quantile ([`Sketch::quantile`]).
    pub var: f64,
    /// Its interval ([`Sketch::quantile_ci`]).
    pub var_ci95: QuantileCi,
    /// The mean of the values at or above `var` (at the sketch's
    /// resolution: values in `var`'s bucket count as at least as large).
    pub tvar: f64,
    /// Its interval: the delta method for a ratio of means, plus the
    /// uncertainty of where the tail starts (Manistre and Hancock, 2005),
    /// widened by the resolution; when `var` has no upper bound, neither
    /// has this, and its lower bound is `var`'s.
    pub tvar_ci95: QuantileCi,
}

impl Sketch {
    /// An empty sketch with quantiles within [`RELATIVE_ERROR`].
    pub fn new() -> Self {
        Self::with_resolution(RELATIVE_ERROR)
    }

    /// An empty sketch with quantiles within `alpha` (relative; between 0
    /// and 1): finer costs more buckets (about ln(max/min) / 2α).
    pub fn with_resolution(alpha: f64) -> Self {
        Sketch {
            grid: Grid::new(alpha),
            mean: Mean::new(),
            parts: Vec::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// How many values were added.
    pub fn count(&self) -> u64 {
        self.mean.count()
    }
    /// The estimated mean, in the quantity's unit; 0 when empty.
    pub fn mean(&self) -> f64 {
        self.mean.mean()
    }
    /// Half the width of the normal 95% interval of the mean.
    pub fn half_width(&self) -> f64 {
        self.mean.half_width()
    }
    /// The largest value added (exact); 0 when empty.
    pub fn max(&self) -> f64 {
        if self.max < self.min {
            0.0
        } else {
            self.max
        }
    }
    /// The smallest value added (exact); 0 when empty.
    pub fn min(&self) -> f64 {
        if self.max < self.min {
            0.0
        } else {
            self.min
        }
    }

    /// Whether `a` and `b` fall in the same bucket, so that neither can be
    /// told from the other at the sketch's resolution (all values at or
    /// near zero share one).
    pub fn same_bucket(a: f64, b: f64) -> bool {
        match (a <= ZERO, b <= ZERO) {
            (true, true) => true,
            (false, false) => {
                let grid = Grid::new(RELATIVE_ERROR);
                grid.index(a) == grid.index(b)
            }
            (true, false) | (false, true) => false,
        }
    }

    /// The value that stands for bucket `i`: within the relative error of
    /// every value in it.
    fn representative(&self, i: i32) -> f64 {
        self.grid.representative(i)
    }

    /// Adds one value of a plain sample.
    pub fn add(&mut self, v: f64) {
        self.add_at(v, Weight::ONE);
    }

    /// Adds one trial's value at its place in a stratified sample.
    /// Negative values are clamped to zero (the quantities summarised —
    /// hours, money, counts — are never negative). A trial of weight 0 (a
    /// variant under which it cannot happen) counts as a trial, and its
    /// value as none.
    #[inline]
    pub fn add_at(&mut self, v: f64, at: Weight) {
        debug_assert!(v.is_finite(), "sketched values are finite");
        let v = v.max(0.0);
        self.mean.add(v, at);
        if at.is_one() && self.parts.len() == 1 {
            // Plain sampling after the first value: no stratum to make.
            self.place(0, v, 1.0);
            return;
        }
        let h = usize::from(at.stratum);
        if h >= self.parts.len() {
            self.parts.resize(h + 1, Part::default());
        }
        if at.w > 0.0 {
            self.place(h, v, at.w);
        }
    }

    /// Puts `v` of weight `w` in stratum `h`'s buckets.
    #[inline(always)]
    fn place(&mut self, h: usize, v: f64, w: f64) {
        self.min = self.min.min(v);
        self.max = self.max.max(v);
        let part = &mut self.parts[h];
        if v <= ZERO {
            part.zeros.add(w);
        } else {
            part.bucket_mut(self.grid.index(v)).add(w);
        }
    }

    /// Appends the samples of `other`. Merging in a fixed order gives
    /// bit-identical results.
    pub fn merge(&mut self, other: &Sketch) {
        debug_assert_eq!(self.grid, other.grid, "sketches merge on one grid");
        if other.count() == 0 {
            return;
        }
        if self.count() == 0 {
            *self = other.clone();
            return;
        }
        self.mean.merge(&other.mean);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        if other.parts.len() > self.parts.len() {
            self.parts.resize(other.parts.len(), Part::default());
        }
        for (a, b) in self.parts.iter_mut().zip(&other.parts) {
            a.zeros.merge(b.zeros);
            for (k, &m) in b.buckets.iter().enumerate() {
                if m.w == 0.0 && m.w2 == 0.0 {
                    continue;
                }
                a.bucket_mut(b.offset + k as i32).merge(m);
            }
        }
    }

    /// Per stratum, trials per unit of weight: N / n_h, so that a bucket's
    /// summed weights times this are its estimated share of the N trials
    /// ("trial units": for a plain sample, the count).
    fn scales(&self) -> Vec<f64> {
        let n = self.count() as f64;
        (0..self.parts.len())
            .map(|h| match self.mean.count_in(h) {
                0 => 0.0,
                nh => n / nh as f64,
            })
            .collect()
    }

    /// The bucket indices held by any stratum, lowest and highest.
    fn range(&self) -> Option<(i32, i32)> {
        self.parts
            .iter()
            .filter_map(Part::range)
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
    }

    /// Bucket `i`'s estimated share of the trials, in trial units, given
    /// the strata's [`scales`](Self::scales).
    fn units(&self, i: i32, scales: &[f64]) -> f64 {
        match self.parts.as_slice() {
            // A plain sample: the count (its scale is 1).
            [one] => one.mass(i).w,
            all => all.iter().zip(scales).map(|(p, s)| p.mass(i).w * s).sum(),
        }
    }

    /// The bucket holding the trial with `above` trial units strictly
    /// above it: walking down from the largest bucket until more than
    /// `above` units are passed; `None` when that lands among the zeros.
    fn bucket_with_above(&self, above: f64) -> Option<i32> {
        let (lo, hi) = self.range()?;
        let scales = self.scales();
        let mut seen = 0.0;
        for i in (lo..=hi).rev() {
            seen += self.units(i, &scales);
            if seen > above {
                return Some(i);
            }
        }
        None
    }

    /// The `q` quantile (0 ≤ q ≤ 1): the sample of rank ⌊q·(n−1)⌋ (0-based,
    /// with n − 1 − that rank trials above it; for a weighted sample, that
    /// many trial units of estimated share above it), within the relative
    /// error; exact at q = 0 and q = 1.
    pub fn quantile(&self, q: f64) -> f64 {
        let count = self.count();
        if count == 0 {
            return 0.0;
        }
        if q <= 0.0 {
            return self.min();
        }
        if q >= 1.0 {
            return self.max();
        }
        let rank = (q * (count - 1) as f64).floor() as u64;
        match self.bucket_with_above((count - 1 - rank) as f64) {
            Some(i) => self.representative(i).clamp(self.min, self.max),
            None => 0.0_f64.max(self.min()),
        }
    }

    /// The values the trial with `above` trial units above it can have:
    /// its bucket's representative widened by the stated resolution (a
    /// value within [`RELATIVE_ERROR`] of it), cut to the exact minimum and
    /// maximum.
    fn bounds_with_above(&self, above: f64) -> [f64; 2] {
        let clamp = |lo: f64, hi: f64| [lo.max(self.min), hi.min(self.max)];
        match self.bucket_with_above(above) {
            Some(i) => {
                let v = self.representative(i);
                // |v - x| <= α·x: x in [v / (1 + α), v / (1 − α)], and a
                // hair wider for the rounding of the bucket's index.
                let slack = 1e-9;
                clamp(
                    v / (1.0 + self.grid.alpha) * (1.0 - slack),
                    v / (1.0 - self.grid.alpha) * (1.0 + slack),
                )
            }
            None => clamp(0.0, ZERO),
        }
    }

    /// The variance of the estimated share of trials whose value lies
    /// above bucket `top` (strictly): Σ_h (w2_h / n_h − (w_h / n_h)²) / n_h
    /// over the strata's buckets above it.
    fn share_above_variance(&self, top: Option<i32>) -> f64 {
        self.parts
            .iter()
            .enumerate()
            .map(|(h, p)| {
                let nh = self.mean.count_in(h) as f64;
                if nh == 0.0 {
                    return 0.0;
                }
                let Some((_, hi)) = p.range() else {
                    return 0.0;
                };
                let from = top.map_or(i32::MIN, |t| t + 1);
                let mut m = Mass::default();
                if top.is_none() {
                    m.merge(p.zeros);
                }
                for i in from.max(p.offset)..=hi {
                    m.merge(p.mass(i));
                }
                let mean = m.w / nh;
                (m.w2 / nh - mean * mean).max(0.0) / nh
            })
            .sum()
    }

    /// The 95% interval of the `q` quantile (0 < q < 1) from order
    /// statistics: with n samples, the number below the true quantile is
    /// binomial (n, q), so the samples of 1-based ranks
    /// ⌊nq − z·√(nq(1−q))⌋ and ⌈nq + z·√(nq(1−q))⌉ bracket it at least 95%
    /// of the time (checked against the exact binomial for n from 20 to
    /// 10,000). A weighted sample uses the standard error of its estimated
    /// share above the quantile in place of √(q(1−q)/n). Each is read off
    /// the sketch and widened by its resolution. A lower rank below 1 gives
    /// 0 (no value is smaller); an upper rank past n gives no upper bound:
    /// the sample is too small to bound that quantile from above.
    pub fn quantile_ci(&self, q: f64) -> QuantileCi {
        let n = self.count();
        if n == 0 {
            return QuantileCi { lo: 0.0, hi: None };
        }
        let nf = n as f64;
        let sd = if self.mean.is_weighted() {
            let rank = (q * (n - 1) as f64).floor();
            let point = self.bucket_with_above(nf - 1.0 - rank);
            nf * self.share_above_variance(point).sqrt()
        } else {
            (nf * q * (1.0 - q)).sqrt()
        };
        let spread = Z95 * sd;
        let (j, k) = ((nf * q - spread).floor(), (nf * q + spread).ceil());
        let lo = if j < 1.0 {
            0.0
        } else {
            self.bounds_with_above(nf - j)[0]
        };
        let hi = (k <= nf).then(|| self.bounds_with_above(nf - k.max(1.0))[1]);
        QuantileCi { lo, hi }
    }

    /// The per-stratum sums of the weights of the trials whose value lies
    /// strictly above `x` (to the bucket resolution).
    fn strata_above(&self, x: f64) -> Vec<Stratum> {
        // Representatives grow with the index: the buckets above `x` are
        // those from the first whose representative exceeds it.
        let first = if x <= ZERO {
            i32::MIN
        } else {
            let mut i = self.grid.index(x);
            while self.representative(i) <= x {
                i += 1;
            }
            while self.representative(i - 1) > x {
                i -= 1;
            }
            i
        };
        self.parts
            .iter()
            .enumerate()
            .map(|(h, p)| {
                let mut m = Mass::default();
                if x < 0.0 {
                    m.merge(p.zeros);
                }
                if x < self.max {
                    for (k, &b) in p.buckets.iter().enumerate() {
                        if p.offset + k as i32 >= first {
                            m.merge(b);
                        }
                    }
                }
                Stratum {
                    n: self.mean.count_in(h),
                    all: self.mean_weight(h) * self.mean.count_in(h) as f64,
                    w: m.w,
                    w2: m.w2,
                }
            })
            .collect()
    }

    /// The summed weight of every trial of stratum `h`.
    fn mean_weight(&self, h: usize) -> f64 {
        let p = &self.parts[h];
        let total = p.zeros.w + p.buckets.iter().map(|m| m.w).sum::<f64>();
        let nh = self.mean.count_in(h);
        if nh == 0 {
            0.0
        } else {
            total / nh as f64
        }
    }

    /// The estimated share of trials whose value exceeds `x` (to the
    /// bucket resolution), with its 95% interval.
    pub fn share_above(&self, x: f64) -> Proportion {
        if self.count() == 0 {
            return wilson(0, 0);
        }
        strata::share(&self.strata_above(x), self.mean.is_weighted())
    }

    /// Share of samples strictly above `x` (to the bucket resolution).
    pub fn fraction_above(&self, x: f64) -> f64 {
        self.share_above(x).p
    }

    /// The tail at level `q` (e.g. 0.99 for the 1-in-100 tail): see [`Tail`].
    pub fn tail(&self, q: f64) -> Tail {
        let var = self.quantile(q);
        let var_ci95 = self.quantile_ci(q);
        let n = self.count();
        if n == 0 {
            return Tail {
                var,
                var_ci95,
                tvar: 0.0,
                tvar_ci95: QuantileCi { lo: 0.0, hi: None },
            };
        }
        let nf = n as f64;
        let rank = (q * (n - 1) as f64).floor();
        // The tail: var's bucket and every one above (all, if var is 0).
        let from = self.bucket_with_above(nf - 1.0 - rank);
        let value = |i: i32| self.representative(i).clamp(self.min, self.max);
        // Per stratum, over the tail: Σw, Σw·x, and for the variance
        // Σw²(x − c)² and Σw(x − c) once the tail mean c is known.
        let tail_buckets = |p: &Part| -> Vec<(f64, Mass)> {
            let mut out = Vec::new();
            if from.is_none() {
                out.push((0.0_f64.max(self.min), p.zeros));
            }
            if let Some((_, hi)) = p.range() {
                let start = from.map_or(p.offset, |f| f.max(p.offset));
                for i in start..=hi {
                    out.push((value(i), p.mass(i)));
                }
            }
            out
        };
        let (mut mass, mut sum) = (0.0, 0.0);
        for (h, p) in self.parts.iter().enumerate() {
            let nh = self.mean.count_in(h) as f64;
            if nh == 0.0 {
                continue;
            }
            for (x, m) in tail_buckets(p) {
                mass += m.w / nh;
                sum += m.w * x / nh;
            }
        }
        if mass <= 0.0 {
            return Tail {
                var,
                var_ci95,
                tvar: var,
                tvar_ci95: var_ci95,
            };
        }
        let tvar = sum / mass;
        // Delta method for the ratio: Σ_h Var_h(w·1_T·(x − c)) / n_h / mass².
        let mut ratio_var = 0.0;
        let mut share_var = 0.0;
        for (h, p) in self.parts.iter().enumerate() {
            let nh = self.mean.count_in(h) as f64;
            if nh == 0.0 {
                continue;
            }
            let (mut d1, mut d2, mut w, mut w2) = (0.0, 0.0, 0.0, 0.0);
            for (x, m) in tail_buckets(p) {
                d1 += m.w * (x - tvar);
                d2 += m.w2 * (x - tvar) * (x - tvar);
                w += m.w;
                w2 += m.w2;
            }
            ratio_var += (d2 / nh - (d1 / nh).powi(2)).max(0.0) / nh;
            share_var += (w2 / nh - (w / nh).powi(2)).max(0.0) / nh;
        }
        // Where the tail starts is estimated too: moving it by a share δ
        // moves the tail mean by about (c − var) δ / mass.
        let var_total = ratio_var / (mass * mass) + ((tvar - var) / mass).powi(2) * share_var;
        let half = Z95 * var_total.sqrt();
        // Too few trials beyond the quantile to bound it from above are
        // too few to estimate the mean beyond it: all that is known is
        // that it is at least the quantile's lower bound.
        let tvar_ci95 = match var_ci95.hi {
            None => QuantileCi {
                lo: var_ci95.lo,
                hi: None,
            },
            Some(_) => QuantileCi {
                lo: ((tvar - half) / (1.0 + self.grid.alpha))
                    .max(var_ci95.lo.min(tvar))
                    .max(0.0),
                hi: Some(((tvar + half) / (1.0 - self.grid.alpha)).min(self.max.max(tvar))),
            },
        };
        Tail {
            var,
            var_ci95,
            tvar,
            tvar_ci95,
        }
    }

    /// Mean with its 95% interval, quantiles with theirs, and maximum of a
    /// sample of `quantity`: the mean's interval is cut to the values the
    /// quantity can take ([`Quantity::interval`]), and a count's quantiles
    /// and their bounds are whole numbers (exact below
    /// [`COUNT_EXACT_BELOW`]).
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
            ci95: self.mean.ci95_of(quantity),
            half_width: self.mean.half_width(),
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
    /// the observed positive range, each share with its interval.
    pub fn exceedance(&self, points: usize) -> Vec<ExceedancePoint> {
        let max = self.max();
        let Some((first, _)) = self.range() else {
            return Vec::new();
        };
        if max <= ZERO || points == 0 {
            return Vec::new();
        }
        let low = self.representative(first).min(max).max(max * 1e-6);
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
                let share = self.share_above(loss);
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
        let mut out = Vec::new();
        let scales = self.scales();
        let zeros: f64 = self
            .parts
            .iter()
            .zip(&scales)
            .map(|(p, scale)| p.zeros.w * scale)
            .sum();
        let mut seen = zeros;
        if zeros > 0.0 {
            out.push((0.0, seen / n));
        }
        if let Some((lo, hi)) = self.range() {
            for i in lo..=hi {
                let u = self.units(i, &scales);
                if u == 0.0 {
                    continue;
                }
                seen += u;
                let v = self.representative(i).clamp(self.min, self.max);
                out.push((v, seen / n));
            }
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
        let grid = Grid::new(RELATIVE_ERROR);
        let top = grid.index(f64::MAX);
        assert!(grid.index(f64::INFINITY) <= top + 1);
        assert!(grid.index(f64::MIN_POSITIVE) >= -top - 1);
        let mut s = Sketch::new();
        s.add(1e-300);
        s.add(f64::MAX);
        assert!(
            s.parts[0].buckets.len() < 200_000,
            "{} buckets",
            s.parts[0].buckets.len()
        );
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
    fn a_sketch_reads_back_exactly_and_a_crafted_one_cannot_ask_for_unbounded_memory() {
        let mut s = Sketch::with_resolution(0.001);
        for v in [0.0, 1e-3, 2.0, 2.0, 7e6] {
            s.add(v);
        }
        let bytes = postcard::to_stdvec(&s).unwrap();
        assert_eq!(postcard::from_bytes::<Sketch>(&bytes).unwrap(), s);
        // A stratum claiming more buckets than any sketch holds, or placed
        // past any value.
        let part = |offset: i32, len: u32| {
            postcard::to_stdvec(&(Mass::default(), offset, (len, Vec::<(u32, Mass)>::new())))
                .unwrap()
        };
        assert!(postcard::from_bytes::<Part>(&part(0, 1000)).is_ok());
        assert!(postcard::from_bytes::<Part>(&part(0, MOST_BUCKETS + 1)).is_err());
        assert!(postcard::from_bytes::<Part>(&part(i32::MIN, 1)).is_err());
        assert!(postcard::from_bytes::<Part>(&part(MOST_OFFSET + 1, 1)).is_err());
        // Within a budget, sketches together cannot pass it.
        let one = with_bucket_budget(1500, || postcard::from_bytes::<Part>(&part(0, 1000)));
        assert!(one.is_ok());
        let pair = (Mass::default(), 0i32, (1000u32, Vec::<(u32, Mass)>::new()));
        let two = postcard::to_stdvec(&[pair.clone(), pair]).unwrap();
        let over = with_bucket_budget(1500, || postcard::from_bytes::<[Part; 2]>(&two));
        assert!(over.is_err());
        assert!(
            postcard::from_bytes::<[Part; 2]>(&two).is_ok(),
            "no budget outside"
        );
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
        assert_eq!(a.parts, one.parts);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((a.mean() - mean).abs() < 1e-12);
        let se = Z95 * (var / xs.len() as f64).sqrt();
        assert!((a.mean.half_width() - se).abs() < 1e-9);
        assert!((one.mean.half_width() - se).abs() < 1e-9);
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

    /// A stratified sample: 95% of trials draw from 1..100, 5% from
    /// 1,000..2,000, each stratum sampled on an even grid of 1,000 values
    /// and weighted by its probability. The mixture's figures are known.
    fn two_strata() -> Sketch {
        let mut s = Sketch::new();
        for i in 0..1000 {
            let u = (f64::from(i) + 0.5) / 1000.0;
            s.add_at(
                1.0 + 99.0 * u,
                Weight {
                    stratum: 0,
                    w: 0.95,
                },
            );
            s.add_at(
                1000.0 + 1000.0 * u,
                Weight {
                    stratum: 1,
                    w: 0.05,
                },
            );
        }
        s
    }

    #[test]
    fn a_stratified_sample_estimates_the_mixture() {
        let s = two_strata();
        assert_eq!(s.count(), 2000);
        // Mean: 0.95 × 50.5 + 0.05 × 1500.
        assert!((s.mean() - (0.95 * 50.5 + 0.05 * 1500.0)).abs() < 1e-9);
        // P(X > t) = 0.01 at t = 1800 (a fifth of the upper stratum).
        let q99 = s.quantile(0.99);
        assert!((q99 / 1800.0 - 1.0).abs() < 2.0 * RELATIVE_ERROR, "{q99}");
        // P(X > t) = 0.5 at t = 1 + 99 × (1 − 0.45 / 0.95).
        let q50 = s.quantile(0.5);
        let want = 1.0 + 99.0 * (1.0 - 0.45 / 0.95);
        assert!(
            (q50 / want - 1.0).abs() < 2.0 * RELATIVE_ERROR,
            "{q50} vs {want}"
        );
        let ci = s.quantile_ci(0.99);
        assert!(ci.lo < q99 && ci.hi.is_some_and(|hi| hi > q99), "{ci:?}");
        // The 1-in-100 tail's mean: the upper fifth of 1,000..2,000.
        let tail = s.tail(0.99);
        assert!(
            (tail.tvar / 1900.0 - 1.0).abs() < 2.0 * RELATIVE_ERROR,
            "{tail:?}"
        );
        assert!(tail.tvar_ci95.lo < tail.tvar && tail.tvar_ci95.hi.is_some_and(|h| h > tail.tvar));
        // Exceedance: P(X > 1500) = 0.025, from stratum 1 alone.
        let p = s.share_above(1500.0);
        assert!((p.p - 0.025).abs() < 1e-3, "{p:?}");
        assert!(p.ci95[0] < 0.025 && p.ci95[1] > 0.025);
        let cdf = s.cdf();
        assert!((cdf.last().unwrap().1 - 1.0).abs() < 1e-9);
    }

    /// The same sample merged from pieces in order is the same sketch.
    #[test]
    fn a_stratified_sample_merges_like_one_pass() {
        let one = two_strata();
        let mut a = Sketch::new();
        let mut b = Sketch::new();
        for i in 0..1000 {
            let u = (f64::from(i) + 0.5) / 1000.0;
            let part = if i < 300 { &mut a } else { &mut b };
            part.add_at(
                1.0 + 99.0 * u,
                Weight {
                    stratum: 0,
                    w: 0.95,
                },
            );
            part.add_at(
                1000.0 + 1000.0 * u,
                Weight {
                    stratum: 1,
                    w: 0.05,
                },
            );
        }
        a.merge(&b);
        assert_eq!(a.parts, one.parts);
        assert_eq!(a.quantile(0.99), one.quantile(0.99));
        assert!((a.mean() - one.mean()).abs() < 1e-9);
    }

    #[test]
    fn a_plain_tail_is_the_mean_beyond_the_quantile() {
        // 1..=1000: the 1-in-100 tail holds the ten largest and the 990th.
        let mut s = Sketch::new();
        (1..=1000).for_each(|x| s.add(f64::from(x)));
        let tail = s.tail(0.99);
        assert!((tail.var / 990.0 - 1.0).abs() <= RELATIVE_ERROR, "{tail:?}");
        // Values in var's bucket count as in the tail: 985..=1000 at most.
        let exact = (990..=1000).map(f64::from).sum::<f64>() / 11.0;
        assert!(
            (tail.tvar / exact - 1.0).abs() <= 2.0 * RELATIVE_ERROR,
            "{tail:?}"
        );
        assert!(tail.tvar_ci95.lo <= tail.tvar);
        assert!(tail.tvar_ci95.hi.is_some_and(|h| h >= tail.tvar));
    }

    #[test]
    fn a_summary_interval_stays_in_the_quantity_range() {
        // One loss in ten trials: the normal interval reaches below zero.
        let mut s = Sketch::new();
        for x in [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000.0] {
            s.add(x);
        }
        let h = s.mean.half_width();
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
        assert!(a.mean() + a.mean.half_width() > 1.0);
        assert_eq!(ci[1], 1.0);
        assert!(ci[0] > 0.0 && ci[0] < a.mean());
        // Far from the bounds nothing is cut.
        let mut far = Sketch::new();
        for x in [10.0, 11.0, 12.0, 13.0] {
            far.add(x);
        }
        let (m, h) = (far.mean(), far.mean.half_width());
        assert_eq!(far.summary(Quantity::NonNegative).ci95, [m - h, m + h]);
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
