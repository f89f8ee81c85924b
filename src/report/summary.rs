//! The one-screen summary printed by `drsim check`.

use super::format::{hours, money};
use crate::graph::DependencyGraph;
use crate::scenario::{
    ComponentId, Diagnostic, Effect, InvestmentOption, Kind, Scenario, HOURS_PER_YEAR,
};
use std::fmt::Write;

/// The most items a list in the summary names; the rest are counted.
const MAX_LISTED: usize = 20;

/// `items` joined with commas, the first [`MAX_LISTED`] of them and then
/// how many more: the summary stays one screen for a large estate.
fn listed(items: &[impl AsRef<str>]) -> String {
    let shown: Vec<&str> = items.iter().take(MAX_LISTED).map(AsRef::as_ref).collect();
    match items.len().checked_sub(MAX_LISTED) {
        Some(more) if more > 0 => format!("{}, and {more} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}

/// Summary of a valid scenario, with its options and warnings.
pub fn render(
    s: &Scenario,
    options: &[InvestmentOption],
    g: &DependencyGraph,
    file: &str,
    warnings: &[Diagnostic],
) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "{} — valid ({file})", s.name);
    if let Some(d) = &s.description {
        let _ = writeln!(w, "{}", d.trim());
    }
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .filter_map(|k| {
            let n = s.components.iter().filter(|c| c.kind == *k).count();
            (n > 0).then(|| format!("{n} {}", k.as_str()))
        })
        .collect();
    let _ = writeln!(
        w,
        "\nComponents: {} ({})\nSites: {}   Teams: {}   Threats: {}   Longest dependency chain: {}   Horizon: {}",
        s.components.len(),
        kinds.join(", "),
        s.sites.len(),
        s.teams.len(),
        s.threats.len(),
        g.depth(),
        hours(s.horizon)
    );

    let _ = writeln!(w, "\nServices (targets and impact):");
    let width = s.services().map(|(_, c)| c.id.len()).max().unwrap_or(0);
    for (_, c) in s.services() {
        let mut parts = Vec::new();
        for (name, t) in [("RTO", c.rto), ("RPO", c.rpo), ("MTPD", c.mtpd)] {
            if let Some(t) = t {
                parts.push(format!("{name} {}", hours(t)));
            }
        }
        if c.impact.per_hour > 0.0 {
            parts.push(format!("{}/h down", money(c.impact.per_hour, &s.currency)));
        }
        if c.impact.per_hour_data_lost > 0.0 {
            parts.push(format!(
                "{}/h of data lost",
                money(c.impact.per_hour_data_lost, &s.currency)
            ));
        }
        if c.impact.per_incident > 0.0 {
            parts.push(format!(
                "{}/incident",
                money(c.impact.per_incident, &s.currency)
            ));
        }
        if let Some(price) = c.impact.per_total_data_loss {
            parts.push(format!("{}/total data loss", money(price, &s.currency)));
        }
        if !c.impact.over_time.is_empty() {
            let n = c.impact.over_time.len();
            parts.push(format!(
                "{n} impact step{} over time",
                if n == 1 { "" } else { "s" }
            ));
        }
        if let Some(wrt) = &c.wrt {
            parts.push(format!("work recovery {}", wrt.describe()));
        }
        let name = if c.name.is_some() { c.label() } else { "" };
        let _ = writeln!(w, "  {:width$}  {}  {}", c.id, name, parts.join(", "));
    }
    let defaulted: Vec<&str> = s
        .services()
        .filter(|(_, c)| c.impact.total_loss_price_is_default())
        .map(|(_, c)| c.id.as_str())
        .collect();
    if !defaulted.is_empty() {
        let _ = writeln!(
            w,
            "\nA total loss of data is priced at a year of data (8760 × per_hour_data_lost) for: {}.\n  Set impact.per_total_data_loss on a service to price it yourself.",
            listed(&defaulted)
        );
    }

    let cheap = cheap_total_losses(s, g);
    if !cheap.is_empty() {
        let _ = writeln!(
            w,
            "\nA total loss of data is priced below a restore that could be needed (advice on backups may look backwards):"
        );
        for line in cheap.iter().take(MAX_LISTED) {
            let _ = writeln!(w, "  {line}");
        }
        if let Some(more) = cheap.len().checked_sub(MAX_LISTED).filter(|m| *m > 0) {
            let _ = writeln!(w, "  and {more} more");
        }
        let _ = writeln!(
            w,
            "  Raise impact.per_total_data_loss, or leave it out to price a total loss at a year of data."
        );
    }

    if !s.threats.is_empty() {
        let _ = writeln!(w, "\nThreats (yearly frequency):");
        let width = s.threats.iter().map(|t| t.id.len()).max().unwrap_or(0);
        for t in &s.threats {
            let freq = match t.per_year() {
                Some(py) => format!("{py:.3}/yr (every {})", hours(HOURS_PER_YEAR / py)),
                None => "drill only".into(),
            };
            let effect = match t.effect.kind() {
                Effect::Disrupt => "disrupts",
                Effect::Damage => "damages",
                Effect::Destroy => "destroys",
            };
            let chances = t.targets.iter().map(|x| x.chance);
            let low = chances.clone().fold(1.0, f64::min);
            let high = chances.fold(0.0, f64::max);
            let chance = if low < high {
                format!(" with chances {:.0}-{:.0}%", low * 100.0, high * 100.0)
            } else if low < 1.0 {
                format!(" each with chance {:.0}%", low * 100.0)
            } else {
                String::new()
            };
            let backups = if t.effect.reaches_backups() {
                ", reaches online backups"
            } else {
                ""
            };
            let _ = writeln!(
                w,
                "  {:width$}  {freq:24}  {effect} {} component{}{chance}{backups}",
                t.id,
                t.targets.len(),
                if t.targets.len() == 1 { "" } else { "s" }
            );
        }
    }

    if !s.teams.is_empty() {
        let teams: Vec<String> = s
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let looks_after = s.components.iter().filter(|c| c.team == Some(i)).count();
                format!("{} ×{} ({looks_after} components)", t.id, t.size)
            })
            .collect();
        let _ = writeln!(w, "\nTeams: {}", listed(&teams));
    }

    if !options.is_empty() {
        let _ = writeln!(
            w,
            "\nOptions (annual cost = upfront / lifetime + per year):"
        );
        let width = options.iter().map(|o| o.id.len()).max().unwrap_or(0);
        for o in options {
            let _ = writeln!(
                w,
                "  {:width$}  {}/yr  {}",
                o.id,
                money(o.annual_cost(), &s.currency),
                o.name.as_deref().unwrap_or("")
            );
        }
    }

    let services: Vec<ComponentId> = s.services().map(|(i, _)| i).collect();
    let spof = crate::graph::single_points_of_failure(s, g, &services);
    let mut lines = Vec::new();
    for ((i, c), set) in s.services().zip(&spof) {
        let alone: Vec<&str> = set
            .iter()
            .filter(|&&x| x != i)
            .map(|&x| s.components[x].id.as_str())
            .collect();
        if !alone.is_empty() {
            lines.push(format!("  {}: {}", c.id, listed(&alone)));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(
            w,
            "\nSingle points of failure (one loss takes the service down):"
        );
        for line in lines {
            let _ = writeln!(w, "{line}");
        }
    }

    let unused: Vec<&str> = g
        .unused()
        .into_iter()
        .map(|c| s.components[c].id.as_str())
        .collect();
    if !unused.is_empty() {
        let _ = writeln!(
            w,
            "\nNot needed by any service ({}): {}",
            unused.len(),
            listed(&unused)
        );
    }
    if !warnings.is_empty() {
        let _ = writeln!(w, "\nWarnings:");
        for d in warnings {
            let mut line = String::new();
            let _ = d.render(&mut line, file, "warning");
            let _ = writeln!(w, "  {}", line.replace('\n', "\n  "));
        }
    }
    out
}

