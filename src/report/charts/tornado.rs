//! The tornado: one horizontal bar per input, largest swing at the top,
//! from the metric as given to the metric with the input low and high.

use super::{fail, truncate, Draw, Figure};
use crate::report::csv::{Cell, Table};
use crate::report::format::{money, percent};
use crate::report::sensitivity as words;
use crate::sim::{Metric, Sensitivity};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One input's bar.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    /// The input for people (`ehr-db repair`).
    label: String,
    /// The low setting for people (`×0.5`, `2 people`).
    low_setting: String,
    /// The high setting for people.
    high_setting: String,
    /// The metric with the input low (money per year, or a probability
    /// 0..1).
    low: f64,
    /// The metric with the input high, same unit.
    high: f64,
}

/// The chart's data, from a [`Sensitivity`]: what [`figure`] draws.
struct Tornado {
    /// The chart's heading.
    title: String,
    /// The metric's axis label, with its unit.
    x_label: String,
    /// The metric with every input as given.
    base: f64,
    /// Largest swing first.
    bars: Vec<Bar>,
    /// `None`: the metric is a probability.
    currency: Option<String>,
}

const LABEL_W: u32 = 300;
const ROW_H: u32 = 34;
/// Room under the axis for the legend.
const LEGEND_H: u32 = 30;

impl Tornado {
    /// The bars of the inputs that changed the metric in some trial, in
    /// the tornado's order, with the metric's title and axis.
    fn from_sensitivity(s: &Sensitivity) -> Tornado {
        // Inputs that changed nothing in any trial have no bar to draw.
        let bars = s
            .inputs
            .iter()
            .filter(|i| i.changed_trials > 0)
            .map(|i| Bar {
                label: words::label(&i.input),
                low_setting: words::setting(i, false),
                high_setting: words::setting(i, true),
                low: i.low.mean,
                high: i.high.mean,
            })
            .collect();
        let (title, x_label, currency) = match &s.metric {
            Metric::Ale => (
                format!("What moves the expected annual loss — {}", s.scenario),
                format!("Expected annual loss ({})", s.currency),
                Some(s.currency.clone()),
            ),
            Metric::RtoMet { service, threat } => (
                format!("What moves P(RTO met) for {service} after {threat}"),
                format!("P({service} back within its RTO after {threat})"),
                None,
            ),
        };
        Tornado {
            title,
            x_label,
            base: s.base.mean,
            bars,
            currency,
        }
    }

    fn value(&self, x: f64) -> String {
        match &self.currency {
            Some(cur) => money(x, cur),
            // Rounded, so an axis tick a hair below 1 reads 100%.
            None => percent(((x * 1e6).round() / 1e6).clamp(0.0, 1.0)),
        }
    }
}

