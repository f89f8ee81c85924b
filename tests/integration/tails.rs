//! Tails with error bars: the intervals of quantiles and of the loss
//! exceedance curve against closed forms, by their coverage over many
//! seeds.

use super::closed_form::{drill, load};
use super::common::service;
use drsim::sim::{self, Config, NoProgress, RunResults, Sampling};

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

/// A loss of 1,000,000 per strike of a threat that comes every 50 years:
/// the annual loss is L times a Poisson count of mean m = 0.02.
const FIXED_LOSS: &str = "name: Fire every 50 years\nhorizon: 1y\ncomponents:\n  - {id: hall, kind: server}\n  - {id: shop, kind: service, depends_on: [hall], impact: {per_incident: 1000000}}\nthreats:\n  - {id: fire, every: 50y, hits: {components: [hall]}, effect: disrupt, duration: 1h}\n";

/// Floods every 10 years, each costing 1,000 an hour over an exponential
/// duration of mean 10h: the annual loss is compound Poisson (m = 0.1)
/// with exponential amounts of mean 10,000.
const COMPOUND_LOSS: &str = "name: Floods every 10 years\nhorizon: 1y\ncomponents:\n  - {id: hall, kind: server}\n  - {id: shop, kind: service, depends_on: [hall], impact: {per_hour: 1000}}\nthreats:\n  - {id: flood, every: 10y, hits: {components: [hall]}, effect: disrupt, duration: {exp: 10h}}\n";

fn poisson(m: f64, k: u32) -> f64 {
    (0..k).fold((-m).exp(), |p, j| p * m / f64::from(j + 1))
}

/// P(Erlang(k, 1) > t): e^-t Σ_{j<k} t^j / j!.
fn erlang_survival(k: u32, t: f64) -> f64 {
    (0..k).map(|j| poisson(t, j)).sum()
}

/// The compound loss's survival P(X > x) and E[X; X > x] (amounts of mean
/// `theta`, counts of mean `m`): sums over the count, Erlang given it.
fn compound(m: f64, theta: f64, x: f64) -> (f64, f64) {
    (1..60).fold((0.0, 0.0), |(s, e), k| {
        let p = poisson(m, k);
        (
            s + p * erlang_survival(k, x / theta),
            e + p * f64::from(k) * theta * erlang_survival(k + 1, x / theta),
        )
    })
}

/// Asserts that `truth` lies within the interval widened by its own
/// width on each side (about four standard errors) and that the interval
/// is narrow enough, relative to `truth`, for that to test something.
fn assert_within(label: &str, value: f64, ci: drsim::stats::QuantileCi, truth: f64, max_rel: f64) {
    let hi = ci.hi.unwrap_or_else(|| panic!("{label}: no upper bound"));
    let width = hi - ci.lo;
    eprintln!(
        "{label}: {value:.1} ({:.1} – {hi:.1}), exact {truth:.1}",
        ci.lo
    );
    assert!(
        ci.lo <= value && value <= hi,
        "{label}: {value} outside its interval"
    );
    assert!(
        width <= max_rel * truth,
        "{label}: interval {width} too wide to test"
    );
    assert!(
        ci.lo - width <= truth && truth <= hi + width,
        "{label}: {value} ({} – {hi}) is far from {truth}",
        ci.lo
    );
}

/// A run of one year, by rare-event sampling (the default) or plainly.
fn year(s: &drsim::scenario::Scenario, trials: u64, seed: u64, plain: bool) -> RunResults {
    let config = Config::new(trials, seed, 0).unwrap().with_plain(plain);
    sim::run(s, Some(8760.0), &config, &NoProgress).unwrap()
}

#[test]
fn tails_of_a_fixed_loss_every_50_years() {
    let s = load(FIXED_LOSS);
    for plain in [false, true] {
        let r = year(&s, 100_000, 5, plain);
        assert_eq!(matches!(r.sampling, Sampling::Plain), plain);
        fixed_loss_tails(&r);
    }
}

