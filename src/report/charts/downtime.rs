//! Downtime of each service per simulated year: a CDF per service (all the
//! outages of a year added up).

use super::cdf::{self, CdfChart, Series};
use super::Figure;
use crate::sim::RunResults;

/// The annual downtime chart of a risk run.
pub fn figure(annual: &RunResults) -> Result<Figure, String> {
    let series: Vec<Series> = annual
        .services
        .iter()
        .map(|s| Series {
            label: s.name.clone(),
            points: s.downtime_cdf.clone(),
            target: None,
        })
        .collect();
    let csv = cdf::csv(&series, "downtime_hours");
    let period = annual
        .horizon_h()
        .map(crate::scenario::fmt_hours)
        .unwrap_or_else(|| "1y".into());
    let title = if period == "1y" {
        "Downtime per year".to_string()
    } else {
        format!("Downtime per {period}")
    };
    let chart = CdfChart {
        title: title.clone(),
        x_label: "Downtime in the period, all outages added up (log scale; 0 at the left edge)"
            .into(),
        y_label: "Share of simulated periods with at most that".into(),
        series,
        size: cdf::FULL,
        floor: 0.05,
    };
    Figure::new("annual-downtime", title, chart, csv)
}
