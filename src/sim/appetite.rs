//! The board's risk appetite (spec section 12) against a loss exceedance
//! curve: whether the curve stays below the tolerance, and if not where it
//! crosses. The one judgement the report's sentence, its chart and the
//! package search (`package.rs`) all read.

use crate::scenario::TolerancePoint;
use crate::stats::{ExceedancePoint, Sketch};

/// A loss distribution judged against the board's risk tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToleranceCheck {
    /// The curve stays below the tolerance ([`Appetite::Below`]).
    pub within: bool,
    /// Too close to call: at the point that decides it (where the curve is
    /// furthest above, or comes closest), the 95% interval of P(loss > x)
    /// holds the tolerated probability.
    pub close_call: bool,
}

/// Judges the losses in `sketch` against `tolerance` as [`appetite`]
/// judges their curve (40 levels, as a run's `loss_exceedance`); `None`
/// without a tolerance.
pub fn check(sketch: &Sketch, tolerance: &[TolerancePoint]) -> Option<ToleranceCheck> {
    let verdict = appetite(&sketch.exceedance(40), tolerance)?;
    let (x, within) = match verdict {
        Appetite::Crosses { worst_loss, .. } => (worst_loss, false),
        Appetite::Below { loss, .. } => (loss, true),
    };
    let tolerated = tolerance_at(tolerance, x)?;
    let [lo, hi] = sketch.share_above(x).ci95;
    Some(ToleranceCheck {
        within,
        close_call: lo <= tolerated && tolerated <= hi,
    })
}

/// P(loss > x) read off the curve (linear in p, log in loss, between points).
pub(crate) fn exceedance_at(curve: &[ExceedancePoint], x: f64) -> f64 {
    let Some(first) = curve.first() else {
        return 0.0;
    };
    if x <= first.loss {
        return first.p;
    }
    for w in curve.windows(2) {
        let (a, b) = (w[0], w[1]);
        if x <= b.loss {
            let t = (x.ln() - a.loss.ln()) / (b.loss.ln() - a.loss.ln());
            return a.p + t * (b.p - a.p);
        }
    }
    0.0
}

/// The tolerated P(loss > x), log-log between the points; `None` outside them.
fn tolerance_at(tolerance: &[TolerancePoint], x: f64) -> Option<f64> {
    let mut pts: Vec<TolerancePoint> = tolerance.to_vec();
    pts.sort_by(|a, b| a.loss.total_cmp(&b.loss));
    let first = pts.first()?;
    let last = pts.last()?;
    if x < first.loss * (1.0 - 1e-9) || x > last.loss * (1.0 + 1e-9) {
        return None;
    }
    if pts.len() == 1 {
        return Some(first.p);
    }
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if x <= b.loss * (1.0 + 1e-9) {
            if a.p <= 0.0 || b.p <= 0.0 || b.loss <= a.loss {
                return Some(a.p.min(b.p));
            }
            let t = ((x.ln() - a.loss.ln()) / (b.loss.ln() - a.loss.ln())).clamp(0.0, 1.0);
            return Some((a.p.ln() + t * (b.p.ln() - a.p.ln())).exp());
        }
    }
    Some(last.p)
}

/// Where the curve stands against the tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Appetite {
    /// The curve goes above the tolerance first at `loss`; it is furthest
    /// above (as a ratio) at `worst_loss`, preferring the board's own points.
    Crosses {
        /// Where the curve first goes above, money in the scenario's currency.
        loss: f64,
        /// Where it is furthest above, money in the scenario's currency.
        worst_loss: f64,
        /// The simulated P(loss > `worst_loss`), probability 0..1.
        worst_p: f64,
        /// The tolerated P(loss > `worst_loss`), probability 0..1.
        worst_tolerated: f64,
    },
    /// The curve stays below; `loss` is where it comes closest.
    Below {
        /// Where the curve comes closest to the tolerance, money in the
        /// scenario's currency.
        loss: f64,
        /// The simulated P(loss > `loss`), probability 0..1.
        p: f64,
        /// The tolerated P(loss > `loss`), probability 0..1.
        tolerated: f64,
    },
}

/// Compares the curve with the tolerance over the tolerance's range
/// (`None` when the scenario sets no tolerance or nothing was lost).
pub fn appetite(curve: &[ExceedancePoint], tolerance: &[TolerancePoint]) -> Option<Appetite> {
    let lo = tolerance
        .iter()
        .map(|t| t.loss)
        .fold(f64::INFINITY, f64::min);
    let hi = tolerance.iter().map(|t| t.loss).fold(0.0, f64::max);
    if !lo.is_finite() || lo <= 0.0 {
        return None;
    }
    let steps = 400;
    let mut first_above: Option<f64> = None;
    let mut worst: Option<(f64, f64, f64, f64)> = None; // ratio, loss, p, tolerated
    let mut closest: Option<(f64, f64, f64, f64)> = None;
    let mut consider = |x: f64, board_point: bool, first_above: &mut Option<f64>| {
        let Some(tol) = tolerance_at(tolerance, x) else {
            return;
        };
        let p = exceedance_at(curve, x);
        let ratio = if tol > 0.0 { p / tol } else { f64::INFINITY };
        if p > tol {
            if !board_point {
                first_above.get_or_insert(x);
            }
            // A board's own point beats a grid point of the same ratio.
            let ratio = if board_point {
                ratio * 1.000_001
            } else {
                ratio
            };
            if worst.is_none_or(|w| ratio > w.0) {
                worst = Some((ratio, x, p, tol));
            }
        } else if closest.is_none_or(|c| ratio > c.0) {
            closest = Some((ratio, x, p, tol));
        }
    };
    for t in tolerance {
        consider(t.loss, true, &mut first_above);
    }
    for i in 0..=steps {
        let x = if hi > lo {
            lo * ((hi / lo).ln() * i as f64 / steps as f64).exp()
        } else {
            lo
        };
        consider(x, false, &mut first_above);
    }
    // Prefer a violated board point for the headline numbers.
    let board_worst = tolerance
        .iter()
        .filter_map(|t| {
            let tol = tolerance_at(tolerance, t.loss)?;
            let p = exceedance_at(curve, t.loss);
            (p > tol).then_some((p / tol, t.loss, p, tol))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match (worst, first_above) {
        (Some(w), first) => {
            let w = board_worst.unwrap_or(w);
            Some(Appetite::Crosses {
                loss: first.unwrap_or(w.1).min(w.1),
                worst_loss: w.1,
                worst_p: w.2,
                worst_tolerated: w.3,
            })
        }
        (None, _) => closest.map(|(_, loss, p, tolerated)| Appetite::Below { loss, p, tolerated }),
    }
}
