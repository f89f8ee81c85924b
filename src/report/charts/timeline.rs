//! The recovery of one representative drill trial as a Gantt chart: when
//! each component was hit, waited for its team, was repaired, and when each
//! service was down.

use super::{colour, fail, truncate, Draw, Figure};
use crate::report::csv::{Cell, Table};
use crate::scenario::{Effect, Scenario};
use crate::sim::{TraceEvent, TraceKind};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What a bar of the timeline stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Hit, not yet noticed (the component's `detect` delay).
    Detect,
    /// Ready for repair, waiting for a free member of its team.
    Waiting,
    /// Being repaired.
    Repair,
    /// Being rebuilt and restored from backup.
    Rebuild,
    /// Disrupted, clearing by itself.
    Disrupted,
    /// A failover group switching to its standby.
    Switching,
    /// A business service unavailable.
    ServiceDown,
}

impl Phase {
    /// Every phase, in the order of the legend.
    const ALL: [Phase; 7] = [
        Phase::ServiceDown,
        Phase::Detect,
        Phase::Waiting,
        Phase::Repair,
        Phase::Rebuild,
        Phase::Disrupted,
        Phase::Switching,
    ];

    /// The phase in words, for the legend and the CSV.
    fn label(self) -> &'static str {
        match self {
            Phase::Detect => "not yet detected",
            Phase::Waiting => "waiting for its team",
            Phase::Repair => "repair",
            Phase::Rebuild => "rebuild and restore",
            Phase::Disrupted => "disrupted (clears by itself)",
            Phase::Switching => "failover switching",
            Phase::ServiceDown => "service down",
        }
    }

    fn colour(self) -> RGBColor {
        match self {
            Phase::Detect => RGBColor(190, 190, 190),
            Phase::Waiting => colour(1),
            Phase::Repair => colour(0),
            Phase::Rebuild => RGBColor(20, 60, 130),
            Phase::Disrupted => colour(4),
            Phase::Switching => colour(9),
            Phase::ServiceDown => colour(3),
        }
    }
}

/// One row of the chart: a component or a service, and its bars.
#[derive(Debug, Clone)]
struct Row {
    /// Index of the component in the scenario.
    component: usize,
    /// The component's name for people.
    label: String,
    /// Whether it is a business service (service rows come first).
    is_service: bool,
    /// (phase, start, end), hours from the strike, each longer than zero.
    bars: Vec<(Phase, f64, f64)>,
}

/// Turns a trace into rows: services first, then the components hit, in
/// the order they were hit.
fn rows(scenario: &Scenario, trace: &[TraceEvent]) -> Vec<Row> {
    #[derive(Default, Clone)]
    struct State {
        hit: Option<(f64, Effect)>,
        ready: Option<f64>,
        started: Option<f64>,
        down: Option<f64>,
        switching: Option<f64>,
        first: Option<f64>,
        bars: Vec<(Phase, f64, f64)>,
    }
    let n = scenario.components.len();
    let mut st = vec![State::default(); n];
    for e in trace {
        let c = e.component as usize;
        if c >= n {
            continue;
        }
        let s = &mut st[c];
        let t = e.time;
        match e.kind {
            TraceKind::Hit(effect) => {
                s.first.get_or_insert(t);
                // A destroy on a damaged component upgrades its hit.
                s.hit = match s.hit {
                    None => Some((t, effect)),
                    Some((t0, Effect::Damage)) if effect == Effect::Destroy => Some((t0, effect)),
                    Some(hit) => Some(hit),
                };
            }
            TraceKind::Ready => {
                if let Some((t0, _)) = s.hit {
                    s.bars.push((Phase::Detect, t0, t));
                }
                s.ready = Some(t);
            }
            TraceKind::Started => {
                if let Some(r) = s.ready.take() {
                    s.bars.push((Phase::Waiting, r, t));
                }
                s.started = Some(t);
            }
            TraceKind::Repaired => {
                let phase = match s.hit.map(|h| h.1) {
                    Some(Effect::Destroy) => Phase::Rebuild,
                    Some(Effect::Damage | Effect::Disrupt) | None => Phase::Repair,
                };
                if let Some(t0) = s.started.take() {
                    s.bars.push((phase, t0, t));
                }
                s.hit = None;
                s.ready = None;
            }
            TraceKind::Cleared => {
                if let Some((t0, _)) = s.hit.take() {
                    s.bars.push((Phase::Disrupted, t0, t));
                }
            }
            TraceKind::SwitchStarted => {
                s.first.get_or_insert(t);
                s.switching = Some(t);
            }
            TraceKind::Switched => {
                if let Some(t0) = s.switching.take() {
                    s.bars.push((Phase::Switching, t0, t));
                }
            }
            TraceKind::Down => {
                if scenario.components[c].is_service() {
                    s.first.get_or_insert(t);
                    s.down = Some(t);
                }
            }
            TraceKind::Up => {
                if let Some(t0) = s.down.take() {
                    s.bars.push((Phase::ServiceDown, t0, t));
                }
            }
        }
    }
    let mut out: Vec<Row> = st
        .into_iter()
        .enumerate()
        .filter(|(c, s)| s.bars.iter().any(|b| b.2 > b.1) || (scenario.components[*c].is_service()))
        .map(|(c, s)| Row {
            component: c,
            label: scenario.components[c].label().to_string(),
            is_service: scenario.components[c].is_service(),
            bars: s.bars.into_iter().filter(|b| b.2 > b.1).collect(),
        })
        .collect();
    // Keep each row's first time for ordering.
    let first = |r: &Row| r.bars.iter().map(|b| b.1).fold(f64::INFINITY, f64::min);
    out.sort_by(|a, b| {
        b.is_service.cmp(&a.is_service).then_with(|| {
            if a.is_service {
                a.component.cmp(&b.component)
            } else {
                first(a)
                    .total_cmp(&first(b))
                    .then(a.component.cmp(&b.component))
            }
        })
    });
    out
}

