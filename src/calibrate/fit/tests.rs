use super::*;
use rand::{RngExt, SeedableRng};

/// `n` draws from the lognormal whose 5th and 95th percentiles are `p5`
/// and `p95` hours, from a fixed seed.
fn lognormal_draws(p5: f64, p95: f64, n: usize, seed: u64) -> Vec<f64> {
    let (mu, sigma) = log_params(p5, p95);
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let u: f64 = rng.random::<f64>().clamp(1e-12, 1.0 - 1e-12);
            (mu + sigma * inverse_normal(u)).exp()
        })
        .collect()
}

fn log_params(p5: f64, p95: f64) -> (f64, f64) {
    (
        (p5.ln() + p95.ln()) / 2.0,
        (p95.ln() - p5.ln()) / (2.0 * Z95),
    )
}

/// Φ⁻¹ by bisection on `normal_cdf` (only for tests).
fn inverse_normal(u: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0, 40.0);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if normal_cdf(mid) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

fn complete(hours: &[f64]) -> Vec<Obs> {
    hours
        .iter()
        .map(|&h| Obs {
            hours: h,
            censored: false,
        })
        .collect()
}

#[test]
fn two_hundred_tests_of_4_to_16_hours_move_a_1_to_4_hour_estimate_to_them() {
    // True median 8h, 90% interval 4h-16h; the estimate said 1h-4h.
    let obs = complete(&lognormal_draws(4.0, 16.0, 200, 1));
    let (mu0, s0) = log_params(1.0, 4.0);
    let fit = fit_lognormal(mu0, s0, DEFAULT_PRIOR_WEIGHT, &obs).unwrap();
    let (p5, p95) = fit.predictive_p5_p95();
    let median = fit.mu.exp();
    // The median's standard error on the log scale is σ/√200 = 0.03 (3%);
    // the prior's three pseudo-observations at 2h pull it 2% lower.
    assert!((median / 8.0 - 1.0).abs() < 0.10, "median {median}");
    assert!((p5 / 4.0 - 1.0).abs() < 0.15, "p5 {p5}");
    assert!((p95 / 16.0 - 1.0).abs() < 0.15, "p95 {p95}");
}

#[test]
fn no_observations_change_nothing() {
    let (mu0, s0) = log_params(1.0, 4.0);
    for weight in [0.5, 3.0, 50.0] {
        let fit = fit_lognormal(mu0, s0, weight, &[]).unwrap();
        let (p5, p95) = fit.predictive_p5_p95();
        assert!(
            (p5 - 1.0).abs() < 1e-9 && (p95 - 4.0).abs() < 1e-9,
            "{weight}: {p5} {p95}"
        );
        assert_eq!(fit_exp(6.0, weight, &[]).unwrap(), 6.0);
    }
}

#[test]
fn a_prior_weight_of_zero_gives_the_maximum_likelihood_fit() {
    let hours = lognormal_draws(2.0, 10.0, 50, 2);
    let logs: Vec<f64> = hours.iter().map(|h| h.ln()).collect();
    let mean = logs.iter().sum::<f64>() / 50.0;
    let var = logs.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / 50.0;
    let fit = fit_lognormal(5.0, 3.0, 0.0, &complete(&hours)).unwrap();
    assert!((fit.mu - mean).abs() < 1e-12);
    assert!((fit.sigma - var.sqrt()).abs() < 1e-12);
    // Exponential: total time over completed observations.
    let mut obs = complete(&[1.0, 2.0, 3.0]);
    obs.push(Obs {
        hours: 4.0,
        censored: true,
    });
    assert_eq!(fit_exp(100.0, 0.0, &obs).unwrap(), 10.0 / 3.0);
    // A prior worth 2 observations of 100h adds 200h and 2 completions.
    assert_eq!(fit_exp(100.0, 2.0, &obs).unwrap(), 210.0 / 5.0);
}

