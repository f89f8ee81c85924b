//! The risk tolerance: points of a loss-exceedance curve the results are
//! judged against.

use super::{money_is_valid, Validator};
use crate::scenario::error::Diagnostic;
use crate::scenario::model::TolerancePoint;
use crate::scenario::raw::RawTolerance;

impl Validator<'_> {
    /// The valid points, by increasing loss.
    pub(super) fn tolerance(&mut self, raw: &[RawTolerance]) -> Vec<TolerancePoint> {
        let mut points = Vec::new();
        for (i, r) in raw.iter().enumerate() {
            if money_is_valid(r.loss) && r.loss > 0.0 && r.p > 0.0 && r.p <= 1.0 {
                points.push(TolerancePoint {
                    loss: r.loss,
                    p: r.p,
                });
                continue;
            }
            self.error(None, None, Diagnostic::new(format!("risk_tolerance[{i}]"), "each point needs loss > 0 and 0 < p <= 1").help("e.g. {loss: 1000000, p: 0.1}: a loss above 1M should happen less than 1 year in 10"));
        }
        points.sort_by(|a, b| a.loss.total_cmp(&b.loss));
        points
    }
}