/// The Gantt chart of one traced trial.
struct Timeline {
    /// The chart's heading.
    title: String,
    /// Its rows, top to bottom.
    rows: Vec<Row>,
}

const ROW_H: i32 = 24;
const LEFT: u32 = 320;

impl Timeline {
    fn end(&self) -> f64 {
        self.rows
            .iter()
            .flat_map(|r| r.bars.iter().map(|b| b.2))
            .fold(0.0, f64::max)
    }
}

impl Draw for Timeline {
    fn size(&self) -> (u32, u32) {
        (1000, (150 + ROW_H * self.rows.len().max(1) as i32) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let end = self.end().max(1e-3);
        // Days read better than hundreds of hours.
        let (scale, unit) = if end > 96.0 {
            (24.0, "days")
        } else {
            (1.0, "hours")
        };
        let x_max = end / scale * 1.03;
        let n = self.rows.len().max(1) as f64;
        let (area, legend) = root.split_vertically(root.dim_in_pixel().1 - 44);
        let mut chart = ChartBuilder::on(&area)
            .caption(truncate(&self.title, 120), ("sans-serif", 14))
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(LEFT)
            .build_cartesian_2d(0.0f64..x_max, n..0.0f64)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(format!("{} after the strike", capitalise(unit)))
            .x_label_formatter(&|x| {
                if x_max > 10.0 {
                    format!("{x:.0}")
                } else {
                    format!("{x:.1}")
                }
            })
            .axis_desc_style(("sans-serif", 14))
            .label_style(("sans-serif", 12))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(fail)?;
        for (i, row) in self.rows.iter().enumerate() {
            let y = i as f64;
            if row.is_service {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y), (x_max, y + 1.0)],
                        RGBColor(250, 240, 240).filled(),
                    )))
                    .map_err(fail)?;
            }
            chart
                .draw_series(row.bars.iter().map(|&(phase, a, b)| {
                    Rectangle::new(
                        [(a / scale, y + 0.18), (b / scale, y + 0.82)],
                        phase.colour().filled(),
                    )
                }))
                .map_err(fail)?;
            let (px, py) = chart.backend_coord(&(0.0, y + 0.5));
            let label = if row.is_service {
                format!("Service: {}", truncate(&row.label, 34))
            } else {
                truncate(&row.label, 44)
            };
            root.draw(&Text::new(
                label,
                (px - 8, py),
                ("sans-serif", 12)
                    .into_font()
                    .color(&RGBColor(30, 30, 30))
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(fail)?;
        }
        // Legend along the bottom: the phases that occur, wrapped to the width.
        let width = root.dim_in_pixel().0 as i32;
        let (mut x, mut y) = (20, 10);
        for phase in Phase::ALL {
            if !self
                .rows
                .iter()
                .any(|r| r.bars.iter().any(|b| b.0 == phase))
            {
                continue;
            }
            let step = 34 + 7 * phase.label().chars().count() as i32;
            if x + step > width - 10 {
                x = 20;
                y += 18;
            }
            legend
                .draw(&Rectangle::new(
                    [(x, y), (x + 14, y + 12)],
                    phase.colour().filled(),
                ))
                .map_err(fail)?;
            legend
                .draw(&Text::new(
                    phase.label(),
                    (x + 20, y + 6),
                    ("sans-serif", 12)
                        .into_font()
                        .color(&RGBColor(30, 30, 30))
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(fail)?;
            x += step;
        }
        Ok(())
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The timeline chart and its data.
pub fn figure(scenario: &Scenario, title: String, trace: &[TraceEvent]) -> Result<Figure, String> {
    let rows = rows(scenario, trace);
    let mut csv = Table::new(["component", "name", "phase", "start_h", "end_h"]);
    for r in &rows {
        for &(phase, a, b) in &r.bars {
            csv.row([
                Cell::from(&scenario.components[r.component].id),
                Cell::from(&r.label),
                Cell::from(phase.label()),
                a.into(),
                b.into(),
            ]);
        }
    }
    let csv = csv.finish();
    Figure::new(
        "recovery-timeline",
        title.clone(),
        Timeline { title, rows },
        csv,
    )
}
