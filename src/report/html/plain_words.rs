//! The plain-words section: what a board member reads first, and may read
//! alone. Its two sentences also appear further down (the appetite caption,
//! each threat's article), so they are made here once.

use super::words::{drill_label, hours_words, lower_first, target_words};
use super::{markup, Input, Markup, Out, PLAIN_WORDS};
use crate::report::compare::package_words;
use crate::report::format::{
    money, per_year, percent, period_noun, plus_minus_percent, quantile_range,
};
use crate::scenario::Scenario;
use crate::sim::{DrillDetail, RunResults, Search, ServiceResult};
use crate::stats;

/// The plain-words section as HTML (every scenario string escaped).
pub fn plain_words(input: &Input) -> Markup {
    let mut out = Out::default();
    write(&mut out, input);
    PLAIN_WORDS.wrap(&out.html)
}

/// The summary for the board, on two A4 pages: what to buy and what it
/// buys, the expected loss and the tails today, the appetite verdict, where
/// the loss comes from, the targets likely to be missed and the impact
/// tolerance verdict (every scenario string escaped). Each threat's
/// sentence is in its block of the appendix.
pub(super) fn write(w: &mut Out, input: &Input) {
    let s = input.scenario;
    let annual = input.annual;
    let cur = &annual.currency;
    let period = annual.horizon_h().map_or("year".to_string(), period_noun);
    recommendation(w, input);
    w.line(markup!(
        "<p class=\"lead\">Today, over a {}, the expected loss from all failures and threats is <strong>{}</strong> (95% interval {} – {}). One {} in 10 costs more than {} (95% interval {}), and one in 100 more than {} ({}).</p>",
        period,
        money(annual.loss.mean, cur),
        money(annual.loss.ci95[0], cur),
        money(annual.loss.ci95[1], cur),
        period,
        money(annual.loss.p90, cur),
        quantile_range(annual.loss.p90_ci95, |x| money(x, cur)),
        money(annual.loss.p99, cur),
        quantile_range(annual.loss.p99_ci95, |x| money(x, cur))
    ));
    if let Some(sentence) = appetite_sentence(annual, s) {
        w.line(markup!("<p class=\"appetite\">{}</p>", sentence));
    }

    risk_table(w, input, &period);
    misses(w, input);
    if let Some(verdict) = super::tolerance::verdict(input) {
        w.line(verdict);
    }
    w.line(Markup::literal(
        "<p class=\"note\">Figures after ± are the half-width of a 95% interval: the simulation's own sampling error, not the uncertainty in the scenario's estimates. The simulation supplements real tests of recovery; it does not replace them.</p>",
    ));
}

/// What to buy, from the package search, and what it buys: the decision,
/// the 1-in-100 loss and the risk tolerance with it. Nothing without
/// options to compare.
fn recommendation(w: &mut Out, input: &Input) {
    let Some(words) = input.comparison.and_then(package_words) else {
        return;
    };
    let (first, rest) = words.sentences[..words.headline]
        .split_first()
        .expect("a package has a headline");
    w.line(markup!(
        "<p class=\"recommend\"><strong>Recommendation: {}</strong>{}</p>",
        first,
        Markup::join(
            rest.iter().map(|x| markup!(" {}", x)).collect::<Vec<_>>(),
            ""
        )
    ));
    let searched = match input.comparison.and_then(|c| c.package.as_ref()) {
        Some(p) if p.search == Search::Greedy => "of the sets a greedy search simulated",
        _ => "of every set of the options, all simulated",
    };
    w.line(markup!(
        "<p class=\"note\">The package is the set with the highest net benefit (the expected annual loss it saves, less its annual cost) {} on the same trials. <a href=\"#options\">How sure the choice is, and every option</a>.</p>",
        searched
    ));
}

