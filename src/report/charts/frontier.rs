//! Investment options on cost against residual risk: annual cost (x) and
//! the expected annual loss with the option (y), the base scenario at cost
//! zero, each with the 95% interval of its loss, and the efficient frontier
//! through the options no cheaper option beats.

use super::{fail, truncate, Draw, Figure};
use crate::report::csv::{Cell, Table};
use crate::report::format::money;
use crate::sim::Comparison;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One choice: the base scenario or an investment option.
#[derive(Debug, Clone, PartialEq)]
struct Point {
    /// Option id (`base` for the scenario as it is).
    id: String,
    /// The option's name for people (its id when it has none).
    label: String,
    /// Money per year.
    annual_cost: f64,
    /// Expected annual loss with this choice, money per year.
    ale: f64,
    /// 95% interval of `ale`.
    ale_ci95: [f64; 2],
}

/// Indices of the points on the efficient (Pareto) frontier, cheapest
/// first: a point is on it when no other point costs no more and loses
/// less, or costs less and loses no more. Of exact duplicates the first
/// is kept.
fn efficient(points: &[Point]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a]
            .annual_cost
            .total_cmp(&points[b].annual_cost)
            .then(points[a].ale.total_cmp(&points[b].ale))
            .then(a.cmp(&b))
    });
    let mut best = f64::INFINITY;
    let mut out = Vec::new();
    for i in order {
        // Sorted by cost: anything cheaper came before, so a point is
        // dominated exactly when an earlier one lost as little or less.
        if points[i].ale < best {
            best = points[i].ale;
            out.push(i);
        }
    }
    out
}

/// Height of one line of the key under the plot, pixels.
const KEY_ROW: u32 = 20;

/// The cost-against-risk chart of a comparison.
struct Frontier {
    /// The scenario's currency, for the axis labels.
    currency: String,
    /// The base first, then the options in the comparison's order.
    points: Vec<Point>,
}

impl Frontier {
    /// The base scenario at cost zero, then each option at its annual cost,
    /// each with its expected annual loss.
    fn from_comparison(c: &Comparison) -> Frontier {
        let mut points = vec![Point {
            id: "base".into(),
            label: "As today (no option)".into(),
            annual_cost: 0.0,
            ale: c.base_ale.mean,
            ale_ci95: c.base_ale.ci95,
        }];
        points.extend(c.options.iter().map(|o| Point {
            id: o.id.clone(),
            label: o.name.clone(),
            annual_cost: o.annual_cost,
            ale: o.ale.mean,
            ale_ci95: o.ale.ci95,
        }));
        Frontier {
            currency: c.currency.clone(),
            points,
        }
    }
}

impl Draw for Frontier {
    fn size(&self) -> (u32, u32) {
        (900, 520 + KEY_ROW * self.points.len() as u32 + 16)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        // The axis code loops forever on an infinite or NaN range.
        if let Some(p) = self.points.iter().find(|p| {
            ![p.annual_cost, p.ale, p.ale_ci95[0], p.ale_ci95[1]]
                .iter()
                .all(|v| v.is_finite())
        }) {
            return Err(format!(
                "cannot chart `{}`: its cost or loss is not a finite number",
                p.label
            ));
        }
        root.fill(&WHITE).map_err(fail)?;
        let x_hi = self
            .points
            .iter()
            .map(|p| p.annual_cost)
            .fold(0.0f64, f64::max);
        let x_hi = if x_hi > 0.0 { x_hi * 1.1 } else { 1.0 };
        let y_hi = self
            .points
            .iter()
            .map(|p| p.ale_ci95[1].max(p.ale))
            .fold(0.0f64, f64::max);
        let y_hi = if y_hi > 0.0 { y_hi * 1.12 } else { 1.0 };
        let x_lo = -x_hi * 0.04;
        let cur = self.currency.clone();
        let cur_y = self.currency.clone();
        let (w, h) = root.dim_in_pixel();
        let (plot, key) = root.split_vertically(h.min(520));
        let mut chart = ChartBuilder::on(&plot)
            .caption(
                "Investment options: annual cost against the loss that remains",
                ("sans-serif", 20),
            )
            .margin(14)
            .x_label_area_size(48)
            .y_label_area_size(76)
            .build_cartesian_2d(x_lo..x_hi, 0.0..y_hi)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc(format!("Annual cost of the option ({})", self.currency))
            .y_desc(format!(
                "Expected annual loss with it ({}, 95% interval)",
                self.currency
            ))
            .x_label_formatter(&|x| money(*x, &cur))
            .y_label_formatter(&|y| money(*y, &cur_y))
            .axis_desc_style(("sans-serif", 14))
            .label_style(("sans-serif", 12))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(fail)?;

        let on_frontier = efficient(&self.points);
        let green = super::colour(2);
        let grey = RGBColor(120, 120, 120);
        let line: Vec<(f64, f64)> = on_frontier
            .iter()
            .map(|&i| (self.points[i].annual_cost, self.points[i].ale))
            .collect();
        chart
            .draw_series(LineSeries::new(line, green.stroke_width(3)))
            .map_err(fail)?
            .label("Efficient frontier: no cheaper choice loses less")
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], green.stroke_width(3))
            });

        // Error bars: the 95% interval of each choice's expected annual loss.
        let cap = x_hi * 0.008;
        for p in &self.points {
            let [lo, hi] = p.ale_ci95;
            let x = p.annual_cost;
            chart
                .draw_series([
                    PathElement::new(vec![(x, lo), (x, hi)], grey.stroke_width(1)),
                    PathElement::new(vec![(x - cap, lo), (x + cap, lo)], grey.stroke_width(1)),
                    PathElement::new(vec![(x - cap, hi), (x + cap, hi)], grey.stroke_width(1)),
                ])
                .map_err(fail)?;
        }

        let blue = super::colour(0);
        let black = RGBColor(30, 30, 30);
        // Each point carries its number; the key under the plot names it,
        // so long names never write over each other.
        let number = ("sans-serif", 13)
            .into_font()
            .color(&black)
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        for (i, p) in self.points.iter().enumerate() {
            let style = if on_frontier.contains(&i) {
                green.filled()
            } else {
                blue.stroke_width(2)
            };
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((p.annual_cost, p.ale))
                        + Circle::new((0, 0), 6, style)
                        + Text::new((i + 1).to_string(), (6, -5), number.clone()),
                ))
                .map_err(fail)?;
        }
        let text = ("sans-serif", 13)
            .into_font()
            .color(&black)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let row = KEY_ROW as i32;
        for (i, p) in self.points.iter().enumerate() {
            let y = 8 + row * i as i32 + row / 2;
            let style = if on_frontier.contains(&i) {
                green.filled()
            } else {
                blue.stroke_width(2)
            };
            key.draw(&Circle::new((24, y), 5, style)).map_err(fail)?;
            let line = format!(
                "{}  {} — {} a year, expected annual loss {} ({} – {})",
                i + 1,
                truncate(&p.label, 60),
                money(p.annual_cost, &self.currency),
                money(p.ale, &self.currency),
                money(p.ale_ci95[0], &self.currency),
                money(p.ale_ci95[1], &self.currency)
            );
            key.draw(&Text::new(
                truncate(&line, (w as usize - 60) / 7),
                (38, y),
                text.clone(),
            ))
            .map_err(fail)?;
        }
        // Legend entry for the hollow (dominated) markers.
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(fail)?
            .label("Dominated: a cheaper choice loses less")
            .legend(move |(x, y)| Circle::new((x + 9, y), 5, blue.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(180, 180, 180))
            .label_font(("sans-serif", 13))
            .draw()
            .map_err(fail)?;
        Ok(())
    }
}

