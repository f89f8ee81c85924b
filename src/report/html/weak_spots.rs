//! The sections about the scenario's structure: the weak spots (single
//! points of failure and what started the downtime) and the dependency
//! graph they come from.

use super::words::{component_label, threat_label};
use super::{escape, Input, Out};
use crate::report::charts;
use crate::report::format::percent;
use crate::scenario::ComponentId;
use std::fmt::Write;

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
    let _ = writeln!(
        out,
        "<p>A single point of failure is a component whose loss alone takes the service down, with everything else working. The causes of downtime come from the simulated years: the share of each service's downtime that began with each threat (or with components failing on their own) and with a hit on each component.</p>"
    );
    let explained = annual.services.iter().any(|r| r.explain.is_some());
    let _ = write!(
        out,
        "<table class=\"weak-spots\"><thead><tr><th>Service</th><th class=\"l\">Single points of failure</th>"
    );
    if explained {
        let _ = write!(
            out,
            "<th class=\"l\">Downtime started by (top 3)</th><th class=\"l\">Started by a hit on (top 3)</th>"
        );
    }
    let _ = writeln!(out, "</tr></thead><tbody>");
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
                    .map(|&x| escape(s.components[x].label()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let points = if points.is_empty() {
            "none".to_string()
        } else {
            points.join(", ")
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"l\">{}</td>",
            escape(&r.name),
            points
        );
        if explained {
            match &r.explain {
                Some(e) if !e.by_component.is_empty() => {
                    let _ = write!(
                        out,
                        "<td class=\"l\">{}</td><td class=\"l\">{}</td>",
                        top_shares(&e.by_threat, |id| {
                            if id == crate::sim::INDEPENDENT_FAILURES {
                                "components failing on their own".to_string()
                            } else {
                                threat_label(s, id).to_string()
                            }
                        }),
                        top_shares(&e.by_component, |id| component_label(s, id).to_string())
                    );
                }
                _ => {
                    let _ = write!(
                        out,
                        "<td class=\"l\" colspan=\"2\">never down in the simulated years</td>"
                    );
                }
            }
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody></table>");
    Ok(())
}

/// `a (40%), b (25%), c (10%)`: the first three of a ranked share list.
fn top_shares(shares: &[(String, f64)], label: impl Fn(&str) -> String) -> String {
    let items: Vec<String> = shares
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .take(3)
        .map(|(id, share)| format!("{} ({})", escape(&label(id)), percent(*share)))
        .collect();
    if items.is_empty() {
        "–".into()
    } else {
        items.join(", ")
    }
}

/// Drawn wide: a large graph keeps legible labels and scrolls on screen
/// rather than shrinking to the column.
pub(super) fn graph(out: &mut Out, input: &Input) -> Result<(), String> {
    let graph = charts::dependency_graph::figure(input.scenario, input.graph)?;
    out.figure(
        graph,
        "Business services at the top; everything they depend on below, grouped by site. Diamonds are redundancy: k of n members needed, or a failover group with a standby.",
        true,
    );
    Ok(())
}
