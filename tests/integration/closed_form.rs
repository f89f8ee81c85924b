//! The engine against answers derived on paper.
//!
//! Every test runs a small scenario at a fixed seed and compares a mean (or
//! a proportion) with a closed form. The tolerance is four standard errors
//! of the estimate, plus, only where the closed form is asymptotic, a small
//! bias allowance stated next to its derivation. Each test also checks that
//! the reported interval is honest: as narrow as the test needs (so the
//! comparison means something) and, where the spread is known exactly, not
//! narrower than the spread of the sample allows.

use super::common::service;
use drsim::graph::DependencyGraph;
use drsim::scenario::{self, Scenario};
use drsim::sim::{self, Config, DrillResults, Mode, Model, NoProgress, RunResults, Trial};
use drsim::stats::{Proportion, Summary, Z95};
use std::f64::consts::PI;

/// Hours in a year (`1y` is 365 days).
const YEAR: f64 = 8760.0;

pub(super) fn load(yaml: &str) -> Scenario {
    let loaded = scenario::load_str(yaml, "closed_form.yaml").expect("the test scenario is valid");
    assert!(
        loaded.warnings.is_empty(),
        "unexpected warnings: {:?}",
        loaded.warnings
    );
    loaded.scenario
}

fn config(trials: u64, seed: u64) -> Config {
    Config::new(trials, seed, 0).expect("at least 2 trials")
}

pub(super) fn drill(s: &Scenario, threat: &str, trials: u64, seed: u64) -> DrillResults {
    sim::drill(s, threat, &config(trials, seed), &NoProgress).expect("the drill runs")
}

pub(super) fn run(s: &Scenario, horizon: f64, trials: u64, seed: u64) -> RunResults {
    sim::run(s, Some(horizon), &config(trials, seed), &NoProgress).expect("the run runs")
}

/// The standard error behind a summary's 95% normal interval (before it
/// was cut to the quantity's range).
fn standard_error(s: &Summary) -> f64 {
    s.half_width / Z95
}

/// Asserts |mean − expected| <= 4 se + `bias` and se <= `max_se`.
pub(super) fn assert_mean(label: &str, s: &Summary, expected: f64, bias: f64, max_se: f64) {
    let se = standard_error(s);
    eprintln!(
        "{label}: mean {:.6} (se {se:.3e}), expected {expected:.6}, bias allowance {bias:.1e}",
        s.mean
    );
    assert!(
        se <= max_se,
        "{label}: the interval is too wide to test anything: se {se:.3e} > {max_se:.3e}"
    );
    assert!(
        (s.mean - expected).abs() <= 4.0 * se + bias,
        "{label}: mean {} is {:.2} standard errors from {expected} (se {se:.3e}, bias allowance {bias:.1e})",
        s.mean,
        (s.mean - expected) / se
    );
}

/// Asserts that the reported standard error matches a known standard
/// deviation `sd` of one sample: a sample of `n` has se = sd / sqrt(n),
/// and the estimated sd is within a few percent of the true one at the
/// sample sizes used here.
fn assert_honest_se(label: &str, s: &Summary, sd: f64, n: u64) {
    let se = standard_error(s);
    let want = sd / (n as f64).sqrt();
    assert!(
        (se / want - 1.0).abs() < 0.1,
        "{label}: se {se:.4e}, but a sample of {n} with sd {sd:.4} has se {want:.4e}"
    );
}

/// Asserts a proportion is within 4 binomial standard errors of `expected`
/// (exactly equal when `expected` is 0 or 1) and that its Wilson interval
/// is about as wide as the binomial one.
pub(super) fn assert_prob(label: &str, p: &Proportion, expected: f64, n: u64) {
    let se = (expected * (1.0 - expected) / n as f64).sqrt();
    eprintln!(
        "{label}: p {:.6} [{:.6}, {:.6}], expected {expected:.6} (se {se:.3e})",
        p.p, p.ci95[0], p.ci95[1]
    );
    if se == 0.0 {
        assert_eq!(p.p, expected, "{label}");
        return;
    }
    assert!(
        (p.p - expected).abs() <= 4.0 * se,
        "{label}: p {} is {:.2} standard errors from {expected} (se {se:.3e})",
        p.p,
        (p.p - expected) / se
    );
    let width = p.ci95[1] - p.ci95[0];
    assert!(
        width <= 2.0 * Z95 * se * 1.1 && width >= 2.0 * Z95 * se * 0.9,
        "{label}: Wilson interval {:?} is not about {:.3e} wide",
        p.ci95,
        2.0 * Z95 * se
    );
    assert!(p.ci95[0] <= p.p && p.p <= p.ci95[1], "{label}: {p:?}");
}

