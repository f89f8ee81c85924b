//! Updating one estimate with what was measured (Bayes' rule, with the
//! scenario's estimate as the prior belief).
//!
//! **The prior counts as `weight` observations.** The estimate stands for
//! what was believed before any measurement; `weight` says how many
//! measurements that belief is worth (`--prior-weight`, default
//! [`DEFAULT_PRIOR_WEIGHT`]). With weight 0 the result is the
//! maximum-likelihood fit of the observations alone.
//!
//! - **Lognormal** estimates (and fixed, uniform, triangular and Weibull
//!   ones, taken as the lognormal with their 5th and 95th percentiles, a
//!   fixed one with no spread) are updated on the log scale, conjugate to
//!   the normal: the prior adds `weight` pseudo-observations with its own
//!   log-mean and log-spread. The fit is the most probable (μ, σ) given the
//!   prior and the observations; a right-censored observation ("still
//!   unfinished after t") counts as a log-duration above log t, through
//!   expectation-maximisation (each step replaces it by its expected value
//!   and square given the current fit). The estimate is taken as the
//!   prior's predictive, and the estimate written back is the posterior
//!   predictive, both approximated as the lognormal with the fit's σ
//!   widened by √(1 + 1/n) for the uncertainty of μ (n: the prior's weight
//!   plus the observations), in the form `{lognormal: [p5, p95]}`: without
//!   observations the estimate comes back unchanged.
//! - **Exponential** estimates are updated with a gamma prior on the rate
//!   (conjugate, censoring exact): the prior adds `weight` completed
//!   observations at its mean; the new mean is (weight × mean + every
//!   observed hour, censored or not) / (weight + completed observations).
//!
//! Durations must be above zero (a lognormal never is zero).

/// How many observations the scenario's estimate counts as, unless told.
pub const DEFAULT_PRIOR_WEIGHT: f64 = 3.0;

/// z such that P(Z <= z) = 0.95.
const Z95: f64 = 1.644_853_626_951_472_2;

/// One measured duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Obs {
    /// Hours; above zero.
    pub hours: f64,
    /// The work was still unfinished after `hours` (right-censored).
    pub censored: bool,
}

/// A fitted lognormal, on the log scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogFit {
    /// Mean of the log-duration (hours).
    pub mu: f64,
    /// Spread of the log-duration; 0 for a fixed duration.
    pub sigma: f64,
    /// The prior's weight plus the observations.
    pub n: f64,
}

impl LogFit {
    /// The posterior predictive's 5th and 95th percentiles, hours: the fit
    /// with σ widened by √(1 + 1/n) for the uncertainty of μ.
    pub fn predictive_p5_p95(&self) -> (f64, f64) {
        let s = self.sigma * (1.0 + 1.0 / self.n).sqrt();
        ((self.mu - Z95 * s).exp(), (self.mu + Z95 * s).exp())
    }
}

/// Why an estimate cannot be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// Every observation is censored and there is no prior to lean on.
    AllCensored,
    /// No prior and fewer than two distinct completed observations: no
    /// spread can be measured.
    TooFew,
}