/// The services whose own price of a total data loss is below what a
/// restore of their oldest kept point could cost (`per_hour_data_lost` ×
/// the longest retention of the backups below them; a tier that keeps its
/// points for ever counts as a year, the default price's span), one line
/// each. Losing everything then costs less than restoring, so an option
/// that saves the data can show as a loss (spec 13.7).
fn cheap_total_losses(s: &Scenario, g: &DependencyGraph) -> Vec<String> {
    // The longest retention of any tier at or below each component, hours.
    let mut kept = vec![0.0f64; s.components.len()];
    for &c in g.topological_order() {
        let comp = &s.components[c];
        let own = comp
            .backups
            .iter()
            .map(|b| b.keep.unwrap_or(HOURS_PER_YEAR));
        let below = comp.dependencies().map(|d| kept[d]);
        kept[c] = own.chain(below).fold(0.0, f64::max);
    }
    s.services()
        .filter_map(|(c, svc)| {
            let price = svc.impact.per_total_data_loss?;
            let rate = svc.impact.per_hour_data_lost;
            let restore = rate * kept[c];
            (price < restore).then(|| {
                format!(
                    "{}: {} per total loss, the price of {} of data at {}/h; its backups keep points up to {} ({})",
                    svc.id,
                    money(price, &s.currency),
                    hours(price / rate),
                    money(rate, &s.currency),
                    hours(kept[c]),
                    money(restore, &s.currency)
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let ids: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let text = listed(&ids);
        assert!(text.starts_with("c0, c1, "), "{text}");
        assert!(text.ends_with("c19, and 980 more"), "{text}");
        let few: Vec<String> = ids.iter().take(MAX_LISTED).cloned().collect();
        assert_eq!(listed(&few), few.join(", "));
    }
}
