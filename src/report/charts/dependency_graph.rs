//! The dependency graph: business services at the top, what they need
//! below, sites as columns, redundancy groups (k of n, failover) as small
//! diamonds between the members and what needs them.
//!
//! A layered layout of our own: each node sits one layer below the lowest
//! thing that needs it (longest path from the services), nodes are grouped
//! by site into columns, and within a layer ordered by the mean position of
//! their neighbours (barycentre sweeps) to keep lines short.

use super::{fail, truncate, wrap2, Draw, Figure};
use crate::graph::DependencyGraph;
use crate::report::csv::{Cell, Table};
use crate::scenario::{Kind, Requirement, Scenario};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const NODE_W: i32 = 150;
const NODE_H: i32 = 40;
const GROUP_W: i32 = 64;
const GAP: i32 = 12;
const LAYER_H: i32 = 84;
const TOP: i32 = 84;
const MARGIN: i32 = 16;
const COLUMN_GAP: i32 = 18;

#[derive(Debug, Clone)]
struct Node {
    /// Two lines of text.
    label: (String, String),
    kind: Option<Kind>,
    column: usize,
    layer: usize,
    x: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Plain,
    Quorum,
    Failover,
}

/// The dependency graph laid out: nodes placed in columns and layers,
/// ready to draw.
struct GraphChart {
    title: String,
    nodes: Vec<Node>,
    /// (upper, lower, style): the lower one is needed by the upper one.
    edges: Vec<(usize, usize, Line)>,
    columns: Vec<(String, i32, i32)>, // label, x, width
    layers: usize,
    width: i32,
}

fn kind_colour(kind: Option<Kind>) -> RGBColor {
    match kind {
        None => RGBColor(255, 255, 255),
        Some(Kind::Service) => RGBColor(198, 219, 239),
        Some(Kind::Application) => RGBColor(199, 233, 192),
        Some(Kind::Database) | Some(Kind::Storage) => RGBColor(253, 208, 162),
        Some(Kind::Server) => RGBColor(218, 218, 235),
        Some(Kind::Network) => RGBColor(204, 236, 230),
        Some(Kind::Power) => RGBColor(255, 237, 160),
        Some(Kind::Supplier) | Some(Kind::People) => RGBColor(252, 197, 192),
        Some(Kind::Site) | Some(Kind::Other) => RGBColor(240, 240, 240),
    }
}

const LEGEND: [(&str, Kind); 8] = [
    ("service", Kind::Service),
    ("application", Kind::Application),
    ("database / storage", Kind::Database),
    ("server", Kind::Server),
    ("network", Kind::Network),
    ("power", Kind::Power),
    ("supplier / people", Kind::Supplier),
    ("other", Kind::Other),
];