/// The chart and its data.
pub fn figure(c: &Comparison) -> Result<Figure, String> {
    let chart = Frontier::from_comparison(c);
    let on = efficient(&chart.points);
    let mut csv = Table::new([
        "id",
        "label",
        "annual_cost",
        "ale",
        "ale_ci95_lo",
        "ale_ci95_hi",
        "efficient",
    ]);
    for (i, p) in chart.points.iter().enumerate() {
        csv.row([
            Cell::from(&p.id),
            Cell::from(&p.label),
            p.annual_cost.into(),
            p.ale.into(),
            p.ale_ci95[0].into(),
            p.ale_ci95[1].into(),
            on.contains(&i).into(),
        ]);
    }
    let csv = csv.finish();
    Figure::new(
        "options-frontier",
        "Investment options: annual cost against expected annual loss, with the efficient frontier",
        chart,
        csv,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: &str, annual_cost: f64, ale: f64) -> Point {
        Point {
            id: id.into(),
            label: id.into(),
            annual_cost,
            ale,
            ale_ci95: [ale * 0.9, ale * 1.1],
        }
    }

    #[test]
    fn a_point_that_is_not_finite_is_refused_not_drawn() {
        // Drawing an infinite axis range loops forever inside plotters.
        let frontier = Frontier {
            currency: "GBP".into(),
            points: vec![
                point("base", 0.0, 100.0),
                point("huge", f64::INFINITY, 50.0),
            ],
        };
        let err = Figure::new("frontier", "t", frontier, String::new())
            .err()
            .expect("an infinite cost is refused");
        assert!(err.contains("`huge`"), "{err}");
    }

    #[test]
    fn the_frontier_keeps_what_no_cheaper_choice_beats() {
        let points = vec![
            point("base", 0.0, 100.0),
            point("pricey-and-useless", 50.0, 100.0), // as bad as free
            point("cheap-win", 10.0, 60.0),
            point("worse-than-cheap-win", 20.0, 70.0),
            point("best", 40.0, 20.0),
            point("gold-plated", 90.0, 25.0), // costs more, loses more than best
            point("small-step", 30.0, 50.0),
        ];
        let on: Vec<&str> = efficient(&points)
            .into_iter()
            .map(|i| points[i].id.as_str())
            .collect();
        assert_eq!(on, ["base", "cheap-win", "small-step", "best"]);
    }

    #[test]
    fn ties_in_cost_keep_the_lower_loss_and_duplicates_once() {
        let points = vec![
            point("a", 10.0, 50.0),
            point("b", 10.0, 40.0),
            point("c", 10.0, 40.0),
        ];
        assert_eq!(efficient(&points), vec![1]);
        assert!(efficient(&[]).is_empty());
    }

    #[test]
    fn draws_and_lists_every_point() {
        let c = Comparison {
            scenario: "t".into(),
            currency: "GBP".into(),
            trials: 10,
            seed: 1,
            horizon_h: 8760.0,
            base_ale: crate::sim::Change {
                mean: 1000.0,
                ci95: [900.0, 1100.0],
            },
            base_p99: None,
            sampling: crate::sim::Sampling::Plain,
            options: Vec::new(),
            threats: Vec::new(),
            package: None,
        };
        let f = figure(&c).unwrap();
        assert!(f.svg.starts_with("<svg"));
        assert_eq!(f.csv.lines().count(), 2);
        assert!(f
            .csv
            .ends_with("base,As today (no option),0,1000,900,1100,true\n"));
    }
}
