//! The terminal report: one compact table per run and a sentence in plain
//! words about the service that fares worst.

use super::format::{
    data_loss_cell, fine_percent, fixed, hours, met_cell, money, per_year, percent, period_noun,
    plus_minus_percent, quantile_range, target_cell,
};
use super::{loss_cause_label, loss_causes_shown};
use crate::sim::{
    DrillDetail, DrillResults, Mode, PrecisionReached, Results, RunResults, Sampling, ServiceResult,
};

/// A plain text table; the first column is left-aligned, the rest right.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            width[i] = width[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = width[i] - cell.chars().count();
            if i == 0 {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        out.trim_end().to_string()
    };
    let mut out = line(header.to_vec());
    out.push('\n');
    let total: usize = width.iter().sum::<usize>() + 2 * (cols - 1);
    out.push_str(&"─".repeat(total));
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

fn label<D>(s: &ServiceResult<D>) -> String {
    s.name.clone()
}

/// The line saying a what-if's options (`--options`) are applied; empty
/// for the base scenario.
pub(crate) fn what_if_line(options: &[String]) -> String {
    if options.is_empty() {
        return String::new();
    }
    format!(
        "What-if: with option{} {} applied (their changes; their costs are not in the losses)\n",
        if options.len() == 1 { "" } else { "s" },
        options.join(", ")
    )
}

/// The terminal report of a drill.
pub fn drill(r: &DrillResults) -> String {
    let threat = r.threat.as_deref().unwrap_or("?");
    let mut out = format!(
        "Drill: {threat} strikes {} — {} trials, seed {}\n",
        r.scenario, r.trials, r.seed
    );
    out.push_str(&what_if_line(&r.options_applied));
    out.push_str(&sampling_line(&r.sampling, r.trials, "trial"));
    if let Some(p) = &r.precision {
        out.push_str(&precision_line(p, r.trials));
    }
    out.push('\n');
    let wrt = r.any_wrt();
    let rows: Vec<Vec<String>> = r
        .services
        .iter()
        .map(|s| {
            let rec = s.detail.recovery_h;
            let mut row = vec![
                label(s),
                fine_percent(s.affected.p),
                format!(
                    "{} / {} / {}",
                    hours(rec.p50),
                    hours(rec.p90),
                    hours(rec.p99)
                ),
                target_cell(s.rto_h),
                met_cell(s.rto_met.as_ref()),
            ];
            if wrt {
                row.extend([
                    mean_and_p90(&s.disruption_h),
                    target_cell(s.mtpd_h),
                    met_cell(s.mtpd_met.as_ref()),
                ]);
            }
            row.extend([
                data_loss_cell(s),
                target_cell(s.rpo_h),
                met_cell(s.rpo_met.as_ref()),
                money(s.loss.mean, &r.currency),
            ]);
            row
        })
        .collect();
    let mut header = vec![
        "Service",
        "Hit",
        "Recovery p50 / p90 / p99",
        "RTO",
        "P(RTO met)",
    ];
    if wrt {
        header.extend(["Disruption (mean)", "MTPD", "P(MTPD met)"]);
    }
    header.extend(["Data loss p50 / p90", "RPO", "P(RPO met)", "Loss (mean)"]);
    out.push_str(&table(&header, &rows));
    if wrt {
        out.push_str(DISRUPTION_NOTE);
    }
    out.push('\n');
    if let Some(sentence) = worst_drill_sentence(r) {
        out.push_str(&sentence);
        out.push('\n');
    }
    let totals: Vec<&ServiceResult<DrillDetail>> = r
        .services
        .iter()
        .filter(|s| s.total_data_loss.p > 0.0)
        .collect();
    for s in totals {
        out.push_str(&format!(
            "{} loses all its data (no backup survives) in {} of trials.\n",
            s.name,
            percent(s.total_data_loss.p)
        ));
    }
    out.push_str(&loss_line(r, "Total loss of the incident"));
    out.push_str(&loss_by_cause(r, "mean per strike"));
    out.push_str(&explanations(r));
    out
}

/// Under a table with a disruption column: what the disruption is.
pub(crate) const DISRUPTION_NOTE: &str = "Disruption = outage + work recovery time (wrt): the business is disrupted until the work is caught up. The MTPD is judged on it, and the hourly impact is charged over it.\n";

/// `12h (p90 30h)`: a mean of hours and its 90th percentile.
fn mean_and_p90(s: &crate::stats::Summary) -> String {
    format!("{} (p90 {})", hours(s.mean), hours(s.p90))
}