fn fixed_loss_tails(r: &RunResults) {
    let (l, m) = (1e6, 0.02f64);
    // P(X = 0) = 0.980 < 0.99 and P(X <= L) = 0.9998 > 0.995: the 1-in-100
    // and 1-in-200 losses are L, and the years at least that bad lose
    // L E[N | N >= 1] = L m / (1 - e^-m) on average.
    let tvar = l * m / (1.0 - (-m).exp());
    for t in &r.loss_tail {
        let label = format!("1 in {}", t.one_in);
        match t.one_in {
            10 => {
                // P(X = 0) > 0.9: the 1-in-10 loss is 0, its tail every
                // year: the mean (from bucket values, within resolution).
                assert_eq!(t.tail.var, 0.0);
                let resolution = drsim::stats::RELATIVE_ERROR * r.loss.mean;
                assert!((t.tail.tvar - r.loss.mean).abs() <= resolution);
            }
            _ => {
                assert_within(
                    &format!("{label} var"),
                    t.tail.var,
                    t.tail.var_ci95,
                    l,
                    0.02,
                );
                assert_within(
                    &format!("{label} tvar"),
                    t.tail.tvar,
                    t.tail.tvar_ci95,
                    tvar,
                    0.05,
                );
            }
        }
    }
}

#[test]
fn tails_of_a_compound_poisson_loss() {
    // Every 10 years is not rare (0.1 strikes a year): plain sampling.
    let s = load(COMPOUND_LOSS);
    let r = year(&s, 100_000, 6, false);
    assert_eq!(r.sampling, Sampling::Plain);
    compound_tails(&r, 0.1, 0.25);
    // Every 25 years is: the same tails by rare-event sampling, from a
    // fifth of the trials.
    let rare = load(&COMPOUND_LOSS.replace("every: 10y", "every: 25y"));
    let r = year(&rare, 20_000, 6, false);
    assert!(matches!(
        r.sampling,
        Sampling::RareEvents {
            trials_some: 10_000,
            ..
        }
    ));
    compound_tails(&r, 0.04, 0.25);
}

/// Rare-event sampling is unbiased: with a threat every 25 years, its
/// estimates agree with plain sampling's (means within four standard
/// errors of their difference), and measures the 1-in-100 tail with a
/// narrower interval from the same number of trials.
#[test]
fn rare_event_sampling_agrees_with_plain_sampling_and_narrows_the_tail() {
    let s = load(&COMPOUND_LOSS.replace("every: 10y", "every: 25y"));
    let rare = year(&s, 20_000, 8, false);
    let plain = year(&s, 20_000, 9, true);
    let se = |r: &RunResults| r.loss.half_width / drsim::stats::Z95;
    let gap = (rare.loss.mean - plain.loss.mean).abs();
    let both = (se(&rare).powi(2) + se(&plain).powi(2)).sqrt();
    eprintln!(
        "mean: rare {} plain {} (se {both})",
        rare.loss.mean, plain.loss.mean
    );
    assert!(gap <= 4.0 * both);
    // The exact mean: 0.04 strikes × 10h × 1,000.
    assert!((rare.loss.mean - 400.0).abs() <= 4.0 * se(&rare));
    assert!(
        se(&rare) < 0.6 * se(&plain),
        "{} vs {}",
        se(&rare),
        se(&plain)
    );
    let width = |r: &RunResults| {
        let ci = r.loss_tail[1].tail.var_ci95;
        ci.hi.expect("bounded") - ci.lo
    };
    eprintln!(
        "1-in-100 width: rare {} plain {}",
        width(&rare),
        width(&plain)
    );
    assert!(width(&rare) < 0.7 * width(&plain));
}

