//! The impact tolerance self-assessment: each service with an MTPD against
//! each drilled threat (a severe but plausible scenario), in the terms of
//! the UK FCA PS21/3 and PRA SS1/21, with the breach points; the figures
//! and their words come from `report::tolerance`, as `drsim tolerance`
//! prints them.

use super::words::target_words;
use super::{markup, Input, Markup, Out};
use crate::report::format::{hours, percent, plus_minus_percent};
use crate::report::tolerance::{breach_cell, breach_sentence, breaks_cell, p90_cell, DEFINITIONS};
use crate::sim::tolerance::{Assessment, Breach, ThreatTolerance, WITHIN_SHARE};

/// Whether the report has the section: some service has an MTPD and some
/// threat was drilled.
pub(super) fn shown(input: &Input) -> bool {
    input.tolerance.iter().any(|t| !t.services.is_empty())
}

/// Whether a threat left the service within its tolerance in every
/// simulated strike, however long recoveries took: nothing to say but its
/// name.
fn untouched(a: &Assessment) -> bool {
    a.within.p == 1.0 && a.breach == Breach::Never
}

/// The services with an MTPD and the threats that can breach it, worst
/// chance first within each service: `(threat, assessment)`.
fn rows<'a>(input: &'a Input) -> Vec<(&'a ThreatTolerance, &'a Assessment)> {
    let mut rows: Vec<_> = input
        .tolerance
        .iter()
        .flat_map(|t| t.services.iter().map(move |a| (t, a)))
        .filter(|(_, a)| !untouched(a))
        .collect();
    let order = |id: &str| input.scenario.component_index(id).unwrap_or(usize::MAX);
    rows.sort_by(|(_, a), (_, b)| {
        order(&a.service)
            .cmp(&order(&b.service))
            .then(a.within.p.total_cmp(&b.within.p))
    });
    rows
}

/// The verdict in one sentence, for the summary at the top.
pub(super) fn verdict(input: &Input) -> Option<Markup> {
    if !shown(input) {
        return None;
    }
    let services = input.tolerance.first().map_or(0, |t| t.services.len());
    // The cases that can disrupt a service, and those of them in which it
    // is not likely to stay within its tolerance.
    let cases = rows(input);
    let worst: Vec<_> = cases
        .iter()
        .filter(|(_, a)| a.within.p < WITHIN_SHARE)
        .collect();
    if worst.is_empty() {
        return Some(markup!(
            "<p><strong>Impact tolerance:</strong> each of the {} service{} with an impact tolerance (MTPD) stays within it in at least {} of the simulated strikes of every drilled threat. <a href=\"#impact-tolerance\">Details and breach points</a>.</p>",
            services,
            if services == 1 { "" } else { "s" },
            percent(WITHIN_SHARE)
        ));
    }
    let items: Vec<Markup> = worst
        .iter()
        .map(|(t, a)| {
            markup!(
                "{} after {} (within its {} tolerance in {} {})",
                a.name,
                super::words::lower_first(&t.name),
                target_words(a.mtpd_h),
                percent(a.within.p),
                plus_minus_percent(a.within.ci95)
            )
        })
        .collect();
    Some(markup!(
        "<p><strong>Impact tolerance:</strong> in {} of the {} drilled case{} that can disrupt a service with an MTPD, the service stays within its tolerance in fewer than {} of the simulated strikes: {}. <a href=\"#impact-tolerance\">Details and breach points</a>.</p>",
        worst.len(),
        cases.len(),
        if cases.len() == 1 { "" } else { "s" },
        percent(WITHIN_SHARE),
        Markup::join(items, "; ")
    ))
}

/// The section: the table, a sentence per breach point, the threats that
/// leave every service within tolerance, and what the figures mean.
pub(super) fn write(out: &mut Out, input: &Input) -> Result<(), String> {
    out.line(Markup::literal(
        "<p>For each service with an impact tolerance (its maximum tolerable period of disruption, MTPD) and each drilled threat, taken as a severe but plausible scenario: the chance that the service remains within its tolerance, with its 95% interval; the disruption that 1 strike in 10 exceeds; what most often breaks the tolerance (the component whose recovery brought the service back last, as a share of the strikes that breach it); and the <em>breach point</em>, how much longer every recovery can take before the service stays within tolerance in fewer than 90% of strikes.</p>",
    ));
    let rows = rows(input);
    if !rows.is_empty() {
        out.line(Markup::literal(
            "<table class=\"tolerance\"><thead><tr><th>Service</th><th class=\"l\">Threat</th><th>Tolerance</th><th>P(within)</th><th>Disruption p90 (95% interval)</th><th class=\"l\">What breaks it</th><th>Breach point (95% interval)</th></tr></thead><tbody>",
        ));
        for (t, a) in &rows {
            out.line(markup!(
                "<tr><td>{}</td><td class=\"l\">{}</td><td>{}</td><td>{} {}</td><td>{}</td><td class=\"l\">{}</td><td>{}</td></tr>",
                a.name,
                t.name,
                hours(a.mtpd_h),
                percent(a.within.p),
                plus_minus_percent(a.within.ci95),
                p90_cell(a),
                breaks_cell(a),
                breach_cell(&a.breach)
            ));
        }
        out.line(Markup::literal("</tbody></table>"));
        out.line(Markup::literal("<ul class=\"sentences\">"));
        for (_, a) in rows
            .iter()
            .filter(|(_, a)| matches!(a.breach, Breach::At { .. }))
        {
            out.line(markup!("<li>{}</li>", breach_sentence(a)));
        }
        out.line(Markup::literal("</ul>"));
    }
    let calm: Vec<&str> = input
        .tolerance
        .iter()
        .filter(|t| !t.services.is_empty() && t.services.iter().all(untouched))
        .map(|t| t.name.as_str())
        .collect();
    if !calm.is_empty() {
        out.line(markup!(
            "<p class=\"calm\">Every service stays within its tolerance in every simulated strike of: {}.</p>",
            calm.join(", ")
        ));
    }
    out.line(markup!("<p class=\"note\">{}</p>", DEFINITIONS.join(" ")));
    Ok(())
}