/// The table of each service's mean loss by cause (the causes with a mean
/// above zero for some service), or nothing when no service lost money.
fn loss_by_cause<D>(r: &Results<D>, per: &str) -> String {
    let causes = loss_causes_shown(r);
    if causes.is_empty() {
        return String::new();
    }
    let mut header = vec!["Service"];
    header.extend(causes.iter().map(|&c| loss_cause_label(c)));
    header.push("Total");
    let rows: Vec<Vec<String>> = r
        .services
        .iter()
        .map(|s| {
            let mut row = vec![label(s)];
            row.extend(
                causes
                    .iter()
                    .map(|&c| money(s.loss_breakdown.part(c).mean, &r.currency)),
            );
            row.push(money(s.loss.mean, &r.currency));
            row
        })
        .collect();
    format!("\nLoss by cause ({per}):\n{}", table(&header, &rows))
}

fn top(v: &[(String, f64)], n: usize) -> String {
    let mut parts: Vec<String> = v
        .iter()
        .filter(|(_, x)| *x > 0.0)
        .take(n)
        .map(|(id, x)| format!("{id} {}", percent(*x)))
        .collect();
    if v.len() > n {
        parts.push("…".into());
    }
    parts.join(", ")
}

/// The `--explain` section: what started each service's outages and what
/// ended them.
fn explanations<D>(r: &Results<D>) -> String {
    let mut out = String::new();
    for s in &r.services {
        let Some(e) = &s.explain else { continue };
        if out.is_empty() {
            out.push_str(
                "\nWhy services were down (share of downtime, a strike's simultaneous hits sharing it equally; back last after: share of trials):\n",
            );
        }
        if e.by_component.is_empty() {
            out.push_str(&format!("  {}: never down\n", s.name));
            continue;
        }
        out.push_str(&format!("  {}\n", s.name));
        if matches!(r.mode, Mode::Run { .. }) {
            out.push_str(&format!(
                "    started by threat:    {}\n",
                top(&e.by_threat, 5)
            ));
        }
        out.push_str(&format!(
            "    started by hit on:    {}\n",
            top(&e.by_component, 5)
        ));
        if !e.critical_path.is_empty() {
            out.push_str(&format!(
                "    back last after:      {}\n",
                top(&e.critical_path, 5)
            ));
        }
    }
    out
}

/// The service that fares worst in a drill: among those affected, the
/// largest expected loss, then the lowest P(RTO met), then (no RTOs) the
/// slowest mean recovery.
pub fn worst_service(drill: &DrillResults) -> Option<&ServiceResult<DrillDetail>> {
    drill
        .services
        .iter()
        .filter(|s| s.affected.p > 0.0)
        .min_by(|a, b| {
            let met = |s: &ServiceResult<DrillDetail>| s.rto_met.map_or(2.0, |p| p.p);
            b.loss
                .mean
                .total_cmp(&a.loss.mean)
                .then(met(a).total_cmp(&met(b)))
                .then(
                    b.detail
                        .recovery_h
                        .mean
                        .total_cmp(&a.detail.recovery_h.mean),
                )
        })
}

/// The drill report's headline: the worst-hit service's P(back within its
/// RTO) and its median and 90th-percentile recovery, or that nothing was
/// affected; `None` only if no service can be named.
fn worst_drill_sentence(r: &DrillResults) -> Option<String> {
    if r.services.iter().all(|s| s.affected.p == 0.0) {
        return Some(format!(
            "No service was affected by {} in any trial.",
            r.threat.as_deref().unwrap_or("the threat")
        ));
    }
    let s = worst_service(r)?;
    let rec = s.detail.recovery_h;
    let spread = format!(
        "half the time it takes more than {} (95% CI {}), and 1 time in 10 more than {} ({})",
        hours(rec.p50),
        quantile_range(rec.p50_ci95, hours),
        hours(rec.p90),
        quantile_range(rec.p90_ci95, hours)
    );
    Some(match (s.rto_met, s.rto_h) {
        (Some(p), Some(rto)) => format!(
            "Worst: {} (it loses the most, {} on average) is back within its {} target in {} ({}) of trials; {}.",
            s.name,
            money(s.loss.mean, &r.currency),
            hours(rto),
            percent(p.p),
            plus_minus_percent(p.ci95),
            spread
        ),
        _ => format!("Slowest: {} (no RTO set); {}.", s.name, spread),
    })
}

