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

const NODE_W: i32 = 172;
const NODE_H: i32 = 44;
const GROUP_W: i32 = 88;
const GAP: i32 = 12;
/// A row of nodes: a node and the space under it.
const ROW_H: i32 = 54;
/// The space between layers, where most lines run.
const LAYER_GAP: i32 = 16;
/// The space a graph has when printed, mm: an A4 page turned a quarter,
/// inside its margins, less the caption (`figure.graph` in report.css).
/// The layout wraps wide layers into rows so that the graph's shape fits
/// it best.
pub const PRINTED_MM: (f64, f64) = (250.0, 180.0);

/// The size of every text in the graph (plotters' size; the SVG's is
/// smaller by 1.24): 18 keeps them at 6 pt or more on the page for the
/// bundled scenarios (a test checks).
const FONT: i32 = 18;
const TOP: i32 = 90;
const MARGIN: i32 = 16;
const COLUMN_GAP: i32 = 18;

#[derive(Debug, Clone)]
struct Node {
    /// Two lines of text.
    label: (String, String),
    kind: Option<Kind>,
    column: usize,
    layer: usize,
    /// Its row within its layer, when the layer's cell wraps.
    row: usize,
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
    /// Where each layer's first row starts, pixels from the top; one more
    /// at the end: where the last layer ends.
    layer_top: Vec<i32>,
    width: i32,
    /// Which nodes are drawn: a service's graph leaves out what it does
    /// not need.
    shown: Vec<bool>,
}