/// Simpson's rule average of `f` over [0, `horizon`] (`steps` even).
fn average_over(horizon: f64, steps: usize, f: impl Fn(f64) -> f64) -> f64 {
    assert!(steps.is_multiple_of(2));
    let h = horizon / steps as f64;
    let inner: f64 = (1..steps)
        .map(|i| f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (f(0.0) + inner + f(horizon)) * h / 3.0 / horizon
}

/// Case 1: A Weibull time to failure, renewed after each repair, in `run`.
///
/// One server fails after X ~ Weibull(shape 2, scale 1000h) of uptime and
/// takes a fixed 10h to repair; the next X starts at the repair. Cycles
/// C = X + 10 form an ordinary renewal process with
///   mu = E[C] = 1000 Γ(3/2) + 10 = 500 √π + 10 = 896.2269h,
///   σ² = Var C = Var X = 1000² (Γ(2) − Γ(3/2)²) = 10⁶ (1 − π/4).
/// Long-run availability: E[X] / (E[X] + 10) = 0.988842.
///
/// Start-up correction over a finite horizon T (the server starts new):
/// the k-th failure is at F_k = S_k − 10 (S_k the k-th renewal), so the
/// failures by t number M(t) = N(t + 10), and the renewal expansion
///   E N(t) = t / mu + κ + o(1),   κ = (σ² − mu²) / (2 mu²) = −0.3664,
/// gives E[outages] = E M(T) = (T + 10) / mu + κ. Failures are more than 10h
/// apart, so P(down at t) = m(t) − m(t − 10) and
///   E[downtime] = ∫_{T−10}^{T} m(t) dt = 10 (T + 5) / mu + 10 κ,
/// about 3.6h less than T (1 − A): the availability is biased up by
/// 3.6h / T = 8.2e-6 at T = 50y. That correction is in the expected
/// value; the o(1) remainder of the renewal expansion (which decays
/// geometrically over ~490 cycles of a smooth distribution) is given an
/// allowance of 1h / T = 2.3e-6 on the availability and 0.05 on the
/// number of outages.
#[test]
fn weibull_failures_renew_after_repair() {
    let s = load(
        "name: Weibull server
components:
  - id: server
    kind: server
    failures:
      - after: {weibull: {shape: 2, scale: 1000h}}
    repair: 10h
  - id: app
    kind: service
    depends_on: [server]
",
    );
    let horizon = 50.0 * YEAR;
    let trials = 4000;
    let r = run(&s, horizon, trials, 11);
    let app = service(&r, "app");

    let ttf = 500.0 * PI.sqrt();
    let mu = ttf + 10.0;
    let var = 1e6 * (1.0 - PI / 4.0);
    let kappa = (var - mu * mu) / (2.0 * mu * mu);
    let steady = ttf / mu;
    let downtime = 10.0 * (horizon + 5.0) / mu + 10.0 * kappa;
    let availability = 1.0 - downtime / horizon;
    assert!((steady - 0.988_842).abs() < 1e-6);

    // sd of one trial's availability: 10h × sd N(T) / T with
    // Var N(T) ≈ T σ² / mu³ = 131, i.e. 2.6e-4; se ≈ 4.1e-6 at 4000 trials.
    let a = app.detail.availability;
    assert_mean(
        "weibull availability",
        &a,
        availability,
        1.0 / horizon,
        6e-6,
    );
    // The start-up bias is real and in the right direction, but small.
    assert!(availability > steady && availability - steady < 1e-5);
    assert_mean(
        "weibull downtime",
        &app.downtime_h,
        downtime,
        1.0,
        6e-6 * horizon,
    );
    let outages = app.detail.outages;
    assert_mean(
        "weibull outages",
        &outages,
        (horizon + 10.0) / mu + kappa,
        0.05,
        0.3,
    );
    // A failure every ~896h: about 489 in 50 years, not the 438 an
    // exponential with the Weibull's scale (1000h) would give.
    assert!((horizon / mu - 488.72).abs() < 0.01);
}

/// Case 2: Repairs at two levels of a chain shop -> app -> db -> storage.
///
/// Unlimited hands, so the repairs run in parallel and the service is back
/// when the last one is done: recovery R = max of the repair times.
/// - storage ~ Exp(mean 2h) and app ~ Exp(mean 3h):
///   E[R] = 2 + 3 − 1/(1/2 + 1/3) = 3.8h; E[R²] = 2·2² + 2·3² − 2·1.2² =
///   23.12, so sd = √(23.12 − 3.8²) = √8.68; P(R <= 4h) = (1 − e^{−2})(1 −
///   e^{−4/3}) = 0.636742.
/// - storage ~ Exp(mean 2h) and db fixed 1h: R = max(1, S),
///   E[R] = 1 + E[(S − 1)+] = 1 + 2 e^{−1/2} = 2.213061;
///   E[R²] = P(S <= 1) + E[S²; S > 1] = (1 − e^{−1/2}) + 13 e^{−1/2}, so
///   Var R = 1 + 12 e^{−1/2} − E[R]²; P(R <= 4h) = 1 − e^{−2}.
#[test]
fn chain_recovers_when_the_slowest_level_is_repaired() {
    let s = load(
        "name: Three-level chain
components:
  - {id: storage, kind: storage, repair: {exp: 2h}}
  - {id: db, kind: database, depends_on: [storage], repair: 1h}
  - {id: app, kind: application, depends_on: [db], repair: {exp: 3h}}
  - {id: shop, kind: service, depends_on: [app], rto: 4h}
threats:
  - {id: storage-and-app, hits: {components: [storage, app]}, effect: damage}
  - {id: storage-and-db, hits: {components: [storage, db]}, effect: damage}
",
    );
    let trials = 100_000;

    let r = drill(&s, "storage-and-app", trials, 21);
    let shop = service(&r, "shop");
    let recovery = shop.detail.recovery_h;
    let sd = (23.12f64 - 3.8 * 3.8).sqrt();
    assert_mean("chain max(exp 2h, exp 3h)", &recovery, 3.8, 0.0, 0.011);
    assert_honest_se("chain max(exp 2h, exp 3h)", &recovery, sd, trials);
    // One outage from t = 0 to the recovery.
    assert_eq!(shop.downtime_h.mean, recovery.mean);
    assert_prob("chain affected", &shop.affected, 1.0, trials);
    let rto = (1.0 - (-2.0f64).exp()) * (1.0 - (-4.0f64 / 3.0).exp());
    assert_prob(
        "chain P(max(exp 2h, exp 3h) <= 4h)",
        &shop.rto_met.expect("rto is set"),
        rto,
        trials,
    );

    let r = drill(&s, "storage-and-db", trials, 22);
    let shop = service(&r, "shop");
    let recovery = shop.detail.recovery_h;
    let e = (-0.5f64).exp();
    let mean = 1.0 + 2.0 * e;
    let sd = (1.0 + 12.0 * e - mean * mean).sqrt();
    assert_mean("chain max(exp 2h, 1h)", &recovery, mean, 0.0, 0.007);
    assert_honest_se("chain max(exp 2h, 1h)", &recovery, sd, trials);
    assert!(recovery.max > 1.0 && (recovery.ci95[0] - 1.0) > 0.0);
    assert_prob(
        "chain P(max(exp 2h, 1h) <= 4h)",
        &shop.rto_met.expect("rto is set"),
        1.0 - (-2.0f64).exp(),
        trials,
    );
}

/// Case 3: A failover group whose standby is down too.
///
/// `failover: [db-a, db-b]`, switchover 30m, lag 6m. The drill damages both:
/// db-a takes a fixed 4h, db-b B ~ Exp(mean 1h). No member is available, so
/// the group waits (spec section 4):
/// - B < 3.5h: db-b is back first, a switchover to it starts at B and
///   completes at B + 0.5 < 4h, before db-a returns;
/// - 3.5h <= B < 4h: the switchover would end after 4h, so db-a's return at
///   4h drops it and the group holds again at once at 4h;
/// - B >= 4h: db-a (the old active member) is back first: holds at 4h.
///
/// So R = min(4, B + 0.5) = 0.5 + V with V = min(B, 3.5):
///   E[R] = 0.5 + (1 − e^{−3.5}) = 1.469803,
///   E[V²] = 2 − 9 e^{−3.5}, Var R = E[V²] − E[V]²;
///   P(R <= 2h) = P(B <= 1.5) = 1 − e^{−1.5} = 0.776870;
///   median 0.5 + ln 2; P(R = 4) = e^{−3.5} = 0.030 > 1%, so p99 = 4h.
/// Data loss: the lag (0.1h) once per completed switchover, which happens
/// iff B < 3.5: E[loss] = 0.1 (1 − e^{−3.5}), sd 0.1 √(p (1 − p)).
#[test]
fn failover_waits_for_whichever_member_returns_first() {
    let s = load(
        "name: Failover onto a standby that is down too
components:
  - {id: db-a, kind: database, repair: 4h}
  - {id: db-b, kind: database, repair: {exp: 1h}}
  - id: orders
    kind: service
    depends_on: [{failover: [db-a, db-b], switchover: 30m, lag: 6m}]
    rto: 2h
threats:
  - {id: both-down, hits: {components: [db-a, db-b]}, effect: damage}
",
    );
    let trials = 100_000;
    let r = drill(&s, "both-down", trials, 31);
    let orders = service(&r, "orders");
    let recovery = orders.detail.recovery_h;

    let tail = (-3.5f64).exp();
    let mean = 1.5 - tail;
    let var = 2.0 - 9.0 * tail - (1.0 - tail) * (1.0 - tail);
    assert_mean("failover recovery", &recovery, mean, 0.0, 0.0035);
    assert_honest_se("failover recovery", &recovery, var.sqrt(), trials);
    assert!(
        recovery.max <= 4.0 + 1e-12,
        "never later than db-a's return"
    );
    // Quantiles come from a streaming sketch with a stated relative error.
    let rel = drsim::stats::RELATIVE_ERROR;
    assert!(
        (recovery.p99 - 4.0).abs() <= rel * 4.0 + 1e-12,
        "p99 {}",
        recovery.p99
    );
    // Median: se of a quantile = √(p(1−p)/n) / density = 0.5 / √n / 0.5.
    let median = 0.5 + 2f64.ln();
    let median_se = 1.0 / (trials as f64).sqrt();
    eprintln!("failover median {} expected {median}", recovery.p50);
    assert!((recovery.p50 - median).abs() <= 4.0 * median_se + rel * median);
    assert_prob(
        "failover P(R <= 2h)",
        &orders.rto_met.expect("rto is set"),
        1.0 - (-1.5f64).exp(),
        trials,
    );

    let switched = 1.0 - tail;
    assert_mean(
        "failover lag data loss",
        &orders.data_loss_h,
        0.1 * switched,
        0.0,
        0.0006,
    );
    assert_honest_se(
        "failover lag data loss",
        &orders.data_loss_h,
        0.1 * (switched * (1.0 - switched)).sqrt(),
        trials,
    );
    assert_eq!(orders.data_loss_h.max, 0.1, "one switchover at most");
}

/// Case 4: A team of two with three repairs of Exp(mean 2h), all ready at
/// t = 0, and a service that needs all three.
///
/// Two repairs start at 0; the first of them finishes after
/// E1 = min of two Exp(rate 1/2) ~ Exp(rate 1) (mean 1h). The third starts
/// then; by memorylessness the unfinished one has a fresh Exp(mean 2h) left,
/// so the rest takes M = max of two iid Exp(mean 2h) = Exp(rate 1) + Exp(rate
/// 1/2) (mean 1 + 2 = 3h). Recovery T = E1 + E1' + Y with E1, E1' ~ Exp(1),
/// Y ~ Exp(1/2), independent:
///   E[T] = 1 + 1 + 2 = 4h,  Var T = 1 + 1 + 4 = 6,
///   P(T > t) = 4 e^{−t/2} − (t + 3) e^{−t}  (Erlang-2 convolved with Y;
///   check: 1 at t = 0, integral 8 − 4 = 4),
///   P(T <= 4h) = 1 − 4 e^{−2} + 7 e^{−4} = 0.586868.
#[test]
fn two_engineers_share_three_repairs() {
    let s = load(
        "name: Two engineers, three repairs
teams: [{id: ops, size: 2}]
components:
  - {id: c1, kind: server, team: ops, repair: {exp: 2h}}
  - {id: c2, kind: server, team: ops, repair: {exp: 2h}}
  - {id: c3, kind: server, team: ops, repair: {exp: 2h}}
  - {id: svc, kind: service, depends_on: [c1, c2, c3], rto: 4h}
threats:
  - {id: storm, hits: {components: [c1, c2, c3]}, effect: damage}
",
    );
    let trials = 100_000;
    let r = drill(&s, "storm", trials, 41);
    let svc = service(&r, "svc");
    let recovery = svc.detail.recovery_h;
    assert_mean("team of two recovery", &recovery, 4.0, 0.0, 0.009);
    assert_honest_se("team of two recovery", &recovery, 6f64.sqrt(), trials);
    // Unlimited hands would give E[max of three] = 2 (1 + 1/2 + 1/3) = 3.67h
    // and one engineer 6h: the test separates both by > 40 se.
    assert!(recovery.ci95[0] > 3.95 && recovery.ci95[1] < 4.05);
    assert_prob(
        "team of two P(T <= 4h)",
        &svc.rto_met.expect("rto is set"),
        1.0 - 4.0 * (-2.0f64).exp() + 7.0 * (-4.0f64).exp(),
        trials,
    );
}

/// Case 5: Two of three independent servers in `run`.
///
/// Each server fails after Exp(mean 500h) of uptime and is repaired in
/// Exp(mean 20h) by its own hands: a two-state Markov chain, λ = 1/500,
/// μ = 1/20, s = λ + μ, started up. Its point availability is
///   p(t) = μ/s + (λ/s) e^{−st}   (steady state A = 500/520),
/// and, the servers being independent, the 2-of-3 service is up with
/// probability f(p) = p³ + 3p²(1 − p) = 3p² − 2p³ (steady state 0.995676).
///   E[availability over T] = (1/T) ∫_0^T f(p(t)) dt,
/// and outages start at the rate at which the chain leaves "exactly two
/// up" (the third server failing): 2λ · 3 p² (1 − p), so
///   E[outages] = ∫_0^T 6 λ p(t)² (1 − p(t)) dt.
/// Both integrals are exact; Simpson's rule with 20000 steps evaluates them
/// to far below the standard error. The start-up transient is worth about
/// +1.9e-5 of availability over one year.
#[test]
fn two_of_three_servers_availability() {
    let s = load(
        "name: Two of three
components:
  - {id: s1, kind: server, failures: [{every: 500h}], repair: {exp: 20h}}
  - {id: s2, kind: server, failures: [{every: 500h}], repair: {exp: 20h}}
  - {id: s3, kind: server, failures: [{every: 500h}], repair: {exp: 20h}}
  - id: web
    kind: service
    depends_on: [{at_least: 2, of: [s1, s2, s3]}]
",
    );
    let horizon = YEAR;
    let trials = 20_000;
    let r = run(&s, horizon, trials, 51);
    let web = service(&r, "web");

    let (lambda, mu) = (1.0 / 500.0, 1.0 / 20.0);
    let point = |t: f64| mu / (lambda + mu) + lambda / (lambda + mu) * (-(lambda + mu) * t).exp();
    let availability = average_over(horizon, 20_000, |t| {
        let p = point(t);
        3.0 * p * p - 2.0 * p * p * p
    });
    let outages = horizon
        * average_over(horizon, 20_000, |t| {
            let p = point(t);
            6.0 * lambda * p * p * (1.0 - p)
        });
    let a = mu / (lambda + mu);
    let steady = 3.0 * a * a - 2.0 * a * a * a;
    assert!((steady - 0.995_676).abs() < 1e-6);
    assert!(availability > steady && availability - steady < 3e-5);

    // One year holds ~3.7 outages of ~10h: sd of a trial's availability
    // ≈ √(3.7 · 200) / 8760 ≈ 3.1e-3, se ≈ 2.2e-5 at 20000 trials, against
    // an unavailability of 4.3e-3.
    let got = web.detail.availability;
    assert_mean("2 of 3 availability", &got, availability, 0.0, 5e-5);
    assert_mean(
        "2 of 3 downtime",
        &web.downtime_h,
        (1.0 - availability) * horizon,
        0.0,
        3e-5 * horizon,
    );
    let got = web.detail.outages;
    assert_mean("2 of 3 outages", &got, outages, 0.0, 0.02);
}

/// Case 6: Data loss through an `at_least` group (spec section 6).
///
/// Two databases, each with hourly backups at an independent random phase,
/// rebuilt in 1h and restored in 30m; the service needs one of them.
/// - Destroying both at t = 0: each loses its backup's age, U1, U2 ~ U[0,1)
///   independent; every data-holding member lost data, so the service loses
///   the smaller: min(U1, U2) ~ Beta(1, 2), mean 1/3h, sd √(1/18);
///   P(loss <= 30m) = 1 − (1/2)² = 0.75. Both are rebuilt in parallel, so
///   the service is back at exactly 1h + 30m.
/// - Destroying only db-1: db-2 still holds the data, no loss reaches the
///   service, and one of two suffices, so it is not affected at all.
#[test]
fn at_least_group_loses_data_only_when_every_member_does() {
    let s = load(
        "name: Replicated databases
components:
  - id: db-1
    kind: database
    rebuild: 1h
    data: {backups: [{every: 1h, restore: 30m}]}
  - id: db-2
    kind: database
    rebuild: 1h
    data: {backups: [{every: 1h, restore: 30m}]}
  - id: ledger
    kind: service
    depends_on: [{at_least: 1, of: [db-1, db-2]}]
    rpo: 30m
threats:
  - {id: both, hits: {components: [db-1, db-2]}, effect: destroy}
  - {id: one, hits: {components: [db-1]}, effect: destroy}
",
    );
    let trials = 100_000;

    let r = drill(&s, "both", trials, 61);
    let ledger = service(&r, "ledger");
    let sd = (1.0f64 / 18.0).sqrt();
    assert_mean(
        "at_least min of two backup ages",
        &ledger.data_loss_h,
        1.0 / 3.0,
        0.0,
        0.001,
    );
    assert_honest_se(
        "at_least min of two backup ages",
        &ledger.data_loss_h,
        sd,
        trials,
    );
    assert!(ledger.data_loss_h.max < 1.0);
    assert_prob(
        "at_least P(loss <= 30m)",
        &ledger.rpo_met.expect("rpo is set"),
        0.75,
        trials,
    );
    assert_prob("at_least total loss", &ledger.total_data_loss, 0.0, trials);
    let recovery = ledger.detail.recovery_h;
    assert!((recovery.mean - 1.5).abs() < 1e-9 && (recovery.max - 1.5).abs() < 1e-9);

    let r = drill(&s, "one", trials, 62);
    let ledger = service(&r, "ledger");
    assert_eq!(ledger.data_loss_h.mean, 0.0);
    assert_eq!(ledger.data_loss_h.max, 0.0);
    assert_prob(
        "at_least one destroyed: affected",
        &ledger.affected,
        0.0,
        trials,
    );
    assert_prob(
        "at_least one destroyed: rpo met",
        &ledger.rpo_met.expect("rpo is set"),
        1.0,
        trials,
    );
    assert_eq!(ledger.detail.recovery_h.max, 0.0);
}

/// Case 7: A disrupt threat with `chance: 0.3` over ten components, in `run`.
///
/// Events arrive as a Poisson process of rate λ = 6/y; each hits each of
/// the ten `edge` links independently with chance 0.3 and disrupts it for
/// d = 30m. A service that needs all ten goes down with an event iff at
/// least one link is hit: q = 1 − 0.7¹⁰ = 0.971752, so the affecting events
/// form a Poisson process of rate r = λ q. Ignoring overlap, E[outages]
/// = r T = 5.83. Exactly: the service is down at t iff an affecting event
/// fell in (t − d, t], and an affecting event opens a new outage iff none
/// fell in the d before it, so
///   E[outages] = ∫_0^T r e^{−r min(t, d)} dt = (1 − e^{−rd}) + r (T − d) e^{−rd},
///   E[downtime] = T − (1 − e^{−rd}) / r − (T − d) e^{−rd}
/// (the second counting an outage open at the horizon up to the horizon).
/// With r d = 3.3e-4 the overlap moves the outages by 0.03%, a tenth of a
/// standard error; the exact forms are used anyway.
/// A service that needs only the first link sees rate r1 = 0.3 λ:
/// P(affected) = 1 − e^{−r1 T} = 1 − e^{−1.8} exactly (overlap cannot
/// change whether there was an outage).
#[test]
fn disrupt_threat_with_chance_over_ten_links() {
    let links: Vec<String> = (1..=10).map(|i| format!("n{i}")).collect();
    let mut yaml = String::from("name: Edge links\nhorizon: 1y\ncomponents:\n");
    for id in &links {
        yaml.push_str(&format!("  - {{id: {id}, kind: network, tags: [edge]}}\n"));
    }
    yaml.push_str(&format!(
        "  - {{id: all-links, kind: service, depends_on: [{}]}}\n",
        links.join(", ")
    ));
    yaml.push_str("  - {id: first-link, kind: service, depends_on: [n1]}\n");
    yaml.push_str(
        "threats:
  - id: flap
    per_year: 6
    hits: {tags: [edge]}
    chance: 0.3
    effect: disrupt
    duration: 30m
",
    );
    let s = load(&yaml);
    let horizon = YEAR;
    let trials = 50_000;
    let r = run(&s, horizon, trials, 71);

    let lambda = 6.0 / YEAR;
    let d = 0.5;
    let exact_outages =
        |rate: f64| (1.0 - (-rate * d).exp()) + rate * (horizon - d) * (-rate * d).exp();
    let exact_downtime =
        |rate: f64| horizon - (1.0 - (-rate * d).exp()) / rate - (horizon - d) * (-rate * d).exp();

    let q = 1.0 - 0.7f64.powi(10);
    let rate = lambda * q;
    assert!((rate * horizon - 5.8305).abs() < 1e-3);
    // Poisson counts: sd √5.83, se 0.011 at 50000 trials; q = 1 instead
    // of 0.9718 would be 15 se away.
    let all = service(&r, "all-links");
    let outages = all.detail.outages;
    assert_mean(
        "ten links: outages",
        &outages,
        exact_outages(rate),
        0.0,
        0.012,
    );
    assert_honest_se(
        "ten links: outages",
        &outages,
        (rate * horizon).sqrt(),
        trials,
    );
    assert_mean(
        "ten links: downtime",
        &all.downtime_h,
        exact_downtime(rate),
        0.0,
        0.006,
    );

    let rate1 = lambda * 0.3;
    let first = service(&r, "first-link");
    let outages = first.detail.outages;
    assert_mean(
        "one link: outages",
        &outages,
        exact_outages(rate1),
        0.0,
        0.007,
    );
    assert_prob(
        "one link: affected",
        &first.affected,
        1.0 - (-rate1 * horizon).exp(),
        trials,
    );
}

/// A scenario with a bit of everything, for the determinism test.
const EVERYTHING: &str = "name: Everything
horizon: 2y
sites: [{id: dc1}, {id: dc2}]
teams: [{id: ops, size: 1}, {id: dba, size: 2}]
components:
  - {id: power, kind: power, site: dc1}
  - id: san
    kind: storage
    site: dc1
    depends_on: [power]
    team: ops
    repair: {lognormal: [1h, 9h]}
    failures: [{after: {weibull: {shape: 1.5, scale: 2y}}}]
  - id: db-a
    kind: database
    site: dc1
    depends_on: [san]
    team: dba
    detect: {uniform: [5m, 30m]}
    repair: {triangular: [1h, 2h, 6h]}
    rebuild: 8h
    failures: [{every: 1y, effect: destroy}]
    data: {backups: [{every: 1h, restore: 30m}, {every: 24h, restore: 4h, immutable: true, offsite: true}]}
  - id: db-b
    kind: database
    site: dc2
    team: dba
    repair: {exp: 3h}
    failures: [{every: 2y}]
    data: {backups: [{every: 4h, restore: 1h, offsite: true}]}
  - {id: web-1, kind: server, site: dc1, repair: {exp: 1h}, failures: [{every: 3000h}], tags: [web]}
  - {id: web-2, kind: server, site: dc2, repair: {exp: 1h}, failures: [{every: 3000h}], tags: [web]}
  - id: shop
    kind: service
    depends_on:
      - {at_least: 1, of: [web-1, web-2]}
      - {failover: [db-a, db-b], switchover: {exp: 20m}, lag: 1m}
    rto: 4h
    rpo: 1h
    mtpd: 24h
    impact: {per_hour: 1000, per_hour_data_lost: 500, per_incident: 100}
threats:
  - {id: fire, every: 20y, hits: {sites: [dc1]}, effect: destroy, rebuild: {lognormal: [1d, 7d]}}
  - {id: cut, per_year: 4, hits: {components: [power]}, effect: disrupt, duration: {exp: 2h}}
  - {id: deploy, per_year: 12, hits: {tags: [web]}, chance: 0.5, effect: damage}
  - {id: crypto, hits: {components: [db-a, db-b]}, effect: destroy, reaches_backups: true}
";

/// Case 8: Results depend on the seed only, not on the number of threads.
///
/// 1000 trials are four chunks of the runner, the last one partial, so two
/// threads really split the work; the summaries (every field, through
/// `Debug`, which prints f64 exactly) must be identical bit for bit.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let s = load(EVERYTHING);
    let with =
        |threads: usize, seed: u64| Config::new(1000, seed, threads).expect("at least 2 trials");
    let one = sim::run(&s, None, &with(1, 81), &NoProgress).expect("runs");
    let two = sim::run(&s, None, &with(2, 81), &NoProgress).expect("runs");
    assert!(one.events > 0 && one.services[0].detail.outages.mean > 0.0);
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    assert_eq!(one.loss.mean.to_bits(), two.loss.mean.to_bits());
    assert_eq!(one.loss_exceedance, two.loss_exceedance);

    let one = sim::drill(&s, "crypto", &with(1, 82), &NoProgress).expect("drills");
    let two = sim::drill(&s, "crypto", &with(2, 82), &NoProgress).expect("drills");
    assert_eq!(format!("{one:?}"), format!("{two:?}"));

    // And the seed matters.
    let other = sim::run(&s, None, &with(2, 83), &NoProgress).expect("runs");
    assert_ne!(format!("{other:?}"), format!("{two:?}"));

    // A trial's outcome is a function of (seed, trial index) alone: a Trial
    // reused after other trials (as the runner's threads reuse theirs)
    // leaves nothing behind.
    let graph = DependencyGraph::build(&s);
    let model = Model::compile(&s, &graph);
    let mode = Mode::Run { horizon: s.horizon };
    let mut first = Trial::new(&model);
    first.run(81, 0, mode);
    let mut reused = Trial::new(&model);
    for t in 0..40 {
        reused.run(81, t, mode);
    }
    let mut differs = false;
    for t in [3, 17, 39, 40, 41] {
        let mut fresh = Trial::new(&model);
        fresh.run(81, t, mode);
        reused.run(81, t, mode);
        assert_eq!(reused.services, fresh.services, "trial {t}");
        assert_eq!(reused.events, fresh.events, "trial {t}");
        differs |= fresh.services != first.services;
    }
    assert!(differs, "different trials see different events");
}

