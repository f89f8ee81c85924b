//! Output of `drsim compare`: a table sorted by net benefit, JSON and CSV.

use super::csv::{Cell, Table};
use super::format::{
    fixed, money, percent, period_noun, points, quantile_range, signed, signed_money,
};
use crate::sim::{
    Change, Comparison, LossQuantile, OptionResult, Package, PackageSet, Payback, Search,
};
use serde_json::{json, Value};

fn sorted(c: &Comparison) -> Vec<&OptionResult> {
    let mut v: Vec<&OptionResult> = c.options.iter().collect();
    v.sort_by(|a, b| {
        b.net_benefit
            .total_cmp(&a.net_benefit)
            .then(a.id.cmp(&b.id))
    });
    v
}

/// The terminal report.
pub fn text(c: &Comparison) -> String {
    let cur = &c.currency;
    let mut out = format!(
        "Options for {} — {} trials, seed {}, common random numbers\n",
        c.scenario, c.trials, c.seed,
    );
    out.push_str(&super::text::sampling_line(
        &c.sampling,
        c.trials,
        &period_noun(c.horizon_h),
    ));
    out.push_str(&format!(
        "Base expected annual loss: {} (95% CI {} – {})\n\n",
        money(c.base_ale.mean, cur),
        money(c.base_ale.ci95[0], cur),
        money(c.base_ale.ci95[1], cur)
    ));
    if c.options.is_empty() {
        out.push_str("The scenario has no options; add some under `options:` (see the README).\n");
        return out;
    }
    if let Some(sentences) = package_sentences(c) {
        for s in sentences {
            out.push_str(&s);
            out.push('\n');
        }
        out.push('\n');
    }
    let header = [
        "Option",
        "Annual cost",
        "Loss change/yr (95% CI)",
        "Net benefit/yr",
        "ROI",
        "Payback",
        "P(better year)",
    ];
    let rows: Vec<Vec<String>> = sorted(c)
        .iter()
        .map(|o| {
            vec![
                o.name.clone(),
                money(o.annual_cost, cur),
                format!(
                    "{} ({} … {})",
                    signed_money(o.ale_change.mean, cur),
                    signed_money(o.ale_change.ci95[0], cur),
                    signed_money(o.ale_change.ci95[1], cur)
                ),
                signed_money(o.net_benefit, cur),
                o.roi
                    .map_or("–".into(), |r| format!("{}%", signed(r * 100.0, 0))),
                payback_cell(o),
                o.p_better.map_or("–".into(), |p| percent(p.p)),
            ]
        })
        .collect();
    out.push_str(&super::text::table(&header, &rows));
    out.push_str(&format!("{}\n", DEFINITIONS.join("\n")));
    if let Some(best) = sorted(c).first() {
        let verdict = if best.net_benefit > 0.0 && best.ale_change.ci95[1] < 0.0 {
            format!(
                "\nBest value: {} cuts the expected annual loss by {} (95% CI {} – {}) for {} a year.\n",
                best.name,
                money(-best.ale_change.mean, cur),
                money(-best.ale_change.ci95[1], cur),
                money(-best.ale_change.ci95[0], cur),
                money(best.annual_cost, cur)
            )
        } else {
            "\nNo option pays for itself on expected annual loss alone.\n".to_string()
        };
        out.push_str(&verdict);
    }
    let gains: Vec<String> = c
        .options
        .iter()
        .filter_map(|o| o.crn_gain().map(|g| format!("{} {:.0}×", o.id, g)))
        .collect();
    if !gains.is_empty() {
        out.push_str(&format!(
            "Paired intervals are narrower than independent runs would give by: {}.\n",
            gains.join(", ")
        ));
    }
    // The drills, each a table of the options (rows) by the services
    // (columns) whose P(RTO met), P(RPO met) or P(all data lost) they change; a row, column
    // or drill where nothing changes is left out, and counted.
    let changed = |x: &crate::sim::ServiceDrillChange| {
        let moves = |c: Option<Change>| c.is_some_and(|c| c.mean != 0.0 || c.ci95 != [0.0, 0.0]);
        moves(x.rto_met_change) || moves(x.rpo_met_change) || moves(x.total_loss_change)
    };
    let cell_of = |o: &OptionResult, threat: &str, service: &str| {
        o.drills
            .iter()
            .find(|d| d.threat == threat)
            .and_then(|d| d.services.iter().find(|x| x.service == service))
            .cloned()
    };
    let mut quiet = Vec::new();
    for (t, threat) in c.threats.iter().enumerate() {
        let services: Vec<String> = c
            .options
            .iter()
            .flat_map(|o| {
                o.drills.get(t).into_iter().flat_map(|d| {
                    d.services
                        .iter()
                        .filter(|x| changed(x))
                        .map(|x| x.service.clone())
                })
            })
            .fold(Vec::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            });
        if services.is_empty() {
            quiet.push(threat.as_str());
            continue;
        }
        out.push_str(&format!(
            "\nDrill {threat}: change in P(RTO met) / P(RPO met) / P(all data lost), percentage points\n"
        ));
        let mut header = vec!["Option".to_string()];
        header.extend(services.iter().cloned());
        let options = sorted(c);
        let (moving, still): (Vec<&OptionResult>, Vec<&OptionResult>) =
            options.iter().partition(|o| {
                services
                    .iter()
                    .any(|s| cell_of(o, threat, s).is_some_and(|x| changed(&x)))
            });
        let rows: Vec<Vec<String>> = moving
            .iter()
            .map(|o| {
                let mut row = vec![o.name.clone()];
                for s in &services {
                    let fmt = |c: Option<Change>| c.map_or("–".to_string(), |c| points(c.mean));
                    row.push(match cell_of(o, threat, s) {
                        Some(x) => format!(
                            "{} / {} / {}",
                            fmt(x.rto_met_change),
                            fmt(x.rpo_met_change),
                            fmt(x.total_loss_change)
                        ),
                        None => "–".into(),
                    });
                }
                row
            })
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        out.push_str(&super::text::table(&header, &rows));
        let hidden_services = c
            .options
            .iter()
            .flat_map(|o| o.drills.get(t).into_iter().flat_map(|d| d.services.iter()))
            .map(|x| x.service.as_str())
            .fold(Vec::new(), |mut acc: Vec<&str>, s| {
                if !acc.contains(&s) && !services.iter().any(|x| x == s) {
                    acc.push(s);
                }
                acc
            })
            .len();
        if !still.is_empty() || hidden_services > 0 {
            out.push_str(&format!(
                "Not shown: {} option{} and {} service{} that this drill shows no change for.\n",
                still.len(),
                if still.len() == 1 { "" } else { "s" },
                hidden_services,
                if hidden_services == 1 { "" } else { "s" }
            ));
        }
    }
    if !quiet.is_empty() {
        out.push_str(&format!(
            "\nNo option changes P(RTO met), P(RPO met) or P(all data lost) in the drill{} of {} (JSON has every cell).\n",
            if quiet.len() == 1 { "" } else { "s" },
            quiet.join(", ")
        ));
    }
    out
}

