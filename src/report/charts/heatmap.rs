//! Threats × services, each cell coloured by P(RTO met) in that threat's drill.

use super::{fail, truncate, wrap2, Draw, Figure};
use crate::report::csv::{Cell, Table};
use crate::report::format::percent;
use crate::sim::DrillResults;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The chance of meeting the RTO, one row per drilled threat and one
/// column per service.
struct Heatmap {
    /// Service names, in the scenario's order.
    services: Vec<String>,
    /// Per threat: its name and, per service, P(RTO met) (`None`: no RTO).
    rows: Vec<(String, Vec<Option<f64>>)>,
}

const LEFT: i32 = 330;
const TOP: i32 = 110;
const CELL_W: i32 = 130;
const CELL_H: i32 = 34;

/// Red (0) through yellow (0.5) to green (1).
fn ramp(p: f64) -> RGBColor {
    let red = (215.0, 48.0, 39.0);
    let yellow = (254.0, 224.0, 139.0);
    let green = (26.0, 152.0, 80.0);
    let p = p.clamp(0.0, 1.0);
    let (a, b, t) = if p < 0.5 {
        (red, yellow, p / 0.5)
    } else {
        (yellow, green, (p - 0.5) / 0.5)
    };
    let mix = |x: f64, y: f64| (x + (y - x) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

impl Draw for Heatmap {
    fn size(&self) -> (u32, u32) {
        let w = LEFT + CELL_W * self.services.len().max(1) as i32 + 20;
        let h = TOP + CELL_H * self.rows.len().max(1) as i32 + 70;
        (w.max(620) as u32, h as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let black = RGBColor(30, 30, 30);
        let title = ("sans-serif", 20).into_font().color(&black);
        root.draw(&Text::new(
            "Chance of meeting the RTO, by threat and service",
            (12, 12),
            title,
        ))
        .map_err(fail)?;
        let head = ("sans-serif", 13)
            .into_font()
            .color(&black)
            .pos(Pos::new(HPos::Center, VPos::Center));
        for (j, s) in self.services.iter().enumerate() {
            let x = LEFT + CELL_W * j as i32 + CELL_W / 2;
            let (a, b) = wrap2(s, 18);
            root.draw(&Text::new(a, (x, TOP - 40), head.clone()))
                .map_err(fail)?;
            root.draw(&Text::new(b, (x, TOP - 22), head.clone()))
                .map_err(fail)?;
        }
        let left = ("sans-serif", 13)
            .into_font()
            .color(&black)
            .pos(Pos::new(HPos::Right, VPos::Center));
        for (i, (threat, cells)) in self.rows.iter().enumerate() {
            let y = TOP + CELL_H * i as i32;
            root.draw(&Text::new(
                truncate(threat, 44),
                (LEFT - 10, y + CELL_H / 2),
                left.clone(),
            ))
            .map_err(fail)?;
            for (j, cell) in cells.iter().enumerate() {
                let x = LEFT + CELL_W * j as i32;
                let (fill, text) = match cell {
                    Some(p) => (ramp(*p), percent(*p)),
                    None => (RGBColor(230, 230, 230), "no RTO".to_string()),
                };
                root.draw(&Rectangle::new(
                    [(x, y), (x + CELL_W - 2, y + CELL_H - 2)],
                    fill.filled(),
                ))
                .map_err(fail)?;
                let ink = match cell {
                    Some(p) if *p < 0.12 || *p > 0.9 => WHITE,
                    _ => RGBColor(20, 20, 20),
                };
                root.draw(&Text::new(
                    text,
                    (x + CELL_W / 2, y + CELL_H / 2),
                    ("sans-serif", 14)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(fail)?;
            }
        }
        // Legend: the colour ramp from 0% to 100%.
        let ly = TOP + CELL_H * self.rows.len() as i32 + 24;
        let small = ("sans-serif", 12).into_font().color(&black);
        root.draw(&Text::new(
            "P(RTO met):",
            (LEFT - 10, ly + 6),
            small.clone().pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(fail)?;
        for k in 0..100 {
            let x = LEFT + k * 3;
            root.draw(&Rectangle::new(
                [(x, ly), (x + 3, ly + 12)],
                ramp(k as f64 / 99.0).filled(),
            ))
            .map_err(fail)?;
        }
        for (k, label) in [(0, "0%"), (50, "50%"), (100, "100%")] {
            root.draw(&Text::new(
                label,
                (LEFT + k * 3, ly + 26),
                small.clone().pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(fail)?;
        }
        Ok(())
    }
}

/// The heat map of the drills, each named by `(threat name, results)`.
pub fn figure(drills: &[(String, &DrillResults)]) -> Result<Figure, String> {
    let services: Vec<String> = drills
        .first()
        .map(|(_, r)| r.services.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    let mut csv = Table::new(["threat", "service", "p_rto_met", "ci95_low", "ci95_high"]);
    let rows = drills
        .iter()
        .map(|(name, r)| {
            let cells = r
                .services
                .iter()
                .map(|s| {
                    if let Some(p) = s.rto_met {
                        csv.row([
                            Cell::from(r.threat.as_deref().unwrap_or("")),
                            Cell::from(&s.id),
                            p.p.into(),
                            p.ci95[0].into(),
                            p.ci95[1].into(),
                        ]);
                    }
                    s.rto_met.map(|p| p.p)
                })
                .collect();
            (name.clone(), cells)
        })
        .collect();
    Figure::new(
        "rto-heatmap",
        "Chance of meeting the RTO, by threat and service",
        Heatmap { services, rows },
        csv.finish(),
    )
}
