//! What a service's loss is made of, and what its disruption is: the
//! tables and notes that the annual and the drill sections share.

use super::{markup, Markup, Out};
use crate::report::format::money;
use crate::report::{loss_cause_label, loss_causes_shown};
use crate::sim::{LossCause, Results};

/// Under a table with a disruption column: what the disruption is, and
/// that the MTPD is judged on it.
pub(super) const DISRUPTION_NOTE: &str = "<p class=\"note\">Disruption = outage + work recovery time (<code>wrt</code>): after the systems are back, the business still needs time to check its data and catch up. The MTPD (maximum tolerable period of disruption) is judged on the disruption, and the hourly impact is charged over it.</p>";

/// What a cause of loss means, for the note under the table (HTML
/// written here).
fn meaning(cause: LossCause) -> &'static str {
    match cause {
        LossCause::OutageTime => "<strong>Outage time</strong>: the hourly impact over each disruption, at the rate in force at each hour (<code>per_hour</code>, changed by the steps of <code>over_time</code>)",
        LossCause::Once => "<strong>One-off costs</strong>: paid once as an outage passes a step of its impact over time (a regulator notice, a backlog; <code>once</code>)",
        LossCause::PerIncident => "<strong>Per incident</strong>: a fixed cost per outage (<code>per_incident</code>)",
        LossCause::DataLoss => "<strong>Data lost</strong>: hours of data lost at <code>per_hour_data_lost</code>",
        LossCause::TotalDataLoss => "<strong>All data lost</strong>: no backup survived (<code>per_total_data_loss</code>, by default a year of <code>per_hour_data_lost</code>)",
    }
}

/// One row per service: its mean loss split by cause, the causes with a
/// mean above zero for some service, then what each column means. Nothing
/// when no service lost money.
pub(super) fn by_cause<D>(out: &mut Out, r: &Results<D>, per: &str) {
    let causes = loss_causes_shown(r);
    if causes.is_empty() {
        return;
    }
    let cur = &r.currency;
    let heads = causes
        .iter()
        .map(|&c| markup!("<th>{}</th>", loss_cause_label(c)));
    out.line(markup!(
        "<table class=\"loss-by-cause\"><caption>Loss by cause ({})</caption><thead><tr><th>Service</th>{}<th>Total</th></tr></thead><tbody>",
        per,
        Markup::join(heads, "")
    ));
    for s in &r.services {
        let cells = causes
            .iter()
            .map(|&c| markup!("<td>{}</td>", money(s.loss_breakdown.part(c).mean, cur)));
        out.line(markup!(
            "<tr><td>{}</td>{}<td>{}</td></tr>",
            s.name,
            Markup::join(cells, ""),
            money(s.loss.mean, cur)
        ));
    }
    out.line(Markup::literal("</tbody></table>"));
    let meanings = causes.iter().map(|&c| Markup::literal(meaning(c)));
    out.line(markup!(
        "<p class=\"note\">{}.</p>",
        Markup::join(meanings, "; ")
    ));
}
