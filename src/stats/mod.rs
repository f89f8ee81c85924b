//! Pure functions over samples: means with normal intervals, proportions
//! with Wilson intervals, quantiles and loss exceedance.

mod moments;
mod sketch;

pub use moments::Moments;
pub use sketch::{Sketch, RELATIVE_ERROR};

use serde::Serialize;

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Summary of a sample of a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    pub mean: f64,
    /// 95% normal interval of the mean.
    pub ci95: [f64; 2],
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

/// A probability with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    pub p: f64,
    pub ci95: [f64; 2],
}

/// One point of a loss exceedance curve: P(loss > `loss`) = `p`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExceedancePoint {
    pub loss: f64,
    pub p: f64,
}

/// Mean and sample standard deviation (two-pass, in sample order).
pub fn mean_sd(samples: &[f64]) -> (f64, f64) {
    let n = samples.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = samples.iter().map(|x| (x - mean) * (x - mean)).sum();
    (mean, (ss / (n - 1) as f64).sqrt())
}

/// Quantile `q` of sorted samples (linear interpolation between order
/// statistics, Hyndman and Fan type 7).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => 0.0,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Summarises samples; sorts them in place.
pub fn summarize(samples: &mut [f64]) -> Summary {
    let (mean, sd) = mean_sd(samples);
    let half = if samples.len() > 1 {
        Z95 * sd / (samples.len() as f64).sqrt()
    } else {
        0.0
    };
    samples.sort_unstable_by(f64::total_cmp);
    Summary {
        mean,
        ci95: [mean - half, mean + half],
        p50: quantile_sorted(samples, 0.5),
        p90: quantile_sorted(samples, 0.9),
        p99: quantile_sorted(samples, 0.99),
        max: samples.last().copied().unwrap_or(0.0),
    }
}

/// A proportion with its Wilson score interval.
pub fn wilson(successes: u64, n: u64) -> Proportion {
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

/// The exceedance curve of sorted losses at `points` levels spread
/// geometrically over the observed positive range.
pub fn exceedance(sorted: &[f64], points: usize) -> Vec<ExceedancePoint> {
    let n = sorted.len();
    let Some(&max) = sorted.last() else {
        return Vec::new();
    };
    if max <= 0.0 || points == 0 {
        return Vec::new();
    }
    let min_positive = sorted.iter().copied().find(|&x| x > 0.0).unwrap_or(max);
    let low = min_positive.max(max * 1e-6);
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
            // P(L > loss): count of samples strictly above.
            let above = n - sorted.partition_point(|&x| x <= loss);
            ExceedancePoint {
                loss,
                p: above as f64 / n as f64,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_of_a_known_sample() {
        let mut xs: Vec<f64> = (1..=101).map(f64::from).collect();
        let s = summarize(&mut xs);
        assert_eq!(s.mean, 51.0);
        assert_eq!(s.p50, 51.0);
        assert_eq!(s.p90, 91.0);
        assert_eq!(s.max, 101.0);
        // sd of 1..=101 is sqrt(101*102/12) = 29.3002
        let half = Z95 * (101.0f64 * 102.0 / 12.0).sqrt() / 101f64.sqrt();
        assert!((s.ci95[1] - 51.0 - half).abs() < 1e-9);
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
    }

    #[test]
    fn exceedance_counts_strictly_above() {
        let xs = [0.0, 0.0, 10.0, 100.0, 1000.0];
        let curve = exceedance(&xs, 4);
        assert_eq!(curve.len(), 4);
        assert_eq!(curve[0].loss, 10.0);
        assert!((curve[0].p - 0.4).abs() < 1e-12);
        assert!((curve[3].loss - 1000.0).abs() < 1e-9);
        assert_eq!(curve[3].p, 0.0);
        assert!(exceedance(&[0.0, 0.0], 5).is_empty());
    }
}
