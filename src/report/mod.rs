//! Output formats. Each takes finished [`Results`](crate::sim::Results) and
//! never re-runs anything.

pub mod calibrate;
pub mod charts;
pub mod compare;
pub mod csv;
pub mod format;
pub mod html;
pub mod json;
pub mod sensitivity;
pub mod summary;
pub mod text;
pub mod tolerance;

use crate::sim::{DrillDetail, DrillResults, LossCause, RunDetail, RunResults};
use crate::stats::Summary;

/// A drill's or a run's results in each format, so a command renders
/// either without asking which.
pub trait Render {
    /// The terminal table and sentences.
    fn text(&self) -> String;
    /// The JSON document (spec section 10).
    fn json(&self) -> String;
    /// One CSV row per service.
    fn csv(&self) -> String;
}

impl Render for DrillResults {
    fn text(&self) -> String {
        text::drill(self)
    }
    fn json(&self) -> String {
        json::render(self)
    }
    fn csv(&self) -> String {
        csv::render(self)
    }
}

impl Render for RunResults {
    fn text(&self) -> String {
        text::run(self)
    }
    fn json(&self) -> String {
        json::render(self)
    }
    fn csv(&self) -> String {
        csv::render(self)
    }
}

/// The formats whose columns are the same for both modes (JSON, CSV) see a
/// mode's detail through this: the recovery time is a drill's, the rest a
/// run's.
pub trait ModeDetail {
    /// A drill's recovery time; `None` for a run.
    fn recovery_h(&self) -> Option<&Summary>;
    /// A run's availability, outages and RTO breaches; `None` for a drill.
    fn run(&self) -> Option<&RunDetail>;
}

impl ModeDetail for DrillDetail {
    fn recovery_h(&self) -> Option<&Summary> {
        Some(&self.recovery_h)
    }
    fn run(&self) -> Option<&RunDetail> {
        None
    }
}

impl ModeDetail for RunDetail {
    fn recovery_h(&self) -> Option<&Summary> {
        None
    }
    fn run(&self) -> Option<&RunDetail> {
        Some(self)
    }
}

/// The key of a cause of loss in the JSON document
/// (`loss_breakdown.<key>`) and in CSV (`loss_<key>_mean`).
pub(crate) fn loss_cause_key(cause: LossCause) -> &'static str {
    match cause {
        LossCause::OutageTime => "outage_time",
        LossCause::Once => "once",
        LossCause::PerIncident => "per_incident",
        LossCause::DataLoss => "data_loss",
        LossCause::TotalDataLoss => "total_data_loss",
    }
}

/// The heading of a cause of loss in the text and HTML tables.
pub(crate) fn loss_cause_label(cause: LossCause) -> &'static str {
    match cause {
        LossCause::OutageTime => "Outage time",
        LossCause::Once => "One-off costs",
        LossCause::PerIncident => "Per incident",
        LossCause::DataLoss => "Data lost",
        LossCause::TotalDataLoss => "All data lost",
    }
}

/// The causes of loss worth a column: those with a mean above zero for
/// some service (a column of zeros is left out).
pub(crate) fn loss_causes_shown<D>(r: &crate::sim::Results<D>) -> Vec<LossCause> {
    LossCause::ALL
        .into_iter()
        .filter(|&c| {
            r.services
                .iter()
                .any(|s| s.loss_breakdown.part(c).mean > 0.0)
        })
        .collect()
}