#[test]
fn censored_observations_count_as_longer_than_where_dropping_or_trusting_them_is_biased() {
    // 400 restores with a true median of 8h (90%: 4h-16h), each watched
    // for a random 2h-14h: about half were still running when recorded.
    let truth = lognormal_draws(4.0, 16.0, 400, 3);
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(4);
    let obs: Vec<Obs> = truth
        .iter()
        .map(|&t| {
            let watched = 2.0 + 12.0 * rng.random::<f64>();
            Obs {
                hours: t.min(watched),
                censored: t > watched,
            }
        })
        .collect();
    let share = obs.iter().filter(|o| o.censored).count() as f64 / 400.0;
    assert!(share > 0.4, "censored {share}");
    let (mu_true, sigma) = log_params(4.0, 16.0);
    // The censored fit's standard error of the log-median is about
    // σ/√(completed) = 0.42/√200 = 0.03; allow 3 of them.
    let tolerance = 3.0 * sigma / (400.0 * (1.0 - share)).sqrt();
    let fit = fit_lognormal(0.0, 1.0, 0.0, &obs).unwrap();
    assert!(
        (fit.mu - mu_true).abs() < tolerance,
        "censored fit {} vs {}",
        fit.mu.exp(),
        mu_true.exp()
    );
    assert!(
        (fit.sigma / sigma - 1.0).abs() < 0.15,
        "σ {} vs {sigma}",
        fit.sigma
    );
    // Dropping the censored rows keeps the quick restores: biased low.
    let kept: Vec<Obs> = obs.iter().copied().filter(|o| !o.censored).collect();
    let dropped = fit_lognormal(0.0, 1.0, 0.0, &kept).unwrap();
    // Taking "still running at t" as "took t": biased low too.
    let trusted: Vec<Obs> = obs
        .iter()
        .map(|o| Obs {
            hours: o.hours,
            censored: false,
        })
        .collect();
    let naive = fit_lognormal(0.0, 1.0, 0.0, &trusted).unwrap();
    for (what, biased) in [("dropped", dropped), ("trusted", naive)] {
        assert!(
            mu_true - biased.mu > 2.0 * tolerance,
            "{what}: median {} is not clearly below 8h",
            biased.mu.exp()
        );
    }
}

#[test]
fn kaplan_meier_reads_quantiles_through_censoring() {
    let obs = complete(&[1.0, 2.0, 3.0, 4.0]);
    assert_eq!(km_quantile(&obs, 0.5), Some(2.0));
    assert_eq!(km_quantile(&obs, 0.9), Some(4.0));
    // A censoring at 1.5h: 3 left at risk, each completion removes a third
    // of what survives.
    let mut c = complete(&[1.0, 2.0, 3.0, 4.0]);
    c[1] = Obs {
        hours: 1.5,
        censored: true,
    };
    // S(1) = 3/4; S(3) = 3/4 * 1/2 = 3/8: the median is 3h.
    assert_eq!(km_quantile(&c, 0.5), Some(3.0));
    // All after 1h censored: the median is unknown.
    let all = [
        Obs {
            hours: 1.0,
            censored: false,
        },
        Obs {
            hours: 2.0,
            censored: true,
        },
        Obs {
            hours: 3.0,
            censored: true,
        },
    ];
    assert_eq!(km_quantile(&all, 0.5), None);
}

#[test]
fn binomial_tails_match_their_sums() {
    // P(X >= 7 | n = 9, p = 0.1) = C(9,7) .1^7 .9^2 + C(9,8) .1^8 .9 + .1^9
    let want = 36.0 * 1e-7 * 0.81 + 9.0 * 1e-8 * 0.9 + 1e-9;
    assert!((binomial_upper_tail(9, 7, 0.1) / want - 1.0).abs() < 1e-9);
    assert_eq!(binomial_upper_tail(9, 0, 0.1), 1.0);
    assert!((binomial_upper_tail(1000, 100, 0.1) - 0.515_417_709_565_934_7).abs() < 1e-9);
}

#[test]
fn the_normal_tail_is_accurate_far_out() {
    assert!((normal_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-7);
    assert!((inverse_mills(10.0) - 10.0981).abs() < 1e-3);
}