fn loss_line<D>(r: &Results<D>, what: &str) -> String {
    let cur = |x: f64| money(x, &r.currency);
    format!(
        "{what}: mean {} (95% CI {} – {}), p90 {} ({}), p99 {} ({}).\n",
        cur(r.loss.mean),
        cur(r.loss.ci95[0]),
        cur(r.loss.ci95[1]),
        cur(r.loss.p90),
        quantile_range(r.loss.p90_ci95, cur),
        cur(r.loss.p99),
        quantile_range(r.loss.p99_ci95, cur)
    )
}

/// How a drill's trials were drawn by rare-hit sampling, in a sentence
/// (for the text and the report).
pub(crate) fn rare_hits_words(
    targets: &[(String, f64)],
    strata: &[crate::sim::HitStratum],
    effective: f64,
) -> String {
    format!(
        "Rare-hit sampling: the hits with a chance below 10% ({}) are stratified on how many strike, each trial weighted by how likely its number is: {}; the other trials have none. Figures the rare hits do not touch are as precise as from {:.0} plain trials (--plain turns it off).",
        targets
            .iter()
            .map(|(id, p)| format!("{id} {}", percent(*p)))
            .collect::<Vec<_>>()
            .join(", "),
        strata
            .iter()
            .map(|h| format!(
                "{}{} in {} trials (probability {})",
                h.hits,
                if h.or_more { " or more" } else { "" },
                h.trials,
                fine_percent(h.probability)
            ))
            .collect::<Vec<_>>()
            .join(", "),
        effective
    )
}

/// How the trials were drawn, when not plainly: a line naming the method,
/// the rare threats and the effective sample size.
pub(crate) fn sampling_line(s: &Sampling, trials: u64, noun: &str) -> String {
    match s {
        Sampling::Plain => String::new(),
        Sampling::RareHits {
            targets,
            strata,
            effective,
            ..
        } => format!("{}\n", rare_hits_words(targets, strata, *effective)),
        Sampling::RareEvents {
            threats,
            p_some,
            trials_some,
            strata,
            pilot_trials,
            effective,
        } => {
            let shared = match strata.len() {
                0 | 1 => String::new(),
                _ => format!(
                    " They are shared among the rare threats in proportion to their probability times the size of the losses they bring (a Neyman allocation, sizes from a pilot of {pilot_trials} trials): {}.",
                    strata
                        .iter()
                        .map(|s| format!("{} {}", s.threats.join(" or "), s.trials))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!(
                "Rare-event sampling: {trials_some} of {trials} trials are {noun}s in which a rare threat strikes ({}: {} of {noun}s), weighted by how likely they are; figures the rare threats do not touch are as precise as from {:.0} plain trials (--plain turns it off).{shared}\n",
                threats.join(", "),
                percent(*p_some),
                effective
            )
        }
    }
}

/// What running to a precision achieved, in a line.
fn precision_line(p: &PrecisionReached, trials: u64) -> String {
    let pct = |x: f64| {
        if x.is_finite() {
            format!("±{}%", fixed(x * 100.0, 1))
        } else {
            "unbounded (the figure is 0 but not known to be)".into()
        }
    };
    if p.reached {
        format!(
            "Ran to a precision of {}: the 95% interval of {} is {} of it after {trials} trials.\n",
            pct(p.target),
            p.of,
            pct(p.relative)
        )
    } else {
        format!(
            "Stopped at --max-trials ({trials} trials) short of a precision of {}: the 95% interval of {} is {} of it.\n",
            pct(p.target),
            p.of,
            pct(p.relative)
        )
    }
}

/// The bad years: the total loss exceeded 1 year in 10, 100 and 200, and
/// the mean of the years at least that bad, each with its 95% interval.
fn tail_table(r: &RunResults, horizon: f64) -> String {
    let cur = |x: f64| money(x, &r.currency);
    let noun = period_noun(horizon);
    let rows: Vec<Vec<String>> = r
        .loss_tail
        .iter()
        .zip(&r.occurrence_tail)
        .map(|(t, o)| {
            vec![
                format!("1 {noun} in {}", t.one_in),
                cur(t.tail.var),
                quantile_range(t.tail.var_ci95, cur),
                cur(t.tail.tvar),
                quantile_range(t.tail.tvar_ci95, cur),
                cur(o.tail.var),
                quantile_range(o.tail.var_ci95, cur),
            ]
        })
        .collect();
    let mut out = format!(
        "\nThe bad {noun}s: the loss exceeded (value at risk), the mean loss of the {noun}s at least that bad (tail value at risk), and the loss of the costliest single incident exceeded (occurrence):\n"
    );
    out.push_str(&table(
        &[
            "",
            "Loses more than",
            "95% CI",
            "Mean of those",
            "95% CI",
            "One incident more than",
            "95% CI",
        ],
        &rows,
    ));
    out.push_str("An incident is a threat's strike or an independent failure; an outage counts for the incident during which it began.\n");
    out
}

/// Where a run's loss comes from: each threat, and independent failures,
/// largest first, with the ones that lost nothing named after the table.
fn loss_by_threat(r: &RunResults) -> String {
    let total = r.loss.mean;
    if total <= 0.0 {
        return String::new();
    }
    let cur = |x: f64| money(x, &r.currency);
    let (rows, idle) = r.threats_by_loss();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                per_year(t.per_year.mean),
                cur(t.loss.mean),
                format!("{} – {}", cur(t.loss.ci95[0]), cur(t.loss.ci95[1])),
                percent(t.loss.mean / total),
            ]
        })
        .collect();
    let mut out = String::from(
        "\nLoss by threat (mean over the horizon; each loss is charged to the strike or independent failure during which its outage began or its data was lost, so the rows add up to the total):\n",
    );
    out.push_str(&table(
        &["Threat", "Per year", "Loss (mean)", "95% CI", "Share"],
        &cells,
    ));
    if !idle.is_empty() {
        let names: Vec<&str> = idle.iter().map(|t| t.name.as_str()).collect();
        out.push_str(&format!("Lost nothing: {}.\n", names.join(", ")));
    }
    out
}