/// Lays the scenario's graph out.
fn layout(s: &Scenario, graph: &DependencyGraph) -> GraphChart {
    let n = s.components.len();
    let mut nodes: Vec<Node> = s
        .components
        .iter()
        .map(|c| Node {
            label: wrap2(c.label(), 22),
            kind: Some(c.kind),
            column: c.site.map_or(0, |x| x + 1),
            layer: 0,
            x: 0,
        })
        .collect();
    let mut edges = Vec::new();
    // Group nodes: one per k-of-n or failover requirement.
    let mut groups: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n]; // per component: (requirement, node)
    for (c, comp) in s.components.iter().enumerate() {
        for (g, req) in comp.depends_on.iter().enumerate() {
            let (label, line) = match req {
                Requirement::Plain(d) => {
                    edges.push((c, *d, Line::Plain));
                    continue;
                }
                Requirement::AtLeast { k, of } => (format!("{k} of {}", of.len()), Line::Quorum),
                Requirement::Failover { .. } => ("failover".to_string(), Line::Failover),
            };
            let members = req.members();
            let first_site = s.components[members[0]].site;
            let same_site = members.iter().all(|&m| s.components[m].site == first_site);
            let column = if same_site {
                first_site.map_or(0, |x| x + 1)
            } else {
                nodes[c].column
            };
            let id = nodes.len();
            nodes.push(Node {
                label: (label, String::new()),
                kind: None,
                column,
                layer: 0,
                x: 0,
            });
            groups[c].push((g, id));
            edges.push((c, id, Line::Plain));
            for &m in members {
                edges.push((id, m, line));
            }
        }
    }
    // Layers: from the services down, each node below everything that needs it.
    for &c in graph.topological_order().iter().rev() {
        let lc = nodes[c].layer;
        for req in &s.components[c].depends_on {
            if let Requirement::Plain(d) = req {
                nodes[*d].layer = nodes[*d].layer.max(lc + 1);
            }
        }
        for &(g, id) in &groups[c] {
            nodes[id].layer = lc + 1;
            for &m in s.components[c].depends_on[g].members() {
                nodes[m].layer = nodes[m].layer.max(lc + 2);
            }
        }
    }
    let mut layers = nodes.iter().map(|v| v.layer).max().unwrap_or(0) + 1;
    // Components nothing needs (and that are not services) go to the bottom.
    let needed: Vec<bool> = {
        let mut v = vec![false; nodes.len()];
        for &(_, lower, _) in &edges {
            v[lower] = true;
        }
        v
    };
    for c in 0..n {
        if !needed[c] && !s.components[c].is_service() && layers > 1 {
            nodes[c].layer = layers - 1;
        }
    }
    if nodes.is_empty() {
        layers = 1;
    }
    let ncol = s.sites.len() + 1;
    let width_of = |v: &Node| if v.kind.is_some() { NODE_W } else { GROUP_W };
    // Order within each (layer, column): barycentre sweeps down, up, down.
    let mut cells: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); ncol]; layers];
    for (i, v) in nodes.iter().enumerate() {
        cells[v.layer][v.column].push(i);
    }
    let col_width: Vec<i32> = (0..ncol)
        .map(|col| {
            (0..layers)
                .map(|l| {
                    cells[l][col]
                        .iter()
                        .map(|&i| width_of(&nodes[i]) + GAP)
                        .sum::<i32>()
                })
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut columns = Vec::new();
    let mut x = MARGIN;
    let mut col_x = vec![0; ncol];
    for col in 0..ncol {
        if col_width[col] == 0 {
            continue;
        }
        col_x[col] = x;
        let label = if col == 0 {
            "No site: services, shared and external".to_string()
        } else {
            let site = &s.sites[col - 1];
            site.name.clone().unwrap_or_else(|| site.id.clone())
        };
        let w = col_width[col].max(GROUP_W + GAP);
        columns.push((label, x, w));
        x += w + COLUMN_GAP;
    }
    let width = (x - COLUMN_GAP + MARGIN).max(700);
    let place = |nodes: &mut Vec<Node>, cells: &Vec<Vec<Vec<usize>>>| {
        for (l, row) in cells.iter().enumerate() {
            for (col, cell) in row.iter().enumerate() {
                let total: i32 = cell.iter().map(|&i| width_of(&nodes[i]) + GAP).sum();
                let mut x = col_x[col] + (col_width[col] - total) / 2 + GAP / 2;
                for &i in cell {
                    let w = width_of(&nodes[i]);
                    nodes[i].x = x + w / 2;
                    x += w + GAP;
                }
                let _ = l;
            }
        }
    };
    place(&mut nodes, &cells);
    let sweeps: [bool; 4] = [true, false, true, false];
    for down in sweeps {
        let order: Vec<usize> = if down {
            (1..layers).collect()
        } else {
            (0..layers.saturating_sub(1)).rev().collect()
        };
        for l in order {
            for cell in cells[l].iter_mut() {
                let mut keyed: Vec<(f64, usize, usize)> = cell
                    .iter()
                    .enumerate()
                    .map(|(pos, &i)| {
                        let xs: Vec<i32> = edges
                            .iter()
                            .filter_map(|&(u, w, _)| {
                                if down && w == i {
                                    Some(nodes[u].x)
                                } else if !down && u == i {
                                    Some(nodes[w].x)
                                } else {
                                    None
                                }
                            })
                            .collect();
                        let key = if xs.is_empty() {
                            nodes[i].x as f64
                        } else {
                            xs.iter().map(|&x| x as f64).sum::<f64>() / xs.len() as f64
                        };
                        (key, pos, i)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                *cell = keyed.into_iter().map(|k| k.2).collect();
            }
            place(&mut nodes, &cells);
        }
    }
    GraphChart {
        title: format!("Dependency graph: {}", s.name),
        nodes,
        edges,
        columns,
        layers,
        width,
    }
}

fn layer_y(l: usize) -> i32 {
    TOP + 30 + LAYER_H * l as i32
}

impl Draw for GraphChart {
    fn size(&self) -> (u32, u32) {
        (self.width as u32, (layer_y(self.layers) + 40) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let ink = RGBColor(30, 30, 30);
        root.draw(&Text::new(
            truncate(&self.title, 100),
            (MARGIN, 12),
            ("sans-serif", 20).into_font().color(&ink),
        ))
        .map_err(fail)?;
        // Legend under the title.
        let mut lx = MARGIN;
        for (label, kind) in LEGEND {
            root.draw(&Rectangle::new(
                [(lx, 44), (lx + 16, 58)],
                kind_colour(Some(kind)).filled(),
            ))
            .map_err(fail)?;
            root.draw(&Rectangle::new(
                [(lx, 44), (lx + 16, 58)],
                ink.stroke_width(1),
            ))
            .map_err(fail)?;
            root.draw(&Text::new(
                label,
                (lx + 22, 51),
                ("sans-serif", 12)
                    .into_font()
                    .color(&ink)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(fail)?;
            lx += 34 + 7 * label.len() as i32;
        }
        let note = "Lines join a component (below) to what needs it (above). Diamonds: redundancy (k of n, failover); dashed: failover standby.";
        root.draw(&Text::new(
            note,
            (lx + 10, 51),
            ("sans-serif", 12)
                .into_font()
                .color(&RGBColor(90, 90, 90))
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(fail)?;
        // Site columns.
        let bottom = layer_y(self.layers) + 10;
        for (label, x, w) in &self.columns {
            root.draw(&Rectangle::new(
                [(*x, TOP), (*x + *w, bottom)],
                RGBColor(247, 247, 247).filled(),
            ))
            .map_err(fail)?;
            root.draw(&Rectangle::new(
                [(*x, TOP), (*x + *w, bottom)],
                RGBColor(170, 170, 170).stroke_width(1),
            ))
            .map_err(fail)?;
            let chars = ((*w - 12) / 7).max(8) as usize;
            root.draw(&Text::new(
                truncate(label, chars),
                (*x + 6, TOP + 6),
                ("sans-serif", 13).into_font().color(&ink),
            ))
            .map_err(fail)?;
        }
        // Edges under the nodes.
        let half_h = |i: usize| {
            if self.nodes[i].kind.is_some() {
                NODE_H / 2
            } else {
                12
            }
        };
        let centre_y = |i: usize| layer_y(self.nodes[i].layer) + NODE_H / 2;
        for &(upper, lower, line) in &self.edges {
            let a = (self.nodes[upper].x, centre_y(upper) + half_h(upper));
            let b = (self.nodes[lower].x, centre_y(lower) - half_h(lower));
            match line {
                Line::Failover => root
                    .draw(&DashedPathElement::new(
                        vec![b, a],
                        6,
                        4,
                        RGBColor(120, 120, 120).stroke_width(1),
                    ))
                    .map_err(fail)?,
                _ => root
                    .draw(&PathElement::new(
                        vec![b, a],
                        RGBColor(140, 140, 140).stroke_width(1),
                    ))
                    .map_err(fail)?,
            }
        }
        for v in &self.nodes {
            let cy = layer_y(v.layer) + NODE_H / 2;
            match v.kind {
                Some(kind) => {
                    let rect = [
                        (v.x - NODE_W / 2, cy - NODE_H / 2),
                        (v.x + NODE_W / 2, cy + NODE_H / 2),
                    ];
                    root.draw(&Rectangle::new(rect, kind_colour(Some(kind)).filled()))
                        .map_err(fail)?;
                    let border = if kind == Kind::Service { 3 } else { 1 };
                    root.draw(&Rectangle::new(rect, ink.stroke_width(border)))
                        .map_err(fail)?;
                    let font = ("sans-serif", 11)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    if v.label.1.is_empty() {
                        root.draw(&Text::new(v.label.0.clone(), (v.x, cy), font))
                            .map_err(fail)?;
                    } else {
                        root.draw(&Text::new(v.label.0.clone(), (v.x, cy - 7), font.clone()))
                            .map_err(fail)?;
                        root.draw(&Text::new(v.label.1.clone(), (v.x, cy + 7), font))
                            .map_err(fail)?;
                    }
                }
                None => {
                    let pts = vec![
                        (v.x, cy - 12),
                        (v.x + GROUP_W / 2, cy),
                        (v.x, cy + 12),
                        (v.x - GROUP_W / 2, cy),
                    ];
                    root.draw(&Polygon::new(pts.clone(), RGBColor(255, 250, 220).filled()))
                        .map_err(fail)?;
                    let mut closed = pts.clone();
                    closed.push(pts[0]);
                    root.draw(&PathElement::new(closed, ink.stroke_width(1)))
                        .map_err(fail)?;
                    root.draw(&Text::new(
                        v.label.0.clone(),
                        (v.x, cy),
                        ("sans-serif", 10)
                            .into_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(fail)?;
                }
            }
        }
        Ok(())
    }
}

/// The dependency graph chart and its edges as CSV.
pub fn figure(s: &Scenario, graph: &DependencyGraph) -> Result<Figure, String> {
    let mut csv = Table::new(["dependent", "dependency", "requirement"]);
    for c in &s.components {
        for req in &c.depends_on {
            let how = match req {
                Requirement::Plain(_) => "requires".to_string(),
                Requirement::AtLeast { k, of } => format!("at least {k} of {}", of.len()),
                Requirement::Failover { .. } => "failover member".to_string(),
            };
            for &m in req.members() {
                csv.row([
                    Cell::from(&c.id),
                    Cell::from(&s.components[m].id),
                    Cell::from(&how),
                ]);
            }
        }
    }
    let chart = layout(s, graph);
    Figure::new("dependency-graph", chart.title.clone(), chart, csv.finish())
}