/// The services likely to miss a target (met in fewer than half the
/// drills' strikes), with what the targets mean.
fn misses(w: &mut Out, input: &Input) {
    let s = input.scenario;
    let annual = input.annual;
    w.line(Markup::literal(if annual.any_wrt() {
        "<h3>Services likely to miss their targets</h3>\n<p class=\"note\">RTO (recovery time objective): how soon a service must be back. RPO (recovery point objective): how much recent data, in hours, it may lose. MTPD (maximum tolerable period of disruption): the longest disruption the organisation can survive, the outage plus the work recovery time after it.</p>"
    } else {
        "<h3>Services likely to miss their targets</h3>\n<p class=\"note\">RTO (recovery time objective): how soon a service must be back. RPO (recovery point objective): how much recent data, in hours, it may lose. MTPD (maximum tolerable period of disruption): the longest outage the organisation can survive.</p>"
    }));
    let mut items = Vec::new();
    for (k, svc) in annual.services.iter().enumerate() {
        let mut parts = Vec::new();
        for (what, target) in [("RTO", svc.rto_h), ("RPO", svc.rpo_h), ("MTPD", svc.mtpd_h)] {
            let Some(target) = target else { continue };
            let misses: Vec<Markup> = input
                .drills
                .iter()
                .filter_map(|d| {
                    let r = d.services.get(k)?;
                    let met = match what {
                        "RTO" => r.rto_met,
                        "RPO" => r.rpo_met,
                        _ => r.mtpd_met,
                    }?;
                    (met.p < 0.5).then(|| {
                        markup!(
                            "{} (met in {} {})",
                            drill_label(s, d),
                            percent(met.p),
                            plus_minus_percent(met.ci95)
                        )
                    })
                })
                .collect();
            if !misses.is_empty() {
                parts.push(markup!(
                    "its {} {} after: {}",
                    target_words(target),
                    what,
                    Markup::join(misses, "; ")
                ));
            }
        }
        if !parts.is_empty() {
            items.push(markup!(
                "<li><strong>{}</strong> is likely to miss {}.</li>",
                svc.name,
                Markup::join(parts, ". It is also likely to miss ")
            ));
        }
    }
    if items.is_empty() {
        w.line(Markup::literal(
            "<p>No service is likely to miss its RTO, RPO or MTPD under any of the drilled threats (each is met in at least half of the simulated attacks).</p>",
        ));
    } else {
        w.line(markup!(
            "<p>A target counts as likely missed when it is met in fewer than half of the simulated attacks.</p>\n<ul class=\"misses\">\n{}\n</ul>",
            Markup::join(items, "\n")
        ));
    }
}

/// One sentence a board member understands, about one service after one threat.
pub(super) fn drill_sentence(threat: &str, s: &ServiceResult<DrillDetail>) -> String {
    let after = format!("After {}", lower_first(threat));
    let rec = s.detail.recovery_h;
    if s.affected.p == 0.0 {
        return format!("{after}, {} is never affected.", s.name);
    }
    let spread = match (rec.p50 > 0.0, rec.p90 > 0.0) {
        (true, _) => format!(
            "half the time it takes more than {}, and 1 time in 10 more than {}",
            hours_words(rec.p50),
            hours_words(rec.p90)
        ),
        (false, true) => format!(
            "more often than not it is not affected at all, but 1 time in 10 it takes more than {}",
            hours_words(rec.p90)
        ),
        (false, false) => format!(
            "it is affected in only {} of attacks, and 1 time in 100 it takes more than {}",
            percent(s.affected.p),
            hours_words(rec.p99)
        ),
    };
    match (s.rto_met, s.rto_h) {
        (Some(p), Some(rto)) => format!(
            "{after}, {} has a {} chance ({}) of being back within its {} target; {spread}.",
            s.name,
            percent(p.p),
            plus_minus_percent(p.ci95),
            target_words(rto),
        ),
        _ => format!("{after}, {} (which has no RTO): {spread}.", s.name),
    }
}

