//! The sections from the annual run: the loss exceedance curve against the
//! board's risk tolerance, and a year of operation service by service.

use super::losses;
use super::plain_words::appetite_sentence;
use super::words::{count, one_period, periods};
use super::{markup, Input, Markup, Out};
use crate::report::charts;
use crate::report::format::{hours, met_cell, money, percent, quantile_range};
use crate::sim::RunResults;

/// The loss exceedance curve against the board's risk tolerance. The
/// caption repeats the plain-words sentence, so the chart and the words
/// cannot disagree.
pub(super) fn appetite(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let annual = input.annual;
    let lec = charts::loss_exceedance::figure(charts::loss_exceedance::LossExceedance {
        curve: annual.loss_exceedance.clone(),
        occurrence: annual.occurrence_exceedance.clone(),
        tolerance: s.risk_tolerance.clone(),
        currency: annual.currency.clone(),
        trials: annual.trials,
        period: one_period(annual),
    })?;
    let caption = match appetite_sentence(annual, s) {
        Some(sentence) => markup!(
            "The blue curve is the chance that a year's loss (all its incidents together) exceeds the amount on the horizontal axis; the thin dashed curve, the chance that its costliest single incident does (a threat's strike or an independent failure); the red dashed line is the board's risk tolerance (<code>risk_tolerance</code>), read against the blue curve. {}",
            sentence
        ),
        None => Markup::literal("The blue curve is the chance that a year's loss (all its incidents together) exceeds the amount on the horizontal axis; the thin dashed curve, the chance that its costliest single incident does (a threat's strike or an independent failure). The scenario sets no <code>risk_tolerance</code> to compare them with."),
    };
    out.figure(lec, caption);
    tail_table(out, annual);
    Ok(())
}

/// The bad years: the loss exceeded 1 year in 10, 100 and 200 and the mean
/// of the years at least that bad, with their 95% intervals.
fn tail_table(out: &mut Out, r: &RunResults) {
    if r.loss_tail.is_empty() {
        return;
    }
    let cur = |x: f64| money(x, &r.currency);
    let many = periods(r);
    out.line(markup!(
        "<table class=\"tail\"><thead><tr><th>Bad {}</th><th>Loss exceeded (value at risk)</th><th>Mean loss of those {} (tail value at risk)</th><th>Costliest single incident exceeded (occurrence)</th></tr></thead><tbody>",
        many.clone(),
        many
    ));
    for (t, o) in r.loss_tail.iter().zip(&r.occurrence_tail) {
        out.line(markup!(
            "<tr><td>1 in {}</td><td><strong>{}</strong> ({})</td><td>{} ({})</td><td>{} ({})</td></tr>",
            t.one_in,
            cur(t.tail.var),
            quantile_range(t.tail.var_ci95, cur),
            cur(t.tail.tvar),
            quantile_range(t.tail.tvar_ci95, cur),
            cur(o.tail.var),
            quantile_range(o.tail.var_ci95, cur)
        ));
    }
    out.line(markup!(
        "</tbody></table>\n<p class=\"note\">In brackets, 95% intervals: the quantile's from order statistics, the tail mean's from its standard error and the uncertainty of where the tail starts. An incident is a threat's strike or an independent failure; an outage counts for the incident during which it began. \"or more\": too few simulated {} lie beyond it to bound it from above; run more trials.</p>",
        periods(r)
    ));
}

/// Each service over the simulated years, all failures and threats
/// together: what a normal year costs, beside the drills' single strikes.
pub(super) fn year(out: &mut Out, input: &Input) -> Result<(), String> {
    let annual = input.annual;
    out.line(markup!(
        "<p>{} simulated {}, with independent failures and all threats arriving at random.</p>",
        count(annual.trials),
        periods(annual)
    ));
    annual_table(out, annual);
    losses::by_cause(out, annual, &format!("mean over {}", one_period(annual)));
    let down = charts::downtime::figure(annual)?;
    out.figure(
        down,
        Markup::literal("Share of simulated years in which each service is down for at most the hours on the horizontal axis, all outages added up."));
    Ok(())
}

/// One row per service. The ± is the half-width of the mean loss's 95%
/// interval before it is cut at zero, as in the text table: half the cut
/// interval would shrink with the cut.
fn annual_table(out: &mut Out, r: &RunResults) {
    let cur = &r.currency;
    let wrt = r.any_wrt();
    out.line(markup!(
        "<table><thead><tr><th>Service</th><th>Availability</th><th>Downtime (mean, p90)</th>{}<th>Outages (mean)</th><th>P(no outage beyond RTO)</th><th>Data lost (mean)</th><th>Loss (mean ± 95%)</th></tr></thead><tbody>",
        if wrt {
            Markup::literal("<th>Disruption (mean, p90)</th>")
        } else {
            Markup::default()
        }
    ));
    for s in &r.services {
        let disruption = if wrt {
            markup!(
                "<td>{} ({})</td>",
                hours(s.disruption_h.mean),
                hours(s.disruption_h.p90)
            )
        } else {
            Markup::default()
        };
        out.line(markup!(
            "<tr><td>{}</td><td>{}</td><td>{} ({})</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{} ±{}</td></tr>",
            s.name,
            percent(s.detail.availability.mean),
            hours(s.downtime_h.mean),
            hours(s.downtime_h.p90),
            disruption,
            format!("{:.2}", s.detail.outages.mean),
            met_cell(s.rto_met.as_ref()),
            hours(s.data_loss_h.mean),
            money(s.loss.mean, cur),
            money(s.loss.half_width, cur)
        ));
    }
    out.line(Markup::literal("</tbody></table>"));
    if wrt {
        out.line(Markup::literal(losses::DISRUPTION_NOTE));
    }
}
