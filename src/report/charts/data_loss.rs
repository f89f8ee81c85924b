//! Data lost in a drilled threat: the CDF of each service, RPO marked. Trials
//! where no backup survives are left out, so such a curve stops below 100%.

use super::cdf::{self, CdfChart, Series};
use super::Figure;
use crate::sim::DrillResults;

/// The data-loss chart of one drill; `threat` names it for people.
pub fn figure(drill: &DrillResults, threat: &str) -> Result<Figure, String> {
    let series: Vec<Series> = drill
        .services
        .iter()
        .map(|s| {
            // Total losses are counted as 0 hours in the CDF: take them out
            // so the curve tops out at the share with a usable backup.
            let total = s.total_data_loss.p;
            let points = s
                .data_loss_cdf
                .iter()
                .map(|&(x, p)| (x, (p - total).max(0.0)))
                .collect();
            Series {
                label: s.name.clone(),
                points,
                target: s.rpo_h.map(|h| ("RPO", h)),
            }
        })
        .collect();
    let csv = cdf::csv(&series, "data_lost_hours");
    let title = format!("Data lost after: {threat}");
    let chart = CdfChart {
        title: title.clone(),
        x_label: "Data lost, as a span of time (log scale; 0 at the left)".into(),
        y_label: "Share of strikes losing at most that".into(),
        series,
        size: cdf::HALF,
        floor: 0.01,
    };
    let id = drill.threat.as_deref().unwrap_or("threat");
    Figure::new(format!("data-loss-{}", super::slug(id)), title, chart, csv)
}
