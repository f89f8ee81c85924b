//! Calibration (`drsim report --actuals FILE`): what the DR tests and
//! incidents showed of each estimate, what that changes for the board, and
//! the estimates never tested that matter most. The figures and their
//! words are `report::calibrate`'s, as `drsim calibrate` prints them.

use super::{markup, Input, Markup, Out};
use crate::calibrate::duration_text;
use crate::report::calibrate::{verdict_sentence, UNTESTED_SHOWN};
use crate::report::format::{money, percent, signed_money};
use crate::report::sensitivity::label;

/// Whether the report has the section: it was given actuals.
pub(super) fn shown(input: &Input) -> bool {
    input.calibration.is_some()
}

pub(super) fn write(out: &mut Out, input: &Input) -> Result<(), String> {
    let Some(r) = &input.calibration else {
        return Ok(());
    };
    let c = r.calibration;
    out.line(markup!(
        "<p>{} measured duration{} from {} (DR tests, restore tests, incidents) updated {} of the scenario's estimates by Bayes' rule, each estimate counting as {} observations. Below: what was observed (median and 90th percentile, unfinished work counted as \"longer than\"), the estimate before and after, and how many observations fell inside the estimate's own 80% band (8 in 10 expected).</p>",
        c.observations,
        if c.observations == 1 { "" } else { "s" },
        r.actuals,
        c.estimates.len(),
        c.prior_weight.to_string()
    ));
    if !c.estimates.is_empty() {
        out.line(Markup::literal(
            "<table class=\"calibration\"><thead><tr><th class=\"l\">Estimate</th><th>Observed</th><th>Observed p50 / p90</th><th>Before p50 / p90</th><th>After p50 / p90</th><th>In its 80% band</th><th class=\"l\">Verdict</th></tr></thead><tbody>",
        ));
        for e in &c.estimates {
            let q = |d: &crate::scenario::Dist| {
                format!(
                    "{} / {}",
                    duration_text(d.sample(0.5)),
                    duration_text(d.sample(0.9))
                )
            };
            let obs = |x: Option<f64>| x.map_or("–".to_string(), duration_text);
            let open = e.observations.iter().filter(|o| o.censored).count();
            let band = e.band.as_ref().map_or("–".to_string(), |b| {
                format!("{} of {}", b.inside, b.below + b.inside + b.above)
            });
            out.line(markup!(
                "<tr><td class=\"l\">{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>",
                e.estimate.label,
                if open > 0 { format!("{} ({open} open)", e.observations.len()) } else { e.observations.len().to_string() },
                obs(e.observed_p50),
                obs(e.observed_p90),
                e.estimate.prior.as_ref().map_or("–".to_string(), q),
                q(&e.posterior),
                band,
                e.band.as_ref().map_or("no estimate before", |b| b.verdict.as_str())
            ));
        }
        out.line(Markup::literal("</tbody></table>"));
        let sentences: Vec<String> = c.estimates.iter().filter_map(verdict_sentence).collect();
        if !sentences.is_empty() {
            out.line(Markup::literal("<ul class=\"sentences\">"));
            for s in sentences {
                out.line(markup!("<li>{}</li>", s));
            }
            out.line(Markup::literal("</ul>"));
        }
    }
    if let Some(cmp) = r.impact {
        if let Some(after) = cmp.options.first() {
            let m = |x: f64| money(x, &cmp.currency);
            let d = &after.ale_change;
            out.line(markup!(
                "<p><strong>What it changes:</strong> the expected annual loss is {} with the calibrated estimates against {} before, a change of {} a year (95% interval {} to {}), on common random numbers (both versions see the same failures and strikes; {} trials).</p>",
                m(after.ale.mean),
                m(cmp.base_ale.mean),
                signed_money(d.mean, &cmp.currency),
                signed_money(d.ci95[0], &cmp.currency),
                signed_money(d.ci95[1], &cmp.currency),
                cmp.trials
            ));
            let mut items = Vec::new();
            for drill in &after.drills {
                for s in &drill.services {
                    let (Some(before), Some(change)) = (s.rto_met_base, s.rto_met_change) else {
                        continue;
                    };
                    // Only the changes the trials can tell from none.
                    if change.ci95[0] <= 0.0 && change.ci95[1] >= 0.0 {
                        continue;
                    }
                    let name = input
                        .scenario
                        .component_index(&s.service)
                        .map_or(s.service.as_str(), |i| input.scenario.components[i].label());
                    items.push(markup!(
                        "<li>{} after {}: P(RTO met) {} before, {} after</li>",
                        name,
                        drill.threat,
                        percent(before),
                        percent((before + change.mean).clamp(0.0, 1.0))
                    ));
                }
            }
            if !items.is_empty() {
                out.line(Markup::literal("<ul class=\"sentences\">"));
                for i in items {
                    out.line(i);
                }
                out.line(Markup::literal("</ul>"));
            }
        }
    }
    if let Some(list) = r.untested {
        if !list.is_empty() {
            let shown: Vec<Markup> = list
                .iter()
                .take(UNTESTED_SHOWN)
                .map(|u| markup!("{} ({})", label(&u.input), money(u.swing, &c.currency)))
                .collect();
            out.line(markup!(
                "<p><strong>Never tested:</strong> {} duration estimates no observation measured. Those that move the expected annual loss most when halved and doubled, to test next: {}.</p>",
                list.len(),
                Markup::join(shown, "; ")
            ));
        }
    }
    Ok(())
}
