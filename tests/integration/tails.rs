//! Tails with error bars: the intervals of quantiles and of the loss
//! exceedance curve against closed forms, by their coverage over many
//! seeds.

use super::closed_form::{drill, load};
use super::common::service;

/// Quantiles of the standard normal distribution at 0.95, 0.90 and 0.99.
const Z_P95: f64 = 1.644_853_626_951_472_2;
const Z_P90: f64 = 1.281_551_565_544_600_5;
const Z_P99: f64 = 2.326_347_874_040_841;

/// A repair with `{lognormal: [1h, 9h]}` (5th and 95th percentiles) behind
/// a service that needs it: a drill's recovery time is that repair, so its
/// quantiles are the lognormal's.
const ONE_REPAIR: &str = "name: q\ncomponents:\n  - {id: db, kind: database, repair: {lognormal: [1h, 9h]}}\n  - {id: shop, kind: service, depends_on: [db]}\nthreats:\n  - {id: crash, hits: {components: [db]}, effect: damage}\n";

/// The lognormal's `z` quantile: ln X is normal with mean (ln 1 + ln 9) / 2
/// and sd (ln 9 − ln 1) / (2 × z95).
fn lognormal_quantile(z: f64) -> f64 {
    let (mu, sigma) = (9f64.ln() / 2.0, 9f64.ln() / (2.0 * Z_P95));
    (mu + z * sigma).exp()
}

/// Over 200 seeds of 1,000 trials, each quantile's 95% interval covers
/// the true quantile between 90% and 99% of the time (the binomial spread
/// of 200 coverages of 95% is 1.5 points: the band is three of them), and
/// the interval is not so wide that covering means nothing: its width is
/// within a factor of two of the normal approximation of the order
/// statistic's spread.
#[test]
fn quantile_intervals_cover_the_true_quantiles() {
    let s = load(ONE_REPAIR);
    let (seeds, n) = (200u64, 1000u64);
    let truth = [0.0, Z_P90, Z_P99].map(lognormal_quantile);
    let mut covered = [0u32; 3];
    let mut widths = [0.0f64; 3];
    for seed in 0..seeds {
        let d = drill(&s, "crash", n, seed);
        let rec = service(&d, "shop").detail.recovery_h;
        for (i, (ci, point)) in [
            (rec.p50_ci95, rec.p50),
            (rec.p90_ci95, rec.p90),
            (rec.p99_ci95, rec.p99),
        ]
        .into_iter()
        .enumerate()
        {
            let hi = ci.hi.expect("1,000 trials bound a 99th percentile");
            assert!(ci.lo <= point && point <= hi, "{ci:?} around {point}");
            covered[i] += u32::from(ci.lo <= truth[i] && truth[i] <= hi);
            widths[i] += (hi - ci.lo) / seeds as f64;
        }
    }
    for (i, (q, z)) in [(0.5, 0.0), (0.9, Z_P90), (0.99, Z_P99)]
        .into_iter()
        .enumerate()
    {
        let coverage = f64::from(covered[i]) / seeds as f64;
        // The asymptotic sd of a sample quantile: √(q(1−q)/n) / density.
        let x = truth[i];
        let sigma = 9f64.ln() / (2.0 * Z_P95);
        let density = (-z * z / 2.0).exp() / ((2.0 * std::f64::consts::PI).sqrt() * sigma * x);
        let normal_width = 2.0 * drsim::stats::Z95 * (q * (1.0 - q) / n as f64).sqrt() / density;
        eprintln!(
            "p{}: coverage {coverage:.3}, mean width {:.4} (normal approximation {normal_width:.4})",
            q * 100.0,
            widths[i]
        );
        assert!(
            (0.90..=0.99).contains(&coverage),
            "p{}: coverage {coverage}",
            q * 100.0
        );
        assert!(
            widths[i] < 2.0 * normal_width && widths[i] > 0.5 * normal_width,
            "p{}: width {} against {normal_width}",
            q * 100.0,
            widths[i]
        );
    }
}

/// Too few trials to bound a 99th percentile from above: the interval says
/// so instead of stopping at the largest sample.
#[test]
fn a_small_sample_leaves_a_tail_quantile_unbounded_above() {
    let s = load(ONE_REPAIR);
    let rec = service(&drill(&s, "crash", 100, 1), "shop")
        .detail
        .recovery_h;
    assert_eq!(rec.p99_ci95.hi, None);
    assert!(rec.p99_ci95.lo > 0.0 && rec.p99_ci95.lo <= rec.p99);
    assert!(rec.p50_ci95.hi.is_some());
}