fn change(c: &Change) -> Value {
    json!({"mean": c.mean, "ci95": c.ci95})
}

fn package_set(s: &PackageSet) -> Value {
    json!({
        "options": s.options,
        "annual_cost": s.annual_cost,
        "ale": change(&s.ale),
        "ale_change": change(&s.ale_change),
        "net_benefit": s.net_benefit,
        "within_budget": s.within_budget,
        "within_tolerance": s.within_tolerance,
        "tolerance_close_call": s.tolerance_close_call,
        "loss_p99": s.p99.map_or(Value::Null, loss_quantile),
    })
}

/// A quantile of the loss over the simulated period: `{value, ci95}`, the
/// interval's upper end null when too few trials bound it.
fn loss_quantile(q: LossQuantile) -> Value {
    json!({"value": q.value, "ci95": [q.ci95.lo, q.ci95.hi]})
}

fn package_json(p: &Package) -> Value {
    let mut best = package_set(&p.best);
    let fields = best.as_object_mut().expect("a set is an object");
    fields.insert(
        "runner_up".into(),
        p.runner_up.as_ref().map_or(Value::Null, package_set),
    );
    fields.insert(
        "net_benefit_over_runner_up".into(),
        p.gap.as_ref().map_or(Value::Null, change),
    );
    fields.insert(
        "cheapest_within_tolerance".into(),
        p.cheapest_within_tolerance
            .as_ref()
            .map_or(Value::Null, package_set),
    );
    fields.insert("budget".into(), json!(p.budget));
    fields.insert(
        "search".into(),
        json!(match p.search {
            Search::Exhaustive => "exhaustive",
            Search::Greedy => "greedy",
        }),
    );
    fields.insert("sets_evaluated".into(), json!(p.sets_evaluated));
    fields.insert(
        "exclusive".into(),
        p.exclusive
            .iter()
            .map(|x| json!({"options": x.options, "reason": x.reason}))
            .collect(),
    );
    best
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The names of a set's options, in file order.
fn names(c: &Comparison, s: &PackageSet) -> Vec<String> {
    s.options.iter().map(|id| option_name(c, id)).collect()
}

/// A set for people: `buying nothing`, `A alone`, `A and B`.
fn set_names(c: &Comparison, s: &PackageSet) -> String {
    match names(c, s).as_slice() {
        [] => "buying nothing".to_string(),
        [one] => format!("{one} alone"),
        all => and_list(all),
    }
}

/// An option's name for people, from its id.
fn option_name(c: &Comparison, id: &str) -> String {
    c.options
        .iter()
        .find(|o| o.id == id)
        .map_or_else(|| id.to_string(), |o| o.name.clone())
}

/// What to buy, in sentences ([`package_words`]), all together.
pub fn package_sentences(c: &Comparison) -> Option<Vec<String>> {
    package_words(c).map(|w| w.sentences)
}

/// The package in sentences, the decision first.
pub struct PackageWords {
    /// The decision (one sentence), what it does to the 1-in-100 loss and
    /// to the risk tolerance, then the runner-up and how sure the choice
    /// is, how the search went and which options were never combined.
    pub sentences: Vec<String>,
    /// How many of them say the decision and what it buys (the board's
    /// summary shows these; the rest are the detail).
    pub headline: usize,
}

/// What to buy, in sentences; `None` without a package. The one wording
/// the text output, the report's summary and its options share.
pub fn package_words(c: &Comparison) -> Option<PackageWords> {
    let p = c.package.as_ref()?;
    let cur = &c.currency;
    let best = &p.best;
    let nothing = best.options.is_empty();
    let within = p.budget.map_or(String::new(), |b| {
        format!(" within the budget of {} a year", money(b, cur))
    });
    let mut out = Vec::new();
    if nothing {
        let closest = match (&p.runner_up, &p.gap) {
            (Some(r), Some(gap)) => format!(
                "; the closest, {}, costs {} a year more than it saves (95% CI {} – {})",
                set_names(c, r),
                money(gap.mean, cur),
                signed_money(gap.ci95[0], cur),
                signed_money(gap.ci95[1], cur),
            ),
            _ => String::new(),
        };
        let cheapest = c
            .options
            .iter()
            .min_by(|a, b| a.annual_cost.total_cmp(&b.annual_cost));
        match (p.budget, cheapest) {
            (Some(budget), Some(o)) if o.annual_cost > budget => out.push(format!(
                "Buy nothing: no option fits{within} (the cheapest, {}, costs {} a year).",
                o.name,
                money(o.annual_cost, cur)
            )),
            _ => out.push(format!(
                "Buy nothing: no set of the options{within} cuts the expected annual loss by more than it costs{closest}."
            )),
        }
    } else {
        out.push(format!(
            "Buy {} for {} a year{within}: the expected annual loss falls from {} (95% CI {} – {}) to {} (95% CI {} – {}), a cut of {} (95% CI {} – {}) and a net benefit of {} a year.",
            and_list(&names(c, best)),
            money(best.annual_cost, cur),
            money(c.base_ale.mean, cur),
            money(c.base_ale.ci95[0], cur),
            money(c.base_ale.ci95[1], cur),
            money(best.ale.mean, cur),
            money(best.ale.ci95[0], cur),
            money(best.ale.ci95[1], cur),
            money(-best.ale_change.mean, cur),
            money(-best.ale_change.ci95[1], cur),
            money(-best.ale_change.ci95[0], cur),
            signed_money(best.net_benefit, cur),
        ));
        if let (Some(before), Some(after)) = (c.base_p99, best.p99) {
            let period = period_noun(c.horizon_h);
            out.push(format!(
                "The loss that one {period} in 100 exceeds goes from {} (95% CI {}) to {} (95% CI {}).",
                money(before.value, cur),
                quantile_range(before.ci95, |x| money(x, cur)),
                money(after.value, cur),
                quantile_range(after.ci95, |x| money(x, cur)),
            ));
        }
    }
    let close = |s: &PackageSet| {
        if s.tolerance_close_call {
            " (too close to call at these trials)"
        } else {
            ""
        }
    };
    // Which sets the cheapest within the tolerance was chosen from.
    let among = match p.search {
        Search::Exhaustive => "",
        Search::Greedy => " of the sets the search simulated",
    };
    match (best.within_tolerance, &p.cheapest_within_tolerance) {
        (None, _) => {}
        (Some(true), _) if nothing => out.push(format!(
            "The loss exceedance curve already stays within the board's risk tolerance{}.",
            close(best)
        )),
        (Some(true), _) => out.push(format!(
            "With it, the loss exceedance curve stays within the board's risk tolerance{}.",
            close(best)
        )),
        (Some(false), Some(cheapest)) if cheapest.options.is_empty() => out.push(format!(
            "With it, the loss exceedance curve goes above the board's risk tolerance{}, which it stays within without options.",
            close(best)
        )),
        (Some(false), Some(cheapest)) => out.push(format!(
            "{} the loss exceedance curve goes above the board's risk tolerance{}; the cheapest set{among} that keeps it within{} is {}, at {} a year{}.",
            if nothing { "Without options," } else { "Even with it," },
            close(best),
            close(cheapest),
            set_names(c, cheapest),
            money(cheapest.annual_cost, cur),
            if cheapest.within_budget { "" } else { ", over the budget" }
        )),
        (Some(false), None) => out.push(format!(
            "{} the loss exceedance curve goes above the board's risk tolerance{}, and no set{} keeps it within.",
            if nothing { "Without options," } else { "Even with it," },
            close(best),
            if among.is_empty() { " of the options" } else { among }
        )),
    }
    let headline = out.len();
    if let (false, Some(r), Some(gap)) = (nothing, &p.runner_up, &p.gap) {
        let others = p.not_told_apart.len() - usize::from(gap.ci95[0] <= 0.0);
        let also = match others {
            0 => String::new(),
            1 => " (nor from one other set)".to_string(),
            k => format!(" (nor from {k} other sets)"),
        };
        let sure = if gap.ci95[0] > 0.0 && others == 0 {
            format!(
                "the trials tell the package apart from it{}",
                match p.rivals_checked {
                    0 | 1 => String::new(),
                    k => format!(" and from the {} next best sets", k - 1),
                }
            )
        } else if gap.ci95[0] > 0.0 {
            let first = &p.not_told_apart[0];
            let gap_first = first.net_benefit - best.net_benefit;
            format!(
                "the trials tell the two apart, but not the package from {} ({} a year {} net benefit){}: run more trials (--trials) to settle it",
                set_names(c, first),
                money(gap_first.abs(), cur),
                if gap_first > 0.0 { "more" } else { "less" },
                match others {
                    1 => String::new(),
                    2 => " nor from one other set".to_string(),
                    k => format!(" nor from {} other sets", k - 1),
                }
            )
        } else {
            format!("its 95% interval holds zero, so the trials cannot tell the two apart{also}: run more trials (--trials) to settle it")
        };
        out.push(format!(
            "Runner-up: {}, {} a year less net benefit (95% CI {} – {}); {sure}.",
            set_names(c, r),
            money(gap.mean, cur),
            signed_money(gap.ci95[0], cur),
            signed_money(gap.ci95[1], cur),
        ));
    }
    out.push(match p.search {
        Search::Exhaustive => format!(
            "Every set of the options that can be applied together{} was simulated on the same trials ({} sets, buying nothing included).",
            if p.budget.is_some() && best.within_tolerance.is_none() { " within the budget" } else { "" },
            p.sets_evaluated
        ),
        Search::Greedy => format!(
            "Too many sets to simulate them all: the search was greedy (add the option that raises the net benefit most, drop one whose removal raises it, until neither does), {} sets simulated on the same trials; it can miss options that pay only together.",
            p.sets_evaluated
        ),
    });
    for x in &p.exclusive {
        let names: Vec<String> = x.options.iter().map(|id| option_name(c, id)).collect();
        out.push(format!(
            "Never combined: {} ({}).",
            and_list(&names),
            x.reason
        ));
    }
    Some(PackageWords {
        sentences: out,
        headline,
    })
}

/// The comparison as JSON.
pub fn json(c: &Comparison) -> String {
    let options: Vec<Value> = sorted(c)
        .iter()
        .map(|o| {
            let drills: serde_json::Map<String, Value> = o
                .drills
                .iter()
                .map(|d| {
                    let services: serde_json::Map<String, Value> = d
                        .services
                        .iter()
                        .map(|s| {
                            (
                                s.service.clone(),
                                json!({
                                    "rto_met_base": s.rto_met_base,
                                    "rto_met_change": s.rto_met_change.as_ref().map(change),
                                    "rpo_met_base": s.rpo_met_base,
                                    "rpo_met_change": s.rpo_met_change.as_ref().map(change),
                                    "total_data_loss_base": s.total_loss_base,
                                    "total_data_loss_change": s.total_loss_change.as_ref().map(change),
                                }),
                            )
                        })
                        .collect();
                    (d.threat.clone(), Value::Object(services))
                })
                .collect();
            json!({
                "id": o.id,
                "name": o.name,
                "upfront": o.upfront,
                "per_year": o.per_year,
                "annual_cost": o.annual_cost,
                "ale": change(&o.ale),
                "ale_change": change(&o.ale_change),
                "independent_ci95_half_width": o.independent_half_width,
                "crn_gain": o.crn_gain(),
                "net_benefit": o.net_benefit,
                "roi": o.roi,
                "payback_years": o.payback_years,
                "lifetime_years": o.lifetime_years,
                "p_better": o.p_better.map(|p| json!({"p": p.p, "ci95": p.ci95})),
                "drills": drills,
            })
        })
        .collect();
    let doc = json!({
        "tool": "drsim",
        "version": env!("CARGO_PKG_VERSION"),
        "mode": "compare",
        "scenario": c.scenario,
        "currency": c.currency,
        "trials": c.trials,
        "seed": c.seed,
        "horizon_h": c.horizon_h,
        "base_ale": change(&c.base_ale),
        "base_loss_p99": c.base_p99.map_or(Value::Null, loss_quantile),
        "options": options,
        "package": c.package.as_ref().map_or(Value::Null, package_json),
        "sampling": super::json::sampling(&c.sampling),
    });
    super::json::text(doc)
}

/// One row per option.
pub fn csv(c: &Comparison) -> String {
    let mut table = Table::new([
        "option",
        "name",
        "annual_cost",
        "ale_mean",
        "ale_change_mean",
        "ale_change_ci95_lo",
        "ale_change_ci95_hi",
        "independent_ci95_half_width",
        "net_benefit",
        "roi",
        "payback_years",
        "p_better",
        "in_package",
    ]);
    let in_package = |id: &str| {
        c.package
            .as_ref()
            .is_some_and(|p| p.best.options.iter().any(|x| x == id))
    };
    for o in sorted(c) {
        table.row([
            Cell::from(&o.id),
            Cell::from(&o.name),
            o.annual_cost.into(),
            o.ale.mean.into(),
            o.ale_change.mean.into(),
            o.ale_change.ci95[0].into(),
            o.ale_change.ci95[1].into(),
            o.independent_half_width.into(),
            o.net_benefit.into(),
            o.roi.into(),
            o.payback_years.into(),
            o.p_better.map(|p| p.p).into(),
            Cell::from(if in_package(&o.id) { "true" } else { "false" }),
        ]);
    }
    table.finish()
}

/// What each figure of an option means, for the text, `--help`'s README
/// counterpart and the report.
pub(crate) const DEFINITIONS: [&str; 6] = [
    "Annual cost: upfront / lifetime + per year.",
    "Loss change/yr: the option's expected annual loss minus the base's, on the same simulated years (negative: it saves money).",
    "Net benefit/yr: the reduction in expected annual loss minus the annual cost.",
    "ROI: net benefit / annual cost.",
    "Payback: years for the loss reduction, net of running costs, to repay the upfront cost; shown only within the option's lifetime.",
    "P(better year): the share of simulated years in which the loss with the option plus its annual cost is below the loss without it (– for an option that changes a rare threat's rate under rare-event sampling: its years are the base's, reweighted; --plain measures it).",
];

/// An option's payback: `3.2 y`, `past its 5 y lifetime`, `never`.
pub(crate) fn payback_cell(o: &OptionResult) -> String {
    match o.payback() {
        Payback::After(years) => format!("{} y", fixed(years, 1)),
        Payback::PastLifetime(_) => format!("past its {} y lifetime", fixed(o.lifetime_years, 0)),
        Payback::Never => "never".into(),
    }
}