/// The sentence about the loss exceedance curve and the board's tolerance.
pub(super) fn appetite_sentence(annual: &RunResults, scenario: &Scenario) -> Option<String> {
    use crate::sim::appetite::{appetite, Appetite};
    let cur = &annual.currency;
    let n = annual.trials;
    let interval = |p: f64| {
        let k = (p * n as f64).round() as u64;
        plus_minus_percent(stats::wilson(k, n).ci95)
    };
    let verdict = appetite(&annual.loss_exceedance, &scenario.risk_tolerance)?;
    Some(match verdict {
        Appetite::Crosses {
            loss,
            worst_loss,
            worst_p,
            worst_tolerated,
        } => format!(
            "The loss exceedance curve crosses the board's risk tolerance at about {}: larger losses are more likely than the board accepts. A year losing more than {} has a {} chance ({}), where the board accepts {}.",
            money(loss, cur),
            money(worst_loss, cur),
            percent(worst_p),
            interval(worst_p),
            percent(worst_tolerated)
        ),
        Appetite::Below { loss, p, tolerated } => format!(
            "The loss exceedance curve stays below the board's risk tolerance everywhere; it comes closest at {}, where the chance of a worse year is {} ({}) against {} accepted.",
            money(loss, cur),
            percent(p),
            interval(p),
            percent(tolerated)
        ),
    })
}

/// Rows of the table of where the loss comes from, before the rest are
/// summed into one.
const RISK_ROWS: usize = 8;

/// The table of where the expected loss comes from: the run's loss by what
/// started it, largest first (the rest in one row), then the total; each
/// threat with the mean cost of one strike and its 1-in-10 from the drill.
fn risk_table(w: &mut Out, input: &Input, period: &str) {
    let annual = input.annual;
    let cur = &annual.currency;
    let (mut rows, _) = annual.threats_by_loss();
    if rows.is_empty() {
        return;
    }
    // One row left over is shown as it is, not as "1 other threat".
    let rest = if rows.len() > RISK_ROWS + 1 {
        rows.split_off(RISK_ROWS)
    } else {
        Vec::new()
    };
    w.line(markup!(
        "<h3>Where the expected loss comes from</h3>\n<p>Each loss in the simulated {}s is charged to the threat's strike (or the component failing on its own) during which its outage began, so the rows add up to the total; a strike that lengthens an outage already under way adds to that outage's cause. One strike's cost comes from the threat's drill: a strike on a working estate.</p>\n<table class=\"risks\"><thead><tr><th>#</th><th>Threat</th><th>Strikes (failures) per year</th><th>Expected loss per {} (95% interval)</th><th>Share</th><th>Loss per strike (mean, 95% interval)</th><th>1 strike in 10 costs more than (95% interval)</th></tr></thead><tbody>",
        period,
        period
    ));
    let total = annual.loss.mean;
    for (i, t) in rows.iter().enumerate() {
        let drill = input
            .drills
            .iter()
            .find(|d| d.threat.as_deref() == Some(t.id.as_str()));
        let (mean, p90) = match drill {
            Some(d) => (
                format!(
                    "{} ({} – {})",
                    money(d.loss.mean, cur),
                    money(d.loss.ci95[0], cur),
                    money(d.loss.ci95[1], cur)
                ),
                format!(
                    "{} ({})",
                    money(d.loss.p90, cur),
                    quantile_range(d.loss.p90_ci95, |x| money(x, cur))
                ),
            ),
            None => ("–".to_string(), "–".to_string()),
        };
        w.line(markup!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><strong>{}</strong> ({} – {})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            t.name,
            per_year(t.per_year.mean),
            money(t.loss.mean, cur),
            money(t.loss.ci95[0], cur),
            money(t.loss.ci95[1], cur),
            percent(t.loss.mean / total),
            mean,
            p90
        ));
    }
    if !rest.is_empty() {
        let sum: f64 = rest.iter().map(|t| t.loss.mean).sum();
        w.line(markup!(
            "<tr><td></td><td>{} other causes</td><td></td><td>{} (interval not computed)</td><td>{}</td><td></td><td></td></tr>",
            rest.len(),
            money(sum, cur),
            percent(sum / total)
        ));
    }
    w.line(markup!(
        "<tr class=\"total\"><td></td><td>Total</td><td></td><td><strong>{}</strong> ({} – {})</td><td>100%</td><td></td><td></td></tr>\n</tbody></table>",
        money(total, cur),
        money(annual.loss.ci95[0], cur),
        money(annual.loss.ci95[1], cur)
    ));
}
