//! Recovery time after a drilled threat: the CDF of each service, RTO marked.

use super::cdf::{self, CdfChart, Series};
use super::Figure;
use crate::sim::DrillResults;

/// The recovery-time chart of one drill; `threat` names it for people.
pub fn figure(drill: &DrillResults, threat: &str) -> Result<Figure, String> {
    let series: Vec<Series> = drill
        .services
        .iter()
        .map(|s| Series {
            label: s.name.clone(),
            points: s.detail.recovery_cdf.clone(),
            target: s.rto_h.map(|h| ("RTO", h)),
        })
        .collect();
    let csv = cdf::csv(&series, "recovery_hours");
    let title = format!("Recovery time after: {threat}");
    let chart = CdfChart {
        title: title.clone(),
        x_label: "Time from the strike until the service is back (log scale)".into(),
        y_label: "Share of strikes recovered by then".into(),
        series,
        size: cdf::HALF,
        floor: 0.05,
    };
    let id = drill.threat.as_deref().unwrap_or("threat");
    Figure::new(format!("recovery-{}", super::slug(id)), title, chart, csv)
}