/// Case 9: A large estate, where the event queue holds thousands of events
/// and the engine prefetches: 1,100 redundant pairs (2,200 components, every
/// pair needed), exponential failures (mean 1000h) and repairs (mean 10h),
/// one year from all-up. Components are independent, so the system is up at
/// time t with probability A(t) = (1 − (1 − p(t))²)^1100, where
/// p(t) = μ/(λ+μ) + λ/(λ+μ)·e^(−(λ+μ)t) is one component's, and the expected
/// availability over the year is the time average of A (Simpson's rule, one
/// interval per hour: error far below 1e-9). One and two threads agree bit
/// for bit.
#[test]
fn a_large_estate_of_redundant_pairs() {
    use std::fmt::Write;
    let pairs = 1100;
    let mut yaml = String::from("name: pairs\nhorizon: 1y\ncomponents:\n");
    for i in 0..2 * pairs {
        writeln!(
            yaml,
            "  - {{id: c{i}, kind: server, failures: [{{every: 1000h}}], repair: {{exp: 10h}}}}"
        )
        .unwrap();
    }
    yaml.push_str("  - id: system\n    kind: service\n    depends_on:\n");
    for p in 0..pairs {
        writeln!(
            yaml,
            "      - {{at_least: 1, of: [c{}, c{}]}}",
            2 * p,
            2 * p + 1
        )
        .unwrap();
    }
    let s = load(&yaml);

    let (lambda, mu) = (1.0 / 1000.0, 1.0 / 10.0);
    let up = |t: f64| {
        let p = mu / (lambda + mu) + lambda / (lambda + mu) * (-(lambda + mu) * t).exp();
        (1.0 - (1.0 - p).powi(2)).powi(pairs)
    };
    let intervals = 8760;
    let h = YEAR / f64::from(intervals);
    let mut sum = up(0.0) + up(YEAR);
    for i in 1..intervals {
        sum += up(f64::from(i) * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    let exact = sum * h / 3.0 / YEAR;
    // Steady state (1 − (λ/(λ+μ))²)^1100 = 0.8977; the start from all-up adds a little.
    assert!(exact > 0.8977 && exact < 0.8985, "exact {exact}");

    let with = |threads: usize| Config::new(150, 5, threads).expect("at least 2 trials");
    let one = sim::run(&s, None, &with(1), &NoProgress).expect("runs");
    let two = sim::run(&s, None, &with(2), &NoProgress).expect("runs");
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    let availability = service(&one, "system").detail.availability;
    assert_mean("large pairs availability", &availability, exact, 0.0, 1e-3);
}

#[test]
fn a_traced_drill_shows_waiting_for_the_team() {
    // One engineer, three servers, detection 30m, fixed 2h repairs: c3 waits
    // for c1 and c2 (priorities 1, 2, 3) and its service is back at 6.5h.
    let s = drsim::scenario::load_str(
        "name: p\nteams: [{id: ops, size: 1}]\ncomponents:\n  - {id: c3, kind: server, repair: 2h, detect: 30m, team: ops, priority: 3}\n  - {id: c1, kind: server, repair: 2h, detect: 30m, team: ops, priority: 1}\n  - {id: c2, kind: server, repair: 2h, detect: 30m, team: ops, priority: 2}\n  - {id: s1, kind: service, depends_on: [c1]}\n  - {id: s3, kind: service, depends_on: [c3]}\nthreats:\n  - {id: surge, hits: {kinds: [server]}, effect: damage}\n",
        "p",
    )
    .unwrap()
    .scenario;
    let config = Config::new(5, 1, 0).expect("at least 2 trials");
    let (trial, recovery, trace) =
        drsim::sim::median_drill_trace(&s, "surge", "s3", &config, 6.5).unwrap();
    assert_eq!(trial, 0, "every trial recovers at 6.5h: the first is taken");
    assert_eq!(recovery, 6.5);
    use drsim::sim::TraceKind::*;
    let c3: Vec<(f64, drsim::sim::TraceKind)> = trace
        .iter()
        .filter(|e| e.component == 0)
        .map(|e| (e.time, e.kind))
        .collect();
    assert_eq!(
        c3,
        vec![
            (0.0, Hit(drsim::scenario::Effect::Damage)),
            (0.0, Down),
            (0.5, Ready),
            (4.5, Started),
            (6.5, Repaired),
            (6.5, Up)
        ]
    );
    let s3 = s.component_index("s3").unwrap() as u32;
    let s3_events: Vec<f64> = trace
        .iter()
        .filter(|e| e.component == s3)
        .map(|e| e.time)
        .collect();
    assert_eq!(s3_events, vec![0.0, 6.5]);
}

#[test]
fn the_traced_median_trial_is_one_of_the_reported_sample() {
    // Lognormal repairs: every trial recovers at a different time. The
    // report prints the drill's p50 beside the timeline of the "median
    // trial", so that trial must come from the same sample and recover in
    // the printed p50 (it came from a separate 2,001-trial scan).
    let s = drsim::scenario::load_str(
        "name: m\ncomponents:\n  - {id: db, kind: database, repair: {lognormal: [1h, 20h]}}\n  - {id: shop, kind: service, depends_on: [db]}\nthreats:\n  - {id: crash, hits: {components: [db]}, effect: damage}\n",
        "m",
    )
    .unwrap()
    .scenario;
    for (trials, seed) in [(3000, 1), (501, 7)] {
        let config = Config::new(trials, seed, 0).expect("at least 2 trials");
        let drill = sim::drill(&s, "crash", &config, &NoProgress).expect("runs");
        let p50 = service(&drill, "shop").detail.recovery_h.p50;
        let (trial, recovery, trace) =
            drsim::sim::median_drill_trace(&s, "crash", "shop", &config, p50).unwrap();
        assert!(trial < trials);
        assert!(
            (recovery - p50).abs() <= 2.0 * drsim::stats::RELATIVE_ERROR * p50,
            "trial {trial} recovered at {recovery}, the reported p50 is {p50}"
        );
        let up = trace.iter().map(|e| e.time).fold(0.0, f64::max);
        assert_eq!(up, recovery, "the trace is that trial's");
    }
}

/// A failover group that never completes its switchover (1000 years) runs
/// on `a` again once `a` is back, so the service loses exactly the data `a`
/// lost, as if it depended on `a` directly: `a` is damaged at 5h and, while
/// the group waits, destroyed at 10h (a later incident than the one that
/// took the group down); both cycles after it repeat, and the horizon
/// (124h) falls when `a` is back. The destroy's loss was once dropped.
#[test]
fn a_failover_group_passes_on_what_its_member_lost_while_it_waited() {
    let yaml = |needs: &str| {
        format!(
            "name: Held
horizon: 124h
components:
  - {{id: a, kind: database, repair: 50h, failures: [{{after: 5h}}, {{after: 10h, effect: destroy}}], data: {{backups: [{{every: 24h, restore: 0s}}]}}}}
  - {{id: b, kind: database}}
  - {{id: svc, kind: service, depends_on: [{needs}], impact: {{per_hour_data_lost: 100}}}}
"
        )
    };
    let config = Config::new(500, 4, 0).unwrap();
    let data_loss = |needs: &str| {
        let s = scenario::load_str(&yaml(needs), "held.yaml")
            .unwrap()
            .scenario;
        let r = sim::run(&s, None, &config, &NoProgress).unwrap();
        service(&r, "svc").data_loss_h.mean
    };
    let direct = data_loss("a");
    let grouped = data_loss("{failover: [a, b], switchover: 1000y}");
    // Two destroys, each losing up to a day: not vacuous.
    assert!(direct > 10.0, "{direct}");
    assert_eq!(grouped, direct);
}

/// A standby's own data losses never reach the service: `b` is destroyed
/// every 10 hours while the group runs on `a` (its losses are its own);
/// then `a` fails for good at 100h and the group switches to `b` (lag 0,
/// and `b` lost nothing in that incident). The service loses no data.
#[test]
fn a_standbys_own_losses_do_not_reach_the_service() {
    let yaml = "name: Standby
horizon: 105h
components:
  - {id: a, kind: database, failures: [{after: 100h}], repair: 1000h}
  - {id: b, kind: database, rebuild: 1h, failures: [{after: 10h, effect: destroy}], data: {backups: [{every: 24h, restore: 0s}]}}
  - {id: svc, kind: service, depends_on: [{failover: [a, b], switchover: 1h}], impact: {per_hour_data_lost: 100}}
";
    let s = scenario::load_str(yaml, "standby.yaml").unwrap().scenario;
    let r = sim::run(&s, None, &Config::new(200, 1, 0).unwrap(), &NoProgress).unwrap();
    let svc = service(&r, "svc");
    // The switchover happened (an hour's outage in every trial) ...
    assert_eq!(svc.downtime_h.mean, 1.0);
    // ... and no data was lost.
    assert_eq!(svc.data_loss_h.mean, 0.0);
    assert_eq!(r.loss.mean, 0.0);
}
