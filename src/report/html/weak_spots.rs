//! The sections about the scenario's structure: the weak spots (single
//! points of failure and what started the downtime) and the dependency
//! graph they come from.

use super::words::{component_label, lower_first, threat_label};
use super::{markup, Input, Markup, Out};
use crate::report::charts;
use crate::report::format::percent;
use crate::scenario::ComponentId;

/// Per service: its single points of failure (from the dependency graph)
/// and, when the annual run explained its downtime, what started it.
pub(super) fn write(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let annual = input.annual;
    let services: Vec<Option<ComponentId>> = annual
        .services
        .iter()
        .map(|r| s.component_index(&r.id))
        .collect();
    out.line(Markup::literal(
        "<p>A single point of failure is a component whose loss alone takes the service down, with everything else working. The causes of downtime come from the simulated years: the share of each service's downtime that began with each threat (or with components failing on their own) and with a hit on each component. A strike hits its targets at the same instant, so an outage it started is shared equally among the components it took down that the service needs (not a spare whose group still holds): identical hosts get identical shares; past 16 such components, the outage is credited to many hits at once.</p>",
    ));
    let explained = annual.services.iter().any(|r| r.explain.is_some());
    out.push(Markup::literal(
        "<table class=\"weak-spots\"><thead><tr><th>Service</th><th class=\"l\">Single points of failure</th>",
    ));
    if explained {
        out.push(Markup::literal(
            "<th class=\"l\">Downtime started by (top 3)</th><th class=\"l\">Started by a hit on (top 3)</th>",
        ));
    }
    out.line(Markup::literal("</tr></thead><tbody>"));
    for ((r, c), set) in annual
        .services
        .iter()
        .zip(services)
        .zip(input.single_points)
    {
        let points = c
            .map(|c| {
                set.iter()
                    .filter(|&&x| x != c)
                    .map(|&x| Markup::text(s.components[x].label()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let points = if points.is_empty() {
            Markup::literal("none")
        } else {
            Markup::join(points, ", ")
        };
        out.push(markup!(
            "<tr><td>{}</td><td class=\"l\">{}</td>",
            r.name,
            points
        ));
        if explained {
            match &r.explain {
                Some(e) if !e.by_component.is_empty() => {
                    out.push(markup!(
                        "<td class=\"l\">{}</td><td class=\"l\">{}</td>",
                        top_shares(&e.by_threat, |id| {
                            if id == crate::sim::INDEPENDENT_FAILURES {
                                lower_first(crate::sim::INDEPENDENT_FAILURES_NAME)
                            } else {
                                threat_label(s, id).to_string()
                            }
                        }),
                        top_shares(&e.by_component, |id| component_label(s, id).to_string())
                    ));
                }
                _ => {
                    out.push(Markup::literal(
                        "<td class=\"l\" colspan=\"2\">never down in the simulated years</td>",
                    ));
                }
            }
        }
        out.line(Markup::literal("</tr>"));
    }
    out.line(Markup::literal("</tbody></table>"));
    Ok(())
}

/// `a (40%), b (25%), c (10%)`: the first three of a ranked share list.
fn top_shares(shares: &[(String, f64)], label: impl Fn(&str) -> String) -> Markup {
    let items: Vec<Markup> = shares
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .take(3)
        .map(|(id, share)| markup!("{} ({})", label(id), percent(*share)))
        .collect();
    if items.is_empty() {
        Markup::literal("–")
    } else {
        Markup::join(items, ", ")
    }
}

/// One graph per important business service (those with an impact
/// tolerance, an MTPD; every service when none has one): the service and
/// everything it needs, each printed on a landscape page with its labels
/// at 6 pt or more; on screen it fits the column at about that scale. The
/// whole graph is in `drsim
/// graph` and, with `--charts`, `dependency-graph.svg`.
pub(super) fn graph(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let important: Vec<usize> = s
        .services()
        .filter(|(_, c)| c.mtpd.is_some())
        .map(|(i, _)| i)
        .collect();
    let shown: Vec<usize> = if important.is_empty() {
        s.services().map(|(i, _)| i).collect()
    } else {
        important.clone()
    };
    out.line(markup!(
        "<p>{} Business services at the top; everything they depend on below, grouped by site (columns). Arrows point from a component to what it needs; diamonds are redundancy: k of n members needed, or a failover group with a standby (dashed). The whole graph: <code>drsim graph</code> (DOT or Mermaid).</p>",
        if important.is_empty() {
            Markup::literal("What each service needs.")
        } else {
            Markup::literal("What each important business service (one with an impact tolerance, an MTPD) needs.")
        }
    ));
    for &svc in &shown {
        let f = charts::dependency_graph::service_figure(s, input.graph, svc)?;
        let caption = markup!(
            "What {} needs, directly or through other components.",
            s.components[svc].label()
        );
        out.figure_graph(f, caption);
    }
    // The whole graph only for --charts: too large to read on a page.
    out.figures
        .push(charts::dependency_graph::figure(s, input.graph)?);
    Ok(())
}