/// The terminal report of a run.
pub fn run(r: &RunResults) -> String {
    let horizon = r.horizon_h().expect("a run has a horizon");
    let mut out = format!(
        "Risk over {}: {} — {} trials, seed {}\n",
        hours(horizon),
        r.scenario,
        r.trials,
        r.seed
    );
    out.push_str(&what_if_line(&r.options_applied));
    out.push_str(&sampling_line(&r.sampling, r.trials, &period_noun(horizon)));
    if let Some(p) = &r.precision {
        out.push_str(&precision_line(p, r.trials));
    }
    out.push('\n');
    let wrt = r.any_wrt();
    let rows: Vec<Vec<String>> = r
        .services
        .iter()
        .map(|s| {
            let (a, o) = (s.detail.availability, s.detail.outages);
            let mut row = vec![label(s), percent(a.mean), mean_and_p90(&s.downtime_h)];
            if wrt {
                row.push(mean_and_p90(&s.disruption_h));
            }
            row.extend([
                fixed(o.mean, 2),
                met_cell(s.rto_met.as_ref()),
                hours(s.data_loss_h.mean),
                format!(
                    "{} ±{}",
                    money(s.loss.mean, &r.currency),
                    money(s.loss.half_width, &r.currency)
                ),
            ]);
            row
        })
        .collect();
    let mut header = vec!["Service", "Availability", "Downtime (mean)"];
    if wrt {
        header.push("Disruption (mean)");
    }
    header.extend([
        "Outages",
        "P(no RTO breach)",
        "Data loss",
        "Loss (mean ±95%)",
    ]);
    out.push_str(&table(&header, &rows));
    if wrt {
        out.push_str(DISRUPTION_NOTE);
    }
    out.push('\n');
    if let Some(worst) = r
        .services
        .iter()
        .max_by(|a, b| a.loss.mean.total_cmp(&b.loss.mean))
        .filter(|s| s.loss.mean > 0.0)
    {
        let cur = |x: f64| money(x, &r.currency);
        out.push_str(&format!(
            "Largest expected loss: {} at {} per {} (1 {} in 10 above {}, 95% CI {}).\n",
            worst.name,
            cur(worst.loss.mean),
            hours(horizon),
            period_noun(horizon),
            cur(worst.loss.p90),
            quantile_range(worst.loss.p90_ci95, cur)
        ));
    }
    out.push_str(&loss_line(r, "Total loss over the horizon"));
    out.push_str(&tail_table(r, horizon));
    out.push_str(&loss_by_threat(r));
    out.push_str(&loss_by_cause(r, "mean over the horizon"));
    out.push_str(&explanations(r));
    out
}
