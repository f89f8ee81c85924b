//! The loss exceedance curve, P(annual loss > x) on log axes, with the
//! board's risk tolerance over it and the crossing marked.

use super::{fail, Draw, Figure};
use crate::report::csv::{Cell, Table};
use crate::report::format::{money, percent};
use crate::scenario::TolerancePoint;
use crate::sim::appetite::{appetite, exceedance_at, Appetite};
use crate::stats::ExceedancePoint;
use plotters::coord::Shift;
use plotters::prelude::*;

/// The loss exceedance chart of a risk run.
pub struct LossExceedance {
    /// The run's loss exceedance curve, by increasing loss: the aggregate
    /// one, of all of a period's losses together.
    pub curve: Vec<ExceedancePoint>,
    /// The occurrence curve: of the costliest single incident of a period
    /// (drawn thinner, beneath the aggregate one; empty: not drawn).
    pub occurrence: Vec<ExceedancePoint>,
    /// The scenario's risk tolerance, drawn over the curve.
    pub tolerance: Vec<TolerancePoint>,
    /// The scenario's currency, for the axis labels.
    pub currency: String,
    /// Trials behind the curve: the smallest probability it can show is
    /// one in this many.
    pub trials: u64,
    /// One simulated period in words, for the title: `a year`, or the
    /// horizon such as `10y`.
    pub period: String,
}

impl Draw for LossExceedance {
    fn size(&self) -> (u32, u32) {
        (900, 500)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let curve: Vec<(f64, f64)> = self
            .curve
            .iter()
            .filter(|p| p.loss > 0.0 && p.p > 0.0)
            .map(|p| (p.loss, p.p))
            .collect();
        let occurrence: Vec<(f64, f64)> = self
            .occurrence
            .iter()
            .filter(|p| p.loss > 0.0 && p.p > 0.0)
            .map(|p| (p.loss, p.p))
            .collect();
        let xs = curve
            .iter()
            .chain(&occurrence)
            .map(|p| p.0)
            .chain(self.tolerance.iter().map(|t| t.loss));
        let (x_lo, x_hi) = super::log_range(xs, 1.0);
        let p_floor = curve
            .iter()
            .map(|p| p.1)
            .chain(self.tolerance.iter().map(|t| t.p).filter(|p| *p > 0.0))
            .fold(1.0f64, f64::min)
            .max(1.0 / self.trials.max(1) as f64)
            / 2.0;
        let y_lo = p_floor.clamp(1e-6, 0.1);
        let cur = self.currency.clone();
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "Loss exceedance: chance of losing more than x in {}",
                    self.period
                ),
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d((x_lo..x_hi).log_scale(), (y_lo..1.0).log_scale())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc(format!(
                "Loss x in {} ({}; log scale)",
                self.period, self.currency
            ))
            .y_desc("P(loss > x) (log scale)")
            .x_label_formatter(&|x| money(*x, &cur))
            .y_label_formatter(&|y| percent(*y))
            .axis_desc_style(("sans-serif", 14))
            .label_style(("sans-serif", 12))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(fail)?;
        let blue = super::colour(0);
        if !occurrence.is_empty() {
            let teal = super::colour(2);
            chart
                .draw_series(DashedLineSeries::new(
                    occurrence.clone(),
                    4,
                    3,
                    teal.stroke_width(2),
                ))
                .map_err(fail)?
                .label("Costliest single incident (occurrence)")
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], teal.stroke_width(2))
                });
        }
        chart
            .draw_series(LineSeries::new(curve.clone(), blue.stroke_width(3)))
            .map_err(fail)?
            .label("All losses together (aggregate)")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], blue.stroke_width(3))
            });
        let mut tol: Vec<(f64, f64)> = self
            .tolerance
            .iter()
            .filter(|t| t.p > 0.0)
            .map(|t| (t.loss, t.p))
            .collect();
        tol.sort_by(|a, b| a.0.total_cmp(&b.0));
        if !tol.is_empty() {
            let red = super::colour(3);
            chart
                .draw_series(DashedLineSeries::new(
                    tol.clone(),
                    8,
                    5,
                    red.stroke_width(2),
                ))
                .map_err(fail)?
                .label("Board's risk tolerance")
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], red.stroke_width(2))
                });
            chart
                .draw_series(tol.iter().map(|&p| Circle::new(p, 4, red.filled())))
                .map_err(fail)?;
        }
        if let Some(Appetite::Crosses { loss, .. }) = appetite(&self.curve, &self.tolerance) {
            let p = exceedance_at(&self.curve, loss);
            let black = RGBColor(20, 20, 20);
            chart
                .draw_series(std::iter::once(Circle::new(
                    (loss, p.max(y_lo)),
                    7,
                    black.stroke_width(3),
                )))
                .map_err(fail)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("crosses the tolerance at {}", money(loss, &self.currency)),
                    (loss * 1.15, (p * 1.4).min(0.9)),
                    ("sans-serif", 14).into_font().color(&black),
                )))
                .map_err(fail)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(fail)?;
        Ok(())
    }
}

/// The chart and its data.
pub fn figure(chart: LossExceedance) -> Result<Figure, String> {
    let mut csv = Table::new(["series", "loss", "p_exceed"]);
    for p in &chart.curve {
        csv.row([Cell::from("simulated"), p.loss.into(), p.p.into()]);
    }
    for p in &chart.occurrence {
        csv.row([Cell::from("occurrence"), p.loss.into(), p.p.into()]);
    }
    for t in &chart.tolerance {
        csv.row([Cell::from("risk_tolerance"), t.loss.into(), t.p.into()]);
    }
    let csv = csv.finish();
    Figure::new(
        "loss-exceedance",
        "Loss exceedance curve with the board's risk tolerance",
        chart,
        csv,
    )
}