impl GraphChart {
    /// The vertical centre of a node.
    fn centre_y(&self, v: &Node) -> i32 {
        self.layer_top[v.layer] + ROW_H * v.row as i32 + NODE_H / 2
    }
    /// The bottom of the last layer.
    fn bottom(&self) -> i32 {
        *self.layer_top.last().expect("at least one layer")
    }
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

/// Lays the scenario's graph out: the whole of it, or (`service`) that
/// service and everything it needs.
fn layout(s: &Scenario, graph: &DependencyGraph, service: Option<usize>) -> GraphChart {
    let n = s.components.len();
    let in_view: Vec<bool> = (0..n)
        .map(|c| match service {
            None => true,
            Some(svc) => c == svc || graph.services_supported_by(c).contains(&svc),
        })
        .collect();
    let mut nodes: Vec<Node> = s
        .components
        .iter()
        .map(|c| Node {
            label: wrap2(c.label(), 18),
            kind: Some(c.kind),
            column: c.site.map_or(0, |x| x + 1),
            layer: 0,
            row: 0,
            x: 0,
        })
        .collect();
    let mut edges = Vec::new();
    // Group nodes: one per k-of-n or failover requirement.
    let mut groups: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n]; // per component: (requirement, node)
    for (c, comp) in s.components.iter().enumerate() {
        if !in_view[c] {
            continue;
        }
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
                row: 0,
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
    // Group nodes (after the components) are all in view.
    let shown = |i: usize| i >= n || in_view[i];
    let mut layers = (0..nodes.len())
        .filter(|&i| shown(i))
        .map(|i| nodes[i].layer)
        .max()
        .unwrap_or(0)
        + 1;
    // Components nothing needs (and that are not services) go to the bottom.
    let needed: Vec<bool> = {
        let mut v = vec![false; nodes.len()];
        for &(_, lower, _) in &edges {
            v[lower] = true;
        }
        v
    };
    for c in 0..n {
        if in_view[c] && !needed[c] && !s.components[c].is_service() && layers > 1 {
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
    for (i, v) in nodes.iter().enumerate().filter(|&(i, _)| shown(i)) {
        cells[v.layer][v.column].push(i);
    }
    // A cell's nodes wrap into rows of `per_row[column]`: from no wrapping,
    // the column with the most to a row gives one up at a time, and the
    // shape that prints largest on the page (PRINTED_MM) is kept (group
    // diamonds count as whole nodes).
    let slot = NODE_W + GAP;
    let longest: Vec<usize> = (0..ncol)
        .map(|col| (0..layers).map(|l| cells[l][col].len()).max().unwrap_or(0))
        .collect();
    let size = |per_row: &[usize]| -> (i32, i32) {
        let cols: Vec<i32> = per_row
            .iter()
            .filter(|&&k| k > 0)
            .map(|&k| (k as i32 * slot).max(GROUP_W + GAP))
            .collect();
        let width =
            cols.iter().sum::<i32>() + COLUMN_GAP * (cols.len() as i32 - 1).max(0) + 2 * MARGIN;
        let rows: i32 = cells
            .iter()
            .map(|row| {
                (0..ncol)
                    .map(|col| row[col].len().div_ceil(per_row[col].max(1)))
                    .max()
                    .unwrap_or(0)
                    .max(1) as i32
            })
            .sum();
        (
            width,
            TOP + 30 + rows * ROW_H + layers as i32 * LAYER_GAP + 20,
        )
    };
    // Past the scale at which the text prints at 8 pt, a larger print
    // buys nothing: a small graph is not wrapped for it (and its site
    // columns keep room for their names).
    let enough = 8.0 * 0.3528 / (FONT as f64 / 1.24);
    let printed = |(w, h): (i32, i32)| {
        (PRINTED_MM.0 / w as f64)
            .min(PRINTED_MM.1 / h as f64)
            .min(enough)
    };
    let mut per_row = longest.clone();
    let mut best = (printed(size(&per_row)), per_row.clone());
    loop {
        let (col, &most) = per_row
            .iter()
            .enumerate()
            .max_by_key(|&(c, &k)| (k, std::cmp::Reverse(c)))
            .expect("a column");
        if most <= 1 {
            break;
        }
        per_row[col] -= 1;
        let scale = printed(size(&per_row));
        if scale > best.0 {
            best = (scale, per_row.clone());
        }
    }
    let per_row = best.1;
    let col_width: Vec<i32> = (0..ncol)
        .map(|col| {
            if longest[col] == 0 {
                0
            } else {
                (per_row[col] as i32 * slot).max(GROUP_W + GAP)
            }
        })
        .collect();
    // Each layer is as many rows deep as its deepest cell.
    let mut layer_top = Vec::with_capacity(layers + 1);
    let mut y = TOP + 30;
    for row in &cells {
        layer_top.push(y);
        let rows = (0..ncol)
            .map(|col| row[col].len().div_ceil(per_row[col].max(1)))
            .max()
            .unwrap_or(0)
            .max(1);
        y += ROW_H * rows as i32 + LAYER_GAP;
    }
    layer_top.push(y);
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
        columns.push((label, x, col_width[col]));
        x += col_width[col] + COLUMN_GAP;
    }
    let width = (x - COLUMN_GAP + MARGIN).max(700);
    let place = |nodes: &mut Vec<Node>, cells: &Vec<Vec<Vec<usize>>>| {
        for row in cells {
            for (col, cell) in row.iter().enumerate() {
                for (r, chunk) in cell.chunks(per_row[col].max(1)).enumerate() {
                    let total: i32 = chunk.iter().map(|&i| width_of(&nodes[i]) + GAP).sum();
                    let mut x = col_x[col] + (col_width[col] - total) / 2 + GAP / 2;
                    for &i in chunk {
                        let w = width_of(&nodes[i]);
                        nodes[i].x = x + w / 2;
                        nodes[i].row = r;
                        x += w + GAP;
                    }
                }
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
    let nodes_len = nodes.len();
    let title = match service {
        None => format!("Dependency graph: {}", s.name),
        Some(svc) => format!("What {} needs", s.components[svc].label()),
    };
    GraphChart {
        title,
        nodes,
        edges,
        columns,
        layer_top,
        width,
        shown: (0..nodes_len).map(shown).collect(),
    }
}

impl Draw for GraphChart {
    fn size(&self) -> (u32, u32) {
        (self.width as u32, (self.bottom() + 20) as u32)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(fail)?;
        let ink = RGBColor(30, 30, 30);
        root.draw(&Text::new(
            truncate(&self.title, 100),
            (MARGIN, 12),
            ("sans-serif", FONT + 5).into_font().color(&ink),
        ))
        .map_err(fail)?;
        // Legend under the title: the kinds, then how to read the lines.
        let mut lx = MARGIN;
        let font = |size: i32, colour: RGBColor| {
            ("sans-serif", size)
                .into_font()
                .color(&colour)
                .pos(Pos::new(HPos::Left, VPos::Center))
        };
        for (label, kind) in LEGEND {
            let swatch = [(lx, 40), (lx + 16, 54)];
            root.draw(&Rectangle::new(swatch, kind_colour(Some(kind)).filled()))
                .map_err(fail)?;
            root.draw(&Rectangle::new(swatch, ink.stroke_width(1)))
                .map_err(fail)?;
            root.draw(&Text::new(label, (lx + 22, 47), font(FONT, ink)))
                .map_err(fail)?;
            lx += 40 + 9 * label.len() as i32;
        }
        let note = "Arrows point from a component to what it needs. Diamonds: redundancy (k of n members needed, or failover); dashed: a failover member.";
        root.draw(&Text::new(
            note,
            (MARGIN, 70),
            font(FONT, RGBColor(70, 70, 70)),
        ))
        .map_err(fail)?;
        // Site columns.
        let bottom = self.bottom();
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
            let chars = ((*w - 12) / 9).max(8) as usize;
            root.draw(&Text::new(
                truncate(label, chars),
                (*x + 6, TOP + 6),
                ("sans-serif", FONT).into_font().color(&ink),
            ))
            .map_err(fail)?;
        }
        // Edges under the nodes.
        let half_h = |i: usize| {
            if self.nodes[i].kind.is_some() {
                NODE_H / 2
            } else {
                14
            }
        };
        let centre_y = |i: usize| self.centre_y(&self.nodes[i]);
        for &(upper, lower, line) in &self.edges {
            let a = (self.nodes[upper].x, centre_y(upper) + half_h(upper));
            let b = (self.nodes[lower].x, centre_y(lower) - half_h(lower));
            let grey = RGBColor(120, 120, 120);
            match line {
                Line::Failover => root
                    .draw(&DashedPathElement::new(
                        vec![b, a],
                        6,
                        4,
                        grey.stroke_width(1),
                    ))
                    .map_err(fail)?,
                _ => root
                    .draw(&PathElement::new(vec![b, a], grey.stroke_width(1)))
                    .map_err(fail)?,
            }
            root.draw(&Polygon::new(arrowhead(a, b), grey.filled()))
                .map_err(fail)?;
        }
        for v in self
            .nodes
            .iter()
            .zip(&self.shown)
            .filter(|x| *x.1)
            .map(|x| x.0)
        {
            let cy = self.centre_y(v);
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
                    let font = ("sans-serif", FONT)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    if v.label.1.is_empty() {
                        root.draw(&Text::new(v.label.0.clone(), (v.x, cy), font))
                            .map_err(fail)?;
                    } else {
                        root.draw(&Text::new(v.label.0.clone(), (v.x, cy - 9), font.clone()))
                            .map_err(fail)?;
                        root.draw(&Text::new(v.label.1.clone(), (v.x, cy + 9), font))
                            .map_err(fail)?;
                    }
                }
                None => {
                    let pts = vec![
                        (v.x, cy - 14),
                        (v.x + GROUP_W / 2, cy),
                        (v.x, cy + 14),
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
                        ("sans-serif", FONT)
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

/// A small filled triangle at `to`, pointing along the line from `from`.
fn arrowhead(from: (i32, i32), to: (i32, i32)) -> Vec<(i32, i32)> {
    let (dx, dy) = ((to.0 - from.0) as f64, (to.1 - from.1) as f64);
    let len = dx.hypot(dy).max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (size, half) = (9.0, 4.0);
    let base = (to.0 as f64 - ux * size, to.1 as f64 - uy * size);
    let p = |x: f64, y: f64| (x.round() as i32, y.round() as i32);
    vec![
        to,
        p(base.0 - uy * half, base.1 + ux * half),
        p(base.0 + uy * half, base.1 - ux * half),
    ]
}

/// The dependency graph chart and its edges as CSV.
pub fn figure(s: &Scenario, graph: &DependencyGraph) -> Result<Figure, String> {
    let mut csv = Table::new(["dependent", "dependency", "requirement"]);
    for c in &s.components {
        for req in &c.depends_on {
            let how = requirement_words(req);
            for &m in req.members() {
                csv.row([
                    Cell::from(&c.id),
                    Cell::from(&s.components[m].id),
                    Cell::from(&how),
                ]);
            }
        }
    }
    let chart = layout(s, graph, None);
    Figure::new("dependency-graph", chart.title.clone(), chart, csv.finish())
}

/// The graph of one service and everything it needs (the component
/// `service`), with its edges as CSV.
pub fn service_figure(
    s: &Scenario,
    graph: &DependencyGraph,
    service: usize,
) -> Result<Figure, String> {
    let chart = layout(s, graph, Some(service));
    let mut csv = Table::new(["dependent", "dependency", "requirement"]);
    for (c, comp) in s.components.iter().enumerate() {
        if !chart.shown[c] {
            continue;
        }
        for req in &comp.depends_on {
            for &m in req.members() {
                csv.row([
                    Cell::from(&comp.id),
                    Cell::from(&s.components[m].id),
                    Cell::from(&requirement_words(req)),
                ]);
            }
        }
    }
    let name = format!(
        "dependency-graph-{}",
        super::slug(&s.components[service].id)
    );
    Figure::new(name, chart.title.clone(), chart, csv.finish())
}

/// How a requirement is written in the graph's CSV.
fn requirement_words(req: &Requirement) -> String {
    match req {
        Requirement::Plain(_) => "requires".to_string(),
        Requirement::AtLeast { k, of } => format!("at least {k} of {}", of.len()),
        Requirement::Failover { .. } => "failover member".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: every text of each bundled service's graph is at least
    /// 6 pt when the graph is printed as large as fits PRINTED_MM (as the
    /// report's print style sheet sizes it), read from the SVG itself.
    #[test]
    fn service_graphs_print_their_text_at_6_pt_or_more() {
        for (name, yaml) in [
            ("hospital", include_str!("../../../scenarios/hospital.yaml")),
            ("bank", include_str!("../../../scenarios/bank.yaml")),
            ("retail", include_str!("../../../scenarios/retail.yaml")),
        ] {
            let s = crate::scenario::load_str(yaml, name).unwrap().scenario;
            let graph = DependencyGraph::build(&s);
            for (svc, c) in s.services() {
                let f = service_figure(&s, &graph, svc).unwrap();
                let svg: &str = &f.svg;
                let number = |key: &str, from: &str| -> f64 {
                    let rest = &from[from.find(key).unwrap() + key.len()..];
                    rest[..rest.find('"').unwrap()].parse().unwrap()
                };
                let (w, h) = (number("width=\"", svg), number("height=\"", svg));
                let mm_per_px = (PRINTED_MM.0 / w).min(PRINTED_MM.1 / h);
                let smallest = svg
                    .split("font-size=\"")
                    .skip(1)
                    .map(|x| x[..x.find('"').unwrap()].parse::<f64>().unwrap())
                    .fold(f64::INFINITY, f64::min);
                let pt = smallest * mm_per_px / 0.3528;
                assert!(pt >= 6.0, "{name} {}: {pt:.2} pt ({w}x{h})", c.id);
            }
        }
    }
}
