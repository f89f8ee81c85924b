//! The sections from the drills, where each threat strikes at time zero:
//! the heat map of RTOs met, each threat in detail, and one traced recovery.

use super::losses;
use super::plain_words::drill_sentence;
use super::words::{component_label, drill_label, hours_words, lower_first, threat_label};
use super::{markup, Input, Markup, Out};
use crate::report::charts;
use crate::report::format::{
    data_loss_cell, fine_percent, hours, met_cell, money, percent, plus_minus_percent,
    quantile_range, target_cell,
};
use crate::report::text::worst_service;
use crate::sim::DrillResults;

/// Every threat against every service in one chart: where to look first.
pub(super) fn heatmap(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    if input.drills.is_empty() {
        out.line(Markup::literal("<p>No threats were drilled.</p>"));
        return Ok(());
    }
    let named: Vec<(String, &DrillResults)> = input
        .drills
        .iter()
        .map(|d| (drill_label(s, d).to_string(), d))
        .collect();
    let heat = charts::heatmap::figure(&named)?;
    out.figure(
        heat,
        Markup::literal("Each cell: the chance that the service is back within its RTO after that threat strikes. Red: rarely; green: almost always."));
    Ok(())
}

/// One article per drilled threat: its worst service in a sentence, the
/// table, and the recovery and data-loss curves; the threats that affected
/// no service in any simulated strike in one line after them, with nothing
/// to chart.
pub(super) fn each(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    if input.drills.iter().any(|d| worst_service(d).is_some()) {
        out.line(Markup::literal(
            "<p class=\"note\">Each threat that affected a service: a sentence on the service that fares worst, the table of every service (<code>drsim drill</code> also splits each loss by cause), and two charts. Recovery time: the share of simulated strikes after which each service is back within the time on the horizontal axis; where a curve crosses its RTO (dashed; the legend gives each service's, black when several share one) is the chance of meeting it. Data lost (drawn only when some service lost data): the share of strikes losing at most that span of data, RPOs dashed; a curve that stops below 100% shows the share of strikes in which no backup survives.</p>",
        ));
        // Said once for every table that has a disruption column.
        if input.drills.iter().any(DrillResults::any_wrt) {
            out.line(Markup::literal(losses::DISRUPTION_NOTE));
        }
    }
    let mut harmless: Vec<&str> = Vec::new();
    for d in input.drills {
        let id = d.threat.as_deref().unwrap_or("");
        let label = threat_label(s, id);
        let Some(svc) = worst_service(d) else {
            harmless.push(label);
            continue;
        };
        out.line(markup!(
            "<article class=\"drill\" id=\"drill-{}\">\n<h3>{}</h3>",
            charts::slug(id),
            label
        ));
        let lost_all: Vec<Markup> = d
            .services
            .iter()
            .filter(|x| x.total_data_loss.p >= 0.01)
            .map(|x| {
                markup!(
                    " {} loses all its data (no backup survives) in {} ({}) of strikes.",
                    x.name,
                    percent(x.total_data_loss.p),
                    plus_minus_percent(x.total_data_loss.ci95)
                )
            })
            .collect();
        out.line(markup!(
            "<p>{}{}</p>",
            drill_sentence(label, svc),
            Markup::join(lost_all, "")
        ));
        drill_table(out, d);
        out.line(markup!(
            "<p>Loss of one strike: mean {} (95% interval {} – {}); 1 strike in 10 costs more than {} (95% interval {}).</p>",
            money(d.loss.mean, &d.currency),
            money(d.loss.ci95[0], &d.currency),
            money(d.loss.ci95[1], &d.currency),
            money(d.loss.p90, &d.currency),
            quantile_range(d.loss.p90_ci95, |x| money(x, &d.currency))
        ));
        // The two charts side by side.
        out.line(Markup::literal("<div class=\"pair\">"));
        let rec = charts::recovery::figure(d, label)?;
        out.figure(
            rec,
            Markup::literal(
                "Recovery time: share of strikes after which each service is back by then.",
            ),
        );
        // Data loss is charted only when some service lost data.
        if d.services
            .iter()
            .any(|x| x.data_loss_h.max > 0.0 || x.total_data_loss.p > 0.0)
        {
            let loss = charts::data_loss::figure(d, label)?;
            out.figure(
                loss,
                Markup::literal("Data lost: share of strikes losing at most that span of data."),
            );
        }
        out.line(Markup::literal("</div>\n</article>"));
    }
    if !harmless.is_empty() {
        out.line(markup!(
            "<p class=\"harmless\">Drilled, and no service had an outage or lost data in any simulated strike: {}.</p>",
            harmless.join(", ")
        ));
    }
    Ok(())
}

fn drill_table(out: &mut Out, d: &DrillResults) {
    let cur = &d.currency;
    let wrt = d.any_wrt();
    out.line(markup!(
        "<table><thead><tr><th>Service</th><th>Hit</th><th>Recovery p50 / p90 / p99</th><th>RTO</th><th>P(RTO met)</th>{}<th>Data loss p50 / p90</th><th>RPO</th><th>P(RPO met)</th><th>All data lost</th><th>Loss (mean)</th></tr></thead><tbody>",
        if wrt {
            Markup::literal("<th>Disruption (mean, p90)</th><th>MTPD</th><th>P(MTPD met)</th>")
        } else {
            Markup::default()
        }
    ));
    for s in &d.services {
        let rec = s.detail.recovery_h;
        let disruption = if wrt {
            markup!(
                "<td>{} ({})</td><td>{}</td><td>{}</td>",
                hours(s.disruption_h.mean),
                hours(s.disruption_h.p90),
                target_cell(s.mtpd_h),
                met_cell(s.mtpd_met.as_ref())
            )
        } else {
            Markup::default()
        };
        out.line(markup!(
            "<tr><td>{}</td><td>{}</td><td>{} / {} / {}</td><td>{}</td><td>{}</td>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s.name,
            fine_percent(s.affected.p),
            hours(rec.p50),
            hours(rec.p90),
            hours(rec.p99),
            target_cell(s.rto_h),
            met_cell(s.rto_met.as_ref()),
            disruption,
            data_loss_cell(s),
            target_cell(s.rpo_h),
            met_cell(s.rpo_met.as_ref()),
            percent(s.total_data_loss.p),
            money(s.loss.mean, cur)
        ));
    }
    out.line(Markup::literal("</tbody></table>"));
}

/// The representative trial (see `representative_choice`) as a Gantt
/// chart, so the board sees one recovery unfold and not only its odds.
pub(super) fn timeline(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let Some(r) = input.representative else {
        out.line(Markup::literal(
            "<p>No drilled threat affected any service, so there is no recovery to show.</p>",
        ));
        return Ok(());
    };
    let threat = threat_label(s, &r.threat);
    let service = component_label(s, &r.service);
    let title = format!(
        "{}: median trial for {}, back after {}",
        threat,
        service,
        hours_words(r.recovery_h)
    );
    out.line(markup!(
        "<p>One simulated strike (trial {}) of the threat that costs most per strike: {}. It is the trial in which {} took the median time to recover, {}: half the simulated strikes were quicker, half slower. Each bar shows when a component was hit, waited to be noticed or for its team, and was repaired or rebuilt; red bars show when each service was down.</p>",
        r.trial,
        lower_first(threat),
        service,
        hours_words(r.recovery_h)
    ));
    let tl = charts::timeline::figure(s, title, &r.trace)?;
    out.figure(
        tl,
        Markup::literal("Recovery timeline (a Gantt chart) of one representative trial."),
    );
    Ok(())
}
