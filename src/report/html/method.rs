//! The method section: how the report was made (tool, scenario digest,
//! seed, trials) and the model's assumptions, so a reader can reproduce the
//! numbers and knows what they leave out.

use super::words::{count, periods};
use super::{markup, Input, Markup, Out};
use crate::report::format::percent;
use crate::sim::{RunResults, Sampling};

/// The facts needed to reproduce the numbers (scenario digest, seed,
/// trials), then the assumptions.
pub(super) fn write(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let annual = input.annual;
    let m = &input.method;
    out.line(Markup::literal("<dl class=\"method\">"));
    let rows: Vec<(&str, Markup)> = vec![
        ("Tool", markup!("drsim {}", env!("CARGO_PKG_VERSION"))),
        ("Scenario", Markup::text(&s.name)),
        (
            "Scenario SHA-256",
            markup!("<code>{}</code>", m.scenario_sha256),
        ),
        ("Seed", markup!("{}", annual.seed)),
        (
            "Trials",
            markup!(
                "{} simulated years; {} trials per drilled threat",
                count(annual.trials),
                count(input.drill_trials())
            ),
        ),
        ("Sampling", sampling(annual)),
        ("Threats drilled", {
            if input.drills.is_empty() {
                Markup::literal("none")
            } else {
                let ids = input
                    .drills
                    .iter()
                    .map(|d| Markup::text(d.threat.as_deref().unwrap_or("")));
                Markup::join(ids, ", ")
            }
        }),
        ("Threads", markup!("{}", m.threads)),
        ("Run time", Markup::text(&format!("{:.1} s", m.run_time_s))),
    ];
    for (k, v) in rows {
        out.line(markup!("<dt>{}</dt><dd>{}</dd>", k, v));
    }
    out.line(Markup::literal("</dl>\n<h3>Assumptions</h3>\n<ul>"));
    for a in ASSUMPTIONS {
        out.line(markup!("<li>{}</li>", Markup::literal(a)));
    }
    out.line(Markup::literal("</ul>"));
    Ok(())
}

/// How the annual trials were drawn, in words.
fn sampling(annual: &RunResults) -> Markup {
    let many = periods(annual);
    match &annual.sampling {
        Sampling::Plain => Markup::literal("plain Monte Carlo"),
        Sampling::RareHits {
            targets,
            strata,
            effective,
            ..
        } => Markup::text(&crate::report::text::rare_hits_words(
            targets, strata, *effective,
        )),
        Sampling::RareEvents {
            threats,
            p_some,
            trials_some,
            strata,
            pilot_trials,
            effective,
        } => {
            let shared = match strata.len() {
                0 | 1 => Markup::literal(""),
                _ => markup!(
                    "; the simulated {} with a rare strike are shared among the rare threats in proportion to their probability times the size of the losses they bring (a Neyman allocation, sizes from a pilot of {} trials): {}",
                    many.clone(),
                    count(*pilot_trials),
                    strata
                        .iter()
                        .map(|s| format!("{} {}", s.threats.join(" or "), count(s.trials)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            markup!(
            "rare-event sampling, stratified on the threats that strike less than once in 10 {} ({}): {} of the simulated {} hold at least one such strike (under plain sampling, about {} of them), each weighted by how likely it is, so the estimates stay unbiased and the tails are measured from many more disasters; figures these threats do not touch are as precise as from {} plain {} (<code>--plain</code> turns it off){}",
            many.clone(),
            threats.join(", "),
            count(*trials_some),
            many.clone(),
            percent(*p_some),
            count(effective.round() as u64),
            many,
            shared
        )
        }
    }
}

/// The model's assumptions, from the scenario specification, in short
/// (HTML written here).
const ASSUMPTIONS: [&str; 9] = [
    "Components fail independently of each other: at a constant rate (<code>every</code>) or after a stated time-to-failure distribution (<code>after</code>), renewed after each repair.",
    "Threats arrive at random at their yearly rate (a Poisson process); in a drill the threat strikes at time zero and hits each component it selects with its <code>chance</code>, independently.",
    "A component is available when it is not hit and all its requirements hold: plain dependencies, k-of-n groups, and failover groups that switch to the next available member after the switchover time (no failback).",
    "Repair starts after the component's detection delay, when a member of its team is free; busy teams take waiting work by priority, then by ready time. Teams have a fixed size and are always on call.",
    "A destroyed component is rebuilt, then restored from the newest surviving backup; ransomware that reaches backups also destroys non-immutable tiers, and a threat on a site destroys that site's non-offsite tiers. Data lost is the age of the recovery point; with no surviving tier, the data is lost altogether.",
    "Money lost = the hourly rate over each disruption (the outage plus its work recovery time, <code>wrt</code>): <code>per_hour</code> from its start, changed by the steps of <code>over_time</code> as it goes on, + the <code>once</code> amounts of the steps it passed + outages × <code>per_incident</code> + hours of data lost × <code>per_hour_data_lost</code> + total data losses × <code>per_total_data_loss</code> (by default a year of data: 8760 × <code>per_hour_data_lost</code>). No discounting; costs the scenario does not price (clinical harm, reputation, fines) are not included.",
    "All durations and rates are the scenario's estimates. The ± figures and 95% intervals show the simulation's sampling error only, not the uncertainty in those estimates.",
    "Where the expected loss comes from: each loss in the simulated years (all failures and threats together) is charged to the threat's strike, or the independent failure, during which the outage began or the data was lost, so the rows add up to the expected annual loss; a strike that lengthens an outage already under way adds to that outage's cause. The loss of one strike comes from the threat's drill, starting from everything working.",
    "The same scenario, seed and number of trials give the same numbers, whatever the number of threads.",
];
