//! Statistics over trials: streaming summaries ([`Sketch`]: means with
//! normal intervals, quantiles, exceedance), paired differences
//! (`Moments`) and proportions with Wilson intervals.

mod moments;
mod sketch;

pub(crate) use moments::Moments;
pub use sketch::{Sketch, RELATIVE_ERROR};

use serde::Serialize;

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Summary of a sample of a quantity, every figure in the quantity's unit
/// (hours, money, a count). The JSON document's stats object (spec
/// section 10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// The sample mean (exact).
    pub mean: f64,
    /// 95% normal interval of the mean.
    pub ci95: [f64; 2],
    /// The median, within [`RELATIVE_ERROR`].
    pub p50: f64,
    /// The 90th percentile, within [`RELATIVE_ERROR`].
    pub p90: f64,
    /// The 99th percentile, within [`RELATIVE_ERROR`].
    pub p99: f64,
    /// The largest value seen (exact); 0 for an empty sample.
    pub max: f64,
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
