//! A step CDF per service on a log time axis, with targets as dashed
//! vertical lines: shared by the recovery, data-loss and downtime charts.

use super::{axis_hours, colour, fail, log_range, Draw};
use crate::report::csv::{Cell, Table};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One service's curve.
pub(super) struct Series {
    /// The service's name for people, in the legend.
    pub label: String,
    /// (hours, P(X ≤ hours)), increasing.
    pub points: Vec<(f64, f64)>,
    /// A target to mark: (what, hours), e.g. ("RTO", 4.0).
    pub target: Option<(&'static str, f64)>,
}

/// Step CDFs of one quantity in hours, one per service.
pub(super) struct CdfChart {
    /// The chart's heading.
    pub title: String,
    /// What the horizontal axis shows, with its unit.
    pub x_label: String,
    /// What the vertical axis shows.
    pub y_label: String,
    /// One curve per service, in the legend's order.
    pub series: Vec<Series>,
    /// Smallest hours shown (the log axis cannot show zero: zero sits at the left edge).
    pub floor: f64,
    /// Width and height in pixels: [`FULL`] for a chart across the page,
    /// [`HALF`] for two side by side.
    pub size: (u32, u32),
}

/// A chart across the page.
pub(super) const FULL: (u32, u32) = (900, 490);

/// A chart half the page wide, two side by side (the report's appendix):
/// fewer pixels for the same text, so its 13-pixel labels print at about
/// 6 pt on A4.
pub(super) const HALF: (u32, u32) = (560, 300);

/// Height of the band above the plot that holds the targets' labels (two
/// rows, so that labels of nearby targets do not overlap).
const MARK_BAND: u32 = 34;

/// Width of one legend entry: the legend has as many columns as fit.
const LEGEND_COLUMN: u32 = 264;

impl Draw for CdfChart {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let values = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0).chain(s.target.map(|t| t.1)));
        let (lo, hi) = log_range(values, self.floor);
        let (width, height) = root.dim_in_pixel();
        let half = width < FULL.0;
        // The legend's left edge: under the plot in a full chart; at the
        // margin in a half one, so two columns fit.
        let legend_x: u32 = if half { 16 } else { 60 };
        let columns = ((width - legend_x) / LEGEND_COLUMN).max(1) as usize;
        let legend_h = 22 * self.series.len().div_ceil(columns).max(1) as u32 + 8;
        let (plot, legend) = root.split_vertically(height - legend_h);
        // The title on top, then the band of target labels, then the plot:
        // drawn here rather than as plotters' caption, which would sit
        // between the band and the plot. It fits the width (about 0.55 of
        // its size per character).
        let title_size: u32 = if half { 16 } else { 20 };
        let title = super::truncate(&self.title, (width * 100 / (55 * title_size)) as usize);
        plot.draw(&Text::new(
            title,
            (width as i32 / 2, 6),
            ("sans-serif", title_size)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(fail)?;
        // Targets: one dashed line per distinct value, labelled once.
        let mut marks: Vec<(f64, String, Vec<usize>)> = Vec::new();
        for (i, s) in self.series.iter().enumerate() {
            if let Some((what, h)) = s.target {
                match marks.iter_mut().find(|m| (m.0 - h).abs() < 1e-9) {
                    Some(m) => m.2.push(i),
                    None => marks.push((h, format!("{what} {}", axis_hours(h)), vec![i])),
                }
            }
        }
        // The band for their labels only when there are some.
        let band = if marks.is_empty() { 0 } else { MARK_BAND };
        let title_h = title_size * 3 / 2 + 6;
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .margin_top(title_h + band)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(
                (lo..hi)
                    .log_scale()
                    .with_key_points(super::hour_ticks(lo, hi)),
                0.0f64..1.0,
            )
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_label_formatter(&|x| axis_hours(*x))
            .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
            // Quarters in a half chart, whose plot is too short for tenths.
            .y_labels(if half { 5 } else { 11 })
            .axis_desc_style(("sans-serif", 14))
            .label_style(("sans-serif", 13))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(fail)?;

        for (k, (h, label, owners)) in marks.iter().enumerate() {
            if *h < lo || *h > hi {
                continue;
            }
            let c = if owners.len() == 1 {
                colour(owners[0])
            } else {
                RGBColor(60, 60, 60)
            };
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*h, 0.0), (*h, 1.0)],
                    6,
                    4,
                    c.stroke_width(2),
                ))
                .map_err(fail)?;
            // Above the plot, where no curve runs: alternating rows.
            let (x, top) = chart.backend_coord(&(*h, 1.0));
            let y = top - MARK_BAND as i32 + 2 + 16 * (k % 2) as i32;
            plot.draw(&Text::new(
                label.clone(),
                (x - 10, y),
                ("sans-serif", 13).into_font().color(&c),
            ))
            .map_err(fail)?;
        }

        for (i, s) in self.series.iter().enumerate() {
            let c = colour(i);
            let mut steps: Vec<(f64, f64)> = Vec::with_capacity(s.points.len() * 2 + 2);
            let mut last = 0.0;
            steps.push((lo, 0.0));
            for &(x, p) in &s.points {
                let x = x.max(lo);
                steps.push((x, last));
                steps.push((x, p));
                last = p;
            }
            steps.push((hi, last));
            chart
                .draw_series(LineSeries::new(steps, c.stroke_width(2)))
                .map_err(fail)?;
        }
        // The legend below the chart, so it hides no curve; each service
        // with its target, so a line that several share is theirs.
        for (i, s) in self.series.iter().enumerate() {
            let x = (legend_x + LEGEND_COLUMN * (i % columns) as u32) as i32;
            let y = 4 + 22 * (i / columns) as i32;
            let label = match s.target {
                Some((what, h)) => format!(
                    "{} ({what} {})",
                    super::truncate(&s.label, 24),
                    axis_hours(h)
                ),
                None => super::truncate(&s.label, 34),
            };
            legend
                .draw(&PathElement::new(
                    vec![(x, y + 8), (x + 22, y + 8)],
                    colour(i).stroke_width(3),
                ))
                .map_err(fail)?;
            legend
                .draw(&Text::new(
                    label,
                    (x + 28, y + 1),
                    ("sans-serif", 13).into_font().color(&RGBColor(30, 30, 30)),
                ))
                .map_err(fail)?;
        }
        Ok(())
    }
}

/// The CSV behind a CDF chart.
pub(super) fn csv(series: &[Series], value: &str) -> String {
    let mut table = Table::new(["service", value, "cumulative_probability"]);
    for s in series {
        for &(x, p) in &s.points {
            table.row([Cell::from(&s.label), x.into(), p.into()]);
        }
    }
    table.finish()
}