impl Draw for Tornado {
    fn size(&self) -> (u32, u32) {
        (1000, 150 + LEGEND_H + ROW_H * self.bars.len().max(3) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let n = self.bars.len();
        let (mut lo, mut hi) = (self.base, self.base);
        for b in &self.bars {
            lo = lo.min(b.low).min(b.high);
            hi = hi.max(b.low).max(b.high);
        }
        let pad = if hi > lo {
            (hi - lo) * 0.18
        } else {
            self.base.abs().max(1e-3) * 0.1
        };
        let (mut x_lo, mut x_hi) = (lo - pad, hi + pad);
        if self.currency.is_none() {
            x_lo = x_lo.max(0.0);
            x_hi = x_hi.min(1.0);
        } else {
            x_lo = x_lo.max(0.0);
        }
        if x_hi <= x_lo {
            x_hi = x_lo + 1e-3;
        }
        let (plot, legend) = root.split_vertically(root.dim_in_pixel().1 - LEGEND_H);
        let mut chart = ChartBuilder::on(&plot)
            .caption(truncate(&self.title, 90), ("sans-serif", 20))
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(LABEL_W)
            .build_cartesian_2d(x_lo..x_hi, -0.6..(n.max(1) as f64 - 0.4))
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(self.x_label.clone())
            .x_label_formatter(&|x| self.value(*x))
            .axis_desc_style(("sans-serif", 14))
            .label_style(("sans-serif", 12))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(fail)?;

        let black = RGBColor(30, 30, 30);
        if n == 0 {
            let font = ("sans-serif", 16)
                .into_font()
                .color(&black)
                .pos(Pos::new(HPos::Center, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(
                    "No input changed the metric in any trial",
                    ((x_lo + x_hi) / 2.0, 0.0),
                    font,
                )))
                .map_err(fail)?;
            return Ok(());
        }
        let low_colour = super::colour(0);
        let high_colour = super::colour(1);
        let row = |i: usize| (n - 1 - i) as f64;
        let half = 0.32;
        for (i, b) in self.bars.iter().enumerate() {
            let y = row(i);
            // The longer half first, so a shorter one on the same side shows.
            let mut halves = [(b.low, low_colour), (b.high, high_colour)];
            halves.sort_by(|a, b| (b.0 - self.base).abs().total_cmp(&(a.0 - self.base).abs()));
            for (end, colour) in halves {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(self.base, y - half), (end, y + half)],
                        colour.mix(0.85).filled(),
                    )))
                    .map_err(fail)?;
            }
            // Each end labelled with its setting, outside the bar, or just
            // inside it when the bar reaches the edge of the axis.
            let room = (x_hi - x_lo) * 0.08;
            for (end, setting) in [(b.low, &b.low_setting), (b.high, &b.high_setting)] {
                let rightwards = end >= self.base;
                let outside = if rightwards {
                    x_hi - end > room
                } else {
                    end - x_lo > room
                };
                let leftwards_text = rightwards != outside;
                let font = ("sans-serif", 11).into_font().color(&black).pos(Pos::new(
                    if leftwards_text {
                        HPos::Right
                    } else {
                        HPos::Left
                    },
                    VPos::Center,
                ));
                let dx = if leftwards_text { -5 } else { 5 };
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((end, y))
                            + Text::new(truncate(setting, 18), (dx, 0), font),
                    ))
                    .map_err(fail)?;
            }
            // The input's name in the label area on the left.
            let (px, py) = chart.backend_coord(&(x_lo, y));
            let font = ("sans-serif", 13)
                .into_font()
                .color(&black)
                .pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(truncate(&b.label, 40), (px - 8, py), font))
                .map_err(fail)?;
        }
        let base_line = RGBColor(20, 20, 20);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(self.base, -0.6), (self.base, n as f64 - 0.4)],
                base_line.stroke_width(2),
            )))
            .map_err(fail)?;
        // The legend in a row under the axis, where it covers no bar.
        let y = LEGEND_H as i32 / 2 - 4;
        let font = ("sans-serif", 13)
            .into_font()
            .color(&black)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let mut x = 14;
        legend
            .draw(&PathElement::new(
                vec![(x + 8, y - 8), (x + 8, y + 8)],
                base_line.stroke_width(2),
            ))
            .map_err(fail)?;
        let base_text = format!("As given: {}", self.value(self.base));
        legend
            .draw(&Text::new(base_text.clone(), (x + 22, y), font.clone()))
            .map_err(fail)?;
        x += 40 + 8 * base_text.chars().count() as i32;
        for (label, colour) in [
            ("Input set low", low_colour),
            ("Input set high", high_colour),
        ] {
            legend
                .draw(&Rectangle::new(
                    [(x, y - 7), (x + 18, y + 7)],
                    colour.mix(0.85).filled(),
                ))
                .map_err(fail)?;
            legend
                .draw(&Text::new(label, (x + 24, y), font.clone()))
                .map_err(fail)?;
            x += 150;
        }
        Ok(())
    }
}

/// The chart and its data.
pub fn figure(s: &Sensitivity) -> Result<Figure, String> {
    let chart = Tornado::from_sensitivity(s);
    let mut csv = Table::new([
        "rank",
        "label",
        "low_setting",
        "high_setting",
        "base",
        "low",
        "high",
        "swing",
    ]);
    for (rank, b) in chart.bars.iter().enumerate() {
        csv.row([
            Cell::from(rank + 1),
            Cell::from(&b.label),
            Cell::from(&b.low_setting),
            Cell::from(&b.high_setting),
            chart.base.into(),
            b.low.into(),
            b.high.into(),
            (b.high - b.low).abs().into(),
        ]);
    }
    let csv = csv.finish();
    Figure::new("tornado", format!("Tornado: {}", chart.title), chart, csv)
}