/// The lognormal fit of `obs` with a prior of log-mean `mu0`, log-spread
/// `s0` worth `weight` observations (see the module documentation).
pub fn fit_lognormal(mu0: f64, s0: f64, weight: f64, obs: &[Obs]) -> Result<LogFit, FitError> {
    let complete: Vec<f64> = obs
        .iter()
        .filter(|o| !o.censored)
        .map(|o| o.hours.ln())
        .collect();
    let censored: Vec<f64> = obs
        .iter()
        .filter(|o| o.censored)
        .map(|o| o.hours.ln())
        .collect();
    if weight <= 0.0 {
        if complete.is_empty() {
            return Err(FitError::AllCensored);
        }
        // Without a prior the spread needs two different completed
        // observations (with one, and unfinished ones, no fit is best).
        let first = complete[0];
        if complete.iter().all(|&y| y == first) {
            return Err(FitError::TooFew);
        }
    }
    let n = weight + obs.len() as f64;
    // The estimate is the prior's predictive: its spread includes the
    // uncertainty of μ, which the fit's σ does not.
    let s0 = if weight > 0.0 {
        s0 / (1.0 + 1.0 / weight).sqrt()
    } else {
        s0
    };
    let prior1 = weight * mu0;
    let prior2 = weight * (s0 * s0 + mu0 * mu0);
    let sum1: f64 = complete.iter().sum();
    let sum2: f64 = complete.iter().map(|y| y * y).sum();
    // Start from the censored values taken as complete (an underestimate).
    let mut mu = (prior1 + sum1 + censored.iter().sum::<f64>()) / n;
    let mut var =
        ((prior2 + sum2 + censored.iter().map(|c| c * c).sum::<f64>()) / n - mu * mu).max(1e-12);
    for _ in 0..10_000 {
        let sigma = var.sqrt();
        let (mut e1, mut e2) = (0.0, 0.0);
        for &c in &censored {
            let (m1, m2) = truncated_moments(mu, sigma, c);
            e1 += m1;
            e2 += m2;
        }
        let new_mu = (prior1 + sum1 + e1) / n;
        let new_var = ((prior2 + sum2 + e2) / n - new_mu * new_mu).max(0.0);
        let done = (new_mu - mu).abs() < 1e-12 && (new_var - var).abs() < 1e-12;
        mu = new_mu;
        var = new_var;
        if done || censored.is_empty() {
            break;
        }
    }
    Ok(LogFit {
        mu,
        sigma: var.sqrt(),
        n,
    })
}

/// E[Y] and E[Y²] of a normal (μ, σ) given Y > c.
fn truncated_moments(mu: f64, sigma: f64, c: f64) -> (f64, f64) {
    if sigma < 1e-9 {
        let y = mu.max(c);
        return (y, y * y);
    }
    let a = (c - mu) / sigma;
    let lambda = inverse_mills(a);
    let m1 = mu + sigma * lambda;
    let m2 = mu * mu + sigma * sigma * (1.0 + a * lambda) + 2.0 * mu * sigma * lambda;
    (m1, m2)
}

/// φ(a) / (1 − Φ(a)), accurate far into the upper tail.
fn inverse_mills(a: f64) -> f64 {
    let upper = 0.5 * erfc(a / std::f64::consts::SQRT_2);
    if upper > 1e-300 {
        let pdf = (-0.5 * a * a).exp() / (2.0 * std::f64::consts::PI).sqrt();
        pdf / upper
    } else {
        // Asymptotically a + 1/a.
        a + 1.0 / a
    }
}

/// The complementary error function (Numerical Recipes' Chebyshev fit,
/// relative error below 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// The standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// The exponential fit: the new mean duration (see the module
/// documentation).
pub fn fit_exp(mean0: f64, weight: f64, obs: &[Obs]) -> Result<f64, FitError> {
    let events = obs.iter().filter(|o| !o.censored).count() as f64;
    if weight <= 0.0 && events == 0.0 {
        return Err(FitError::AllCensored);
    }
    let time: f64 = obs.iter().map(|o| o.hours).sum();
    Ok((weight * mean0 + time) / (weight + events))
}

/// The q-quantile of the observations by Kaplan–Meier (censored ones count
/// as "longer than"); `None` when censoring leaves it unknown (the
/// survival never falls to 1 − q).
pub fn km_quantile(obs: &[Obs], q: f64) -> Option<f64> {
    let mut sorted: Vec<Obs> = obs.to_vec();
    // At equal times, completions before censorings (the usual convention).
    sorted.sort_by(|a, b| {
        a.hours
            .total_cmp(&b.hours)
            .then(a.censored.cmp(&b.censored))
    });
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    for o in &sorted {
        if !o.censored {
            survival *= 1.0 - 1.0 / at_risk;
            if 1.0 - survival >= q - 1e-12 {
                return Some(o.hours);
            }
        }
        at_risk -= 1.0;
    }
    None
}

/// P(X >= k) for X ~ Binomial(n, p).
pub fn binomial_upper_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    // Sum of the probabilities from k to n, in logs for large n.
    let ln_p = p.ln();
    let ln_q = (1.0 - p).ln();
    let mut ln_choose = 0.0; // ln C(n, 0)
    let mut total = 0.0;
    for i in 0..=n {
        if i > 0 {
            ln_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        if i >= k {
            total += (ln_choose + i as f64 * ln_p + (n - i) as f64 * ln_q).exp();
        }
    }
    total.min(1.0)
}

#[cfg(test)]
mod tests;