fn compound_tails(r: &RunResults, m: f64, max_rel: f64) {
    let theta = 10_000.0;
    for t in r.loss_tail.iter().filter(|t| t.one_in > 10) {
        let level = 1.0 / f64::from(t.one_in);
        // Bisect P(X > x) = level.
        let (mut lo, mut hi) = (0.0, 1e6);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if compound(m, theta, mid).0 > level {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let var = 0.5 * (lo + hi);
        let (survival, beyond) = compound(m, theta, var);
        assert!((survival - level).abs() < 1e-9);
        let label = format!("1 in {}", t.one_in);
        assert_within(
            &format!("{label} var"),
            t.tail.var,
            t.tail.var_ci95,
            var,
            max_rel,
        );
        assert_within(
            &format!("{label} tvar"),
            t.tail.tvar,
            t.tail.tvar_ci95,
            beyond / survival,
            max_rel,
        );
    }
}

/// An option that makes a rare threat rarer is weighed on the same trials
/// as the base, each at its own likelihood ratio: floods every 25 years,
/// each costing 10,000 on average (400 a year), become floods every 100
/// years (100 a year), a change of −300: all three within four standard
/// errors, the change far more precisely than by plain sampling.
#[test]
fn compare_weighs_an_option_that_changes_a_rare_threat() {
    let yaml = format!(
        "{}options:\n  - id: levee\n    cost: {{upfront: 1000, per_year: 10}}\n    lifetime: 5y\n    changes:\n      - set: {{id: flood, every: 100y}}\n",
        COMPOUND_LOSS.replace("every: 10y", "every: 25y")
    );
    let loaded = drsim::scenario::load_str(&yaml, "levee.yaml").unwrap();
    let compare = |plain: bool| {
        let config = Config::new(50_000, 3, 0).unwrap().with_plain(plain);
        sim::compare(
            &loaded.scenario,
            &loaded.options,
            &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
            None,
            &[],
            &config,
            &NoProgress,
        )
        .unwrap()
    };
    let (rare, plain) = (compare(false), compare(true));
    assert!(matches!(rare.sampling, Sampling::RareEvents { .. }));
    let check = |label: &str, c: &sim::Change, exact: f64| {
        let se = (c.ci95[1] - c.ci95[0]) / 2.0 / drsim::stats::Z95;
        eprintln!("{label}: {} (se {se}), exact {exact}", c.mean);
        assert!((c.mean - exact).abs() <= 4.0 * se, "{label}");
        se
    };
    let option = &rare.options[0];
    // Its years are the base's, reweighted: none can be told apart from its
    // pair, so P(better year) is not measured (plainly it is).
    assert!(option.p_better.is_none());
    assert!(plain.options[0].p_better.is_some());
    check("base", &rare.base_ale, 400.0);
    check("with the levee", &option.ale, 100.0);
    let se = check("change", &option.ale_change, -300.0);
    let plain_se = check("change, plain", &plain.options[0].ale_change, -300.0);
    assert!(se < plain_se / 3.0, "{se} vs {plain_se}");
}

/// Running to a precision stops at the first doubling whose interval is
/// narrow enough, and depends only on the seed, not on threads.
#[test]
fn running_to_a_precision_stops_when_the_interval_is_narrow_enough() {
    let s = load(&COMPOUND_LOSS.replace("every: 10y", "every: 25y"));
    let target = Some(sim::Precision {
        relative: 0.05,
        max_trials: 1_000_000,
        of: sim::PrecisionOf::Loss,
    });
    let run = |threads: usize| {
        let config = Config::new(1000, 4, threads)
            .unwrap()
            .with_precision(target.clone());
        sim::run(&s, None, &config, &NoProgress).unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(
        drsim::report::json::render(&one),
        drsim::report::json::render(&two)
    );
    let reached = one.precision.expect("asked for");
    assert!(reached.reached && reached.relative <= 0.05, "{reached:?}");
    // 1,000 rounds up to 1,024, then doubles.
    assert_eq!(one.trials % 1024, 0);
    assert!((one.trials / 1024).is_power_of_two());
    let half = one.loss.half_width / one.loss.mean;
    assert!((half - reached.relative).abs() < 1e-12);
    // One doubling fewer would not have been enough.
    if one.trials > 1024 {
        let fewer = Config::new(one.trials / 2, 4, 0).unwrap();
        let short = sim::run(&s, None, &fewer, &NoProgress).unwrap();
        assert!(short.loss.half_width / short.loss.mean > 0.05);
    }
    // A target out of reach stops at the ceiling, and says so.
    let capped = Config::new(1000, 4, 0)
        .unwrap()
        .with_precision(Some(sim::Precision {
            relative: 0.0001,
            max_trials: 5000,
            of: sim::PrecisionOf::Loss,
        }));
    let r = sim::run(&s, None, &capped, &NoProgress).unwrap();
    assert_eq!(r.trials, 4992);
    assert!(!r.precision.unwrap().reached);
}

/// Floods every 25 years at a hall (1,000 an hour over an exponential
/// duration of mean 10h: 400 a year) and fires every 50 years at another
/// (1,000,000 each: 20,000 a year), behind two services.
const TWO_RARE: &str = "name: Two rare threats\nhorizon: 1y\ncomponents:\n  - {id: hall, kind: server}\n  - {id: annex, kind: server}\n  - {id: shop, kind: service, depends_on: [hall], impact: {per_hour: 1000}}\n  - {id: vault, kind: service, depends_on: [annex], impact: {per_incident: 1000000}}\nthreats:\n  - {id: flood, every: 25y, hits: {components: [hall]}, effect: disrupt, duration: {exp: 10h}}\n  - {id: fire, every: 50y, hits: {components: [annex]}, effect: disrupt, duration: 1h}\noptions:\n  - id: levee\n    cost: {upfront: 1000, per_year: 10}\n    lifetime: 5y\n    changes:\n      - set: {id: flood, every: 100y}\n";

/// With two rare threats the rare trials are shared between two strata
/// (fire first: it makes the loss vary most) by a pilot, and every
/// estimate stays unbiased: each service's expected loss and P(affected),
/// the total's 1-in-100 loss (the fire's 1,000,000: P(X ≥ 10⁶) = 1.98%
/// while P(X > 10⁶) = 0.1%) and the mean of the years at least that bad
/// (400 + 10⁶ m / (1 − e^-m), m = 0.02), and an option that makes the
/// floods rarer (−300 a year), each within four standard errors.
#[test]
fn two_rare_threats_share_the_rare_trials_by_a_pilot_and_stay_unbiased() {
    let loaded = drsim::scenario::load_str(TWO_RARE, "two.yaml").unwrap();
    let s = &loaded.scenario;
    let r = year(s, 64_000, 11, false);
    let Sampling::RareEvents {
        strata,
        pilot_trials,
        ..
    } = &r.sampling
    else {
        panic!("rare-event sampling: {:?}", r.sampling);
    };
    assert_eq!(*pilot_trials, 128);
    let names: Vec<&str> = strata.iter().map(|s| s.threats[0].as_str()).collect();
    assert_eq!(names, ["fire", "flood"]);
    assert_eq!(strata.iter().map(|s| s.trials).sum::<u64>(), 32_000);
    assert!(strata[0].trials > strata[1].trials, "{strata:?}");
    let (m_flood, m_fire) = (0.04f64, 0.02f64);
    // Fire first: P(fire) then P(no fire, flood).
    assert!((strata[0].probability + (-m_fire).exp_m1()).abs() < 1e-15);
    assert!((strata[1].probability - (-m_fire).exp() * -(-m_flood).exp_m1()).abs() < 1e-15);
    let within = |label: &str, mean: f64, half: f64, exact: f64| {
        let se = half / drsim::stats::Z95;
        eprintln!("{label}: {mean} (se {se}), exact {exact}");
        assert!((mean - exact).abs() <= 4.0 * se, "{label}");
    };
    let shop = service(&r, "shop");
    let vault = service(&r, "vault");
    within("shop loss", shop.loss.mean, shop.loss.half_width, 400.0);
    within(
        "vault loss",
        vault.loss.mean,
        vault.loss.half_width,
        1e6 * m_fire,
    );
    let affected = |p: &drsim::stats::Proportion, exact: f64| {
        eprintln!("affected {p:?}, exact {exact}");
        assert!(p.ci95[0] <= exact && exact <= p.ci95[1]);
    };
    affected(&shop.affected, -(-m_flood).exp_m1());
    affected(&vault.affected, -(-m_fire).exp_m1());
    let tail = r.loss_tail.iter().find(|t| t.one_in == 100).unwrap();
    assert_within("1 in 100 var", tail.tail.var, tail.tail.var_ci95, 1e6, 0.01);
    let tvar = 400.0 + 1e6 * m_fire / -(-m_fire).exp_m1();
    assert_within(
        "1 in 100 tvar",
        tail.tail.tvar,
        tail.tail.tvar_ci95,
        tvar,
        0.05,
    );

    let config = Config::new(64_000, 12, 0).unwrap();
    let c = sim::compare(
        s,
        &loaded.options,
        &drsim::sim::Plan::of(s, &loaded.options),
        None,
        &[],
        &config,
        &NoProgress,
    )
    .unwrap();
    let change = &c.options[0].ale_change;
    within(
        "levee change",
        change.mean,
        (change.ci95[1] - change.ci95[0]) / 2.0,
        -300.0,
    );
}

/// A service that needs one of three replicas, each hit with chance 1%
/// (and, in the second case, a fourth hit with chance 1/2).
const THREE_REPLICAS: &str = "name: Three replicas\ncomponents:\n  - {id: a, kind: database, repair: 4h}\n  - {id: b, kind: database, repair: 4h}\n  - {id: c, kind: database, repair: 4h}\n  - {id: d, kind: database, repair: 4h}\n  - {id: shop, kind: service, depends_on: [{at_least: 1, of: [a, b, c]}], rto: 2h}\n  - {id: till, kind: service, depends_on: [{at_least: 1, of: [a, b, c, d]}], rto: 2h}\nthreats:\n  - id: patch\n    effect: damage\n    hits:\n      - {components: [a, b, c], chance: 0.01}\n      - {components: [d], chance: 0.5}\n";

/// Rare hits in a drill: P(all three replicas hit) = 1e-6 is measured by
/// stratifying on the number of rare hits, within 20% with an interval
/// that covers it, at 100,000 trials (plain sampling would most likely
/// see no such trial); with a fourth, common hit also needed
/// (P = 5e-7) the estimate has a spread of its own and lies within four
/// standard errors of the truth.
#[test]
fn a_drill_measures_a_one_in_a_million_coincidence_of_rare_hits() {
    let s = load(THREE_REPLICAS);
    let d = drill(&s, "patch", 100_000, 21);
    let Sampling::RareHits {
        strata, targets, ..
    } = &d.sampling
    else {
        panic!("rare-hit sampling: {:?}", d.sampling);
    };
    assert_eq!(targets.len(), 3);
    assert_eq!(strata.len(), 3);
    assert!(strata[2].or_more && strata[2].hits == 3);
    let shop = service(&d, "shop").affected;
    eprintln!("shop affected {shop:?}");
    assert!((shop.p - 1e-6).abs() <= 0.2e-6, "{shop:?}");
    assert!(shop.ci95[0] <= 1e-6 && 1e-6 <= shop.ci95[1], "{shop:?}");
    let till = service(&d, "till").affected;
    let se = (till.ci95[1] - till.ci95[0]) / 2.0 / drsim::stats::Z95;
    eprintln!("till affected {till:?} (se {se})");
    assert!(
        (till.p - 5e-7).abs() <= 4.0 * se && se < 0.1 * 5e-7,
        "{till:?}"
    );
    // Plainly, the same drill sees the replicas all hit in about 0.1 of
    // its 100,000 trials: most likely none.
    let config = Config::new(100_000, 21, 0).unwrap().with_plain(true);
    let plain = sim::drill(&s, "patch", &config, &NoProgress).unwrap();
    assert_eq!(plain.sampling, Sampling::Plain);
    assert_eq!(service(&plain, "shop").affected.p, 0.0);
}

/// A drill run to a precision of a service's P(RTO met) (`rto:SERVICE`):
/// it stops at the first doubling whose interval of that probability is
/// within 5% of it, the same on any thread count, and one doubling fewer
/// would not have been enough.
#[test]
fn a_drill_runs_to_the_precision_of_a_chance_of_meeting_the_rto() {
    // A repair of a lognormal [1h, 9h] against an RTO of 6h: met in about
    // 84% of trials.
    let s = load(&ONE_REPAIR.replace("depends_on: [db]}", "depends_on: [db], rto: 6h}"));
    let config = |trials: u64, threads: usize, precision: Option<sim::Precision>| {
        Config::new(trials, 5, threads)
            .unwrap()
            .with_precision(precision)
    };
    let target = sim::Precision {
        relative: 0.005,
        max_trials: 1_000_000,
        of: sim::PrecisionOf::RtoMet("shop".into()),
    };
    let drill = |c: Config| sim::drill(&s, "crash", &c, &NoProgress).unwrap();
    let one = drill(config(100, 1, Some(target.clone())));
    let two = drill(config(100, 2, Some(target.clone())));
    assert_eq!(
        drsim::report::json::render(&one),
        drsim::report::json::render(&two)
    );
    let reached = one.precision.clone().expect("asked for");
    assert_eq!(reached.of, "P(RTO met) for shop");
    let met = service(&one, "shop").rto_met.unwrap();
    let relative = (met.ci95[1] - met.ci95[0]) / 2.0 / met.p;
    assert!(reached.reached && relative <= 0.005, "{reached:?}");
    assert!((relative - reached.relative).abs() < 1e-12);
    let fewer = drill(config(one.trials / 2, 0, None));
    let met = service(&fewer, "shop").rto_met.unwrap();
    assert!((met.ci95[1] - met.ci95[0]) / 2.0 / met.p > 0.005);
    // A service the scenario lacks is refused before any trial runs.
    let bad = sim::Precision {
        of: sim::PrecisionOf::RtoMet("till".into()),
        ..target
    };
    let err = sim::drill(&s, "crash", &config(100, 0, Some(bad)), &NoProgress).unwrap_err();
    assert!(
        err.to_string().contains("services in this scenario: shop"),
        "{err}"
    );
}

/// A server that fails every 100 hours behind a service charging 1,000
/// per outage, and a threat striking half a year another server behind a
/// service charging 7,000 per outage: the costliest single incident of a
/// year is 7,000 when the threat struck (P = 1 − e^-0.5) and 1,000
/// otherwise (some failure is all but certain), while all of a year's
/// losses together come to about 88,000.
const TWO_KINDS_OF_INCIDENT: &str = "name: Incidents\nhorizon: 1y\ncomponents:\n  - {id: box, kind: server, repair: 1h, failures: [{every: 100h}]}\n  - {id: vault, kind: server}\n  - {id: shop, kind: service, depends_on: [box], impact: {per_incident: 1000}}\n  - {id: safe, kind: service, depends_on: [vault], impact: {per_incident: 7000}}\nthreats:\n  - {id: raid, per_year: 0.5, hits: {components: [vault]}, effect: disrupt, duration: 1h}\n";

/// The occurrence curve and tails are those of the costliest single
/// incident, not of the year's losses together.
#[test]
fn the_occurrence_curve_is_the_costliest_single_incident() {
    let s = load(TWO_KINDS_OF_INCIDENT);
    let r = year(&s, 40_000, 13, false);
    assert_eq!(r.sampling, Sampling::Plain);
    let struck = -(-0.5f64).exp_m1();
    // P(costliest incident > x) for 1,000 < x < 7,000.
    let between: Vec<_> = r
        .occurrence_exceedance
        .iter()
        .filter(|p| p.loss > 1100.0 && p.loss < 6900.0)
        .collect();
    assert!(!between.is_empty());
    for p in between {
        assert!(
            p.ci95[0] <= struck && struck <= p.ci95[1],
            "{p:?} vs {struck}"
        );
    }
    // Nothing above 7,000 (within the sketch's resolution).
    let above = r.occurrence_exceedance.iter().filter(|p| p.loss > 7100.0);
    assert!(above.into_iter().all(|p| p.p == 0.0));
    for t in &r.occurrence_tail {
        // P(L ≥ 7,000) = 39% > 10%: every level's loss is 7,000, and so is
        // the mean of the years at least that bad.
        assert_within(
            &format!("1 in {} occurrence", t.one_in),
            t.tail.var,
            t.tail.var_ci95,
            7000.0,
            0.02,
        );
        assert!(
            (t.tail.tvar - 7000.0).abs() <= 7000.0 * 0.006,
            "{:?}",
            t.tail
        );
    }
    // The aggregate 1-in-10 loss is tens of thousands.
    assert!(r.loss_tail[0].tail.var > 50_000.0, "{:?}", r.loss_tail[0]);
}

/// Under rare-event sampling a rare threat's rate changes the trials'
/// weights, not their outcomes: sensitivity still ranks its frequency
/// (halved and doubled: the fire's 20,000 a year swings by 30,000, the
/// flood's 400 by 600), each within four standard errors.
#[test]
fn sensitivity_ranks_the_frequency_of_a_rare_threat() {
    let loaded = drsim::scenario::load_str(TWO_RARE, "two.yaml").unwrap();
    let config = Config::new(64_000, 14, 0).unwrap();
    let r = sim::sensitivity(
        &loaded.scenario,
        &sim::Metric::Ale,
        None,
        &config,
        &NoProgress,
    )
    .unwrap();
    assert!(matches!(r.sampling, Sampling::RareEvents { .. }));
    for (threat, swing) in [("fire", 30_000.0), ("flood", 600.0)] {
        let input = r
            .inputs
            .iter()
            .find(|i| matches!(&i.input, sim::Input::ThreatFrequency { threat: t } if t == threat))
            .unwrap_or_else(|| panic!("{threat}'s frequency is ranked"));
        let d = &input.difference;
        let se = (d.ci95[1] - d.ci95[0]) / 2.0 / drsim::stats::Z95;
        eprintln!("{threat}: {} (se {se}), exact {swing}", d.mean);
        assert!(input.changed_trials > 0);
        assert!((d.mean - swing).abs() <= 4.0 * se, "{threat}");
    }
}

/// An option that makes a rare threat common (floods every 25 years ->
/// twice a year) is weighed on trials drawn at its own rate (the design
/// covers the options' rates), so its interval still covers the truth:
/// 2 × 10h × 1,000 = 20,000 a year, over eight seeds.
#[test]
fn an_option_that_makes_a_rare_threat_common_keeps_honest_intervals() {
    let yaml = format!(
        "{}options:\n  - id: neglect\n    cost: {{per_year: 10}}\n    changes:\n      - set: {{id: flood, every: 4380h}}\n",
        COMPOUND_LOSS.replace("every: 10y", "every: 25y")
    );
    let loaded = drsim::scenario::load_str(&yaml, "neglect.yaml").unwrap();
    let mut covered = 0;
    for seed in 0..8 {
        let config = Config::new(20_000, seed, 0).unwrap();
        let c = sim::compare(
            &loaded.scenario,
            &loaded.options,
            &drsim::sim::Plan::of(&loaded.scenario, &loaded.options),
            None,
            &[],
            &config,
            &NoProgress,
        )
        .unwrap();
        let ale = &c.options[0].ale;
        covered += u32::from(ale.ci95[0] <= 20_000.0 && 20_000.0 <= ale.ci95[1]);
        // Its years cannot be paired with the base's one by one.
        assert!(c.options[0].p_better.is_none() || matches!(c.sampling, Sampling::Plain));
    }
    assert!(covered >= 6, "{covered} of 8");
}
