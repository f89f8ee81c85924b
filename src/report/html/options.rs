//! The investment options section, from the comparison of each option with
//! the base scenario on the same random events.

use super::{markup, Input, Markup, Out};
use crate::report::charts;
use crate::report::format::{money, percent};
use crate::sim::Comparison;

/// The options by net benefit, and the efficient frontier. The section is
/// shown only with a comparison, so the `else` is never taken.
pub(super) fn write(out: &mut Out, input: &Input) -> Result<(), String> {
    let Some(c) = input.comparison else {
        return Ok(());
    };
    // The decision is at the top of the report; here, how sure it is.
    if let Some(words) = crate::report::compare::package_words(c) {
        for s in &words.sentences[words.headline..] {
            out.line(markup!("<p>{}</p>", s));
        }
    }
    comparison_table(out, c);
    let frontier = charts::frontier::figure(c)?;
    out.figure(
        frontier,
        Markup::literal("Each option's annual cost against the expected annual loss that remains with it (the base scenario at zero cost), with the 95% interval of that loss. The green line is the efficient frontier: the choices that no cheaper choice beats. An option off the line (hollow) costs more than another that leaves less loss."),
    );
    Ok(())
}

fn comparison_table(out: &mut Out, c: &Comparison) {
    let cur = &c.currency;
    let signed = |x: f64| {
        if x > 0.0 {
            format!("+{}", money(x, cur))
        } else {
            money(x, cur)
        }
    };
    let mut options: Vec<_> = c.options.iter().collect();
    options.sort_by(|a, b| {
        b.net_benefit
            .total_cmp(&a.net_benefit)
            .then(a.id.cmp(&b.id))
    });
    out.line(markup!(
        "<p>Base expected annual loss: <strong>{}</strong> (95% interval {} – {}). Each option was simulated on the same random events as the base (common random numbers), so the change in loss is measured precisely. Sorted by net benefit.</p>",
        money(c.base_ale.mean, cur),
        money(c.base_ale.ci95[0], cur),
        money(c.base_ale.ci95[1], cur)
    ));
    out.line(markup!(
        "<table><thead><tr><th>Option</th><th>Annual cost</th><th>Change in annual loss (95% interval)</th><th>Net benefit per year</th><th>Return on investment</th><th>Payback</th><th>P(a better year)</th></tr></thead><tbody>"
    ));
    for o in options {
        out.line(markup!(
            "<tr><td>{}</td><td>{}</td><td>{} ({} … {})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            o.name,
            money(o.annual_cost, cur),
            signed(o.ale_change.mean),
            signed(o.ale_change.ci95[0]),
            signed(o.ale_change.ci95[1]),
            signed(o.net_benefit),
            o.roi.map_or("–".into(), |r| format!("{:+.0}%", r * 100.0)),
            crate::report::compare::payback_cell(o),
            o.p_better.map_or("–".into(), |p| percent(p.p))
        ));
    }
    out.line(Markup::literal("</tbody></table>"));
    out.line(markup!(
        "<p class=\"note\">{}</p>",
        crate::report::compare::DEFINITIONS.join(" ")
    ));
    if let Some(best) = c
        .options
        .iter()
        .filter(|o| o.net_benefit > 0.0 && o.ale_change.ci95[1] < 0.0)
        .max_by(|a, b| a.net_benefit.total_cmp(&b.net_benefit))
    {
        out.line(markup!(
            "<p>Best value: <strong>{}</strong> cuts the expected annual loss by {} (95% interval {} – {}) for {} a year.</p>",
            best.name,
            money(-best.ale_change.mean, cur),
            money(-best.ale_change.ci95[1], cur),
            money(-best.ale_change.ci95[0], cur),
            money(best.annual_cost, cur)
        ));
    } else {
        out.line(Markup::literal("<p>No option clearly pays for itself: none has a positive net benefit with a loss reduction outside the noise.</p>"));
    }
}
