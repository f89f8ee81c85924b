//! The board report: one self-contained HTML file (inline CSS and SVG, no
//! scripts, no fonts or images fetched) with plain words at the top, the
//! charts, and the method at the end. It takes finished results and never
//! re-runs anything.

mod words;

pub use words::{hours_words, target_words};

use super::charts::{self, Figure};
use super::format::{hours, money, percent, plus_minus_percent};
use super::text::worst_service;
use crate::scenario::{ComponentId, Scenario};
use crate::sim::{Comparison, Results, ServiceResult, TraceEvent};
use crate::stats;
use std::fmt::Write;
use words::{
    component_label, count, drill_label, lower_first, met_text, one_period, periods, target_text,
    threat_label,
};

/// One traced drill trial, shown as the recovery timeline.
#[derive(Debug, Clone)]
pub struct Representative {
    pub threat: String,
    pub service: String,
    pub trial: u64,
    /// Recovery time of `service` in that trial, hours.
    pub recovery_h: f64,
    pub trace: Vec<TraceEvent>,
}

/// How the report was made, for the method section.
#[derive(Debug, Clone)]
pub struct Method {
    pub scenario_sha256: String,
    pub threads: usize,
    /// Wall-clock seconds for all the simulations.
    pub run_time_s: f64,
}

/// Everything the report shows.
pub struct Input<'a> {
    pub scenario: &'a Scenario,
    /// The annual risk run (`sim::run`).
    pub annual: &'a Results,
    /// One drill per selected threat, in the scenario's order.
    pub drills: &'a [Results],
    pub representative: Option<&'a Representative>,
    /// The investment options against the base, when the scenario has any.
    pub comparison: Option<&'a Comparison>,
    pub method: Method,
}

/// The HTML document and every chart in it.
pub struct Report {
    pub html: String,
    pub figures: Vec<Figure>,
}

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The drill and service to trace for the recovery timeline: the drill
/// with the largest mean loss, and its worst service.
pub fn representative_choice(drills: &[Results]) -> Option<(String, String)> {
    let drill = drills
        .iter()
        .filter(|d| worst_service(d).is_some())
        .max_by(|a, b| a.loss.mean.total_cmp(&b.loss.mean))?;
    let service = worst_service(drill)?;
    Some((drill.threat.clone()?, service.id.clone()))
}

/// One sentence a board member understands, about one service after one threat.
pub fn drill_sentence(threat: &str, s: &ServiceResult) -> String {
    let after = format!("After {}", lower_first(threat));
    let Some(rec) = s.recovery_h else {
        return format!("{after}, {} was not simulated.", s.name);
    };
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
pub fn appetite_sentence(annual: &Results, scenario: &Scenario) -> Option<String> {
    use charts::loss_exceedance::{appetite, Appetite};
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

/// A threat's expected annual loss: its yearly rate times the mean loss of one strike.
struct Risk<'a> {
    threat: String,
    per_year: f64,
    drill: &'a Results,
    ale: f64,
    ale_ci: [f64; 2],
}

fn risks<'a>(input: &Input<'a>) -> Vec<Risk<'a>> {
    let s = input.scenario;
    let mut out: Vec<Risk> = input
        .drills
        .iter()
        .filter_map(|d| {
            let t = &s.threats[s.threat_index(d.threat.as_deref()?)?];
            let per_year = t.per_year()?;
            Some(Risk {
                threat: t.label().to_string(),
                per_year,
                drill: d,
                ale: per_year * d.loss.mean,
                ale_ci: [per_year * d.loss.ci95[0], per_year * d.loss.ci95[1]],
            })
        })
        .filter(|r| r.ale > 0.0)
        .collect();
    out.sort_by(|a, b| b.ale.total_cmp(&a.ale).then(a.threat.cmp(&b.threat)));
    out.truncate(5);
    out
}

/// The conclusions for the board: the expected loss, the largest risks,
/// the targets likely to be missed and one sentence per threat (every
/// scenario string escaped).
fn plain_words_section(w: &mut Out, input: &Input) {
    let s = input.scenario;
    let annual = input.annual;
    let cur = &annual.currency;
    let period = annual.horizon_h().map_or("year".to_string(), |h| {
        if (h - 8760.0).abs() < 1e-6 {
            "year".into()
        } else {
            hours(h)
        }
    });
    let _ = writeln!(
        w,
        "<p class=\"lead\">Over a {period}, the expected loss from all failures and threats is <strong>{}</strong> (95% interval {} – {}). One {period} in 10 costs more than {}, and one in 100 more than {}.</p>",
        money(annual.loss.mean, cur),
        money(annual.loss.ci95[0], cur),
        money(annual.loss.ci95[1], cur),
        money(annual.loss.p90, cur),
        money(annual.loss.p99, cur)
    );
    if let Some(sentence) = appetite_sentence(annual, s) {
        let _ = writeln!(w, "<p class=\"appetite\">{}</p>", escape(&sentence));
    }

    let risks = risks(input);
    if !risks.is_empty() {
        let _ = writeln!(
            w,
            "<h3>The {} largest risks by expected annual loss</h3>\n<p>How often the threat strikes, times what one strike costs on average.</p>\n<table class=\"risks\"><thead><tr><th>#</th><th>Threat</th><th>Chance per year</th><th>Loss per strike (mean)</th><th>1 strike in 10 costs more than</th><th>Expected annual loss (95% interval)</th></tr></thead><tbody>",
            if risks.len() == 5 { "five".to_string() } else { risks.len().to_string() }
        );
        for (i, r) in risks.iter().enumerate() {
            let _ = writeln!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><strong>{}</strong> ({} – {})</td></tr>",
                i + 1,
                escape(&r.threat),
                percent(1.0 - (-r.per_year).exp()),
                money(r.drill.loss.mean, cur),
                money(r.drill.loss.p90, cur),
                money(r.ale, cur),
                money(r.ale_ci[0], cur),
                money(r.ale_ci[1], cur)
            );
        }
        let _ = writeln!(w, "</tbody></table>");
    }

    // Services likely to miss a target (met in fewer than half the drills).
    let _ = writeln!(
        w,
        "<h3>Services likely to miss their targets</h3>\n<p class=\"note\">RTO (recovery time objective): how soon a service must be back. RPO (recovery point objective): how much recent data, in hours, it may lose. MTPD (maximum tolerable period of disruption): the longest outage the organisation can survive.</p>"
    );
    let mut items = Vec::new();
    for (k, svc) in annual.services.iter().enumerate() {
        let mut parts = Vec::new();
        for (what, target) in [("RTO", svc.rto_h), ("RPO", svc.rpo_h), ("MTPD", svc.mtpd_h)] {
            let Some(target) = target else { continue };
            let misses: Vec<String> = input
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
                        format!(
                            "{} (met in {} {})",
                            escape(drill_label(s, d)),
                            percent(met.p),
                            plus_minus_percent(met.ci95)
                        )
                    })
                })
                .collect();
            if !misses.is_empty() {
                parts.push(format!(
                    "its {} {what} after: {}",
                    target_words(target),
                    misses.join("; ")
                ));
            }
        }
        if !parts.is_empty() {
            items.push(format!(
                "<li><strong>{}</strong> is likely to miss {}.</li>",
                escape(&svc.name),
                parts.join(". It is also likely to miss ")
            ));
        }
    }
    if items.is_empty() {
        let _ = writeln!(
            w,
            "<p>No service is likely to miss its RTO, RPO or MTPD under any of the drilled threats (each is met in at least half of the simulated attacks).</p>"
        );
    } else {
        let _ = writeln!(
            w,
            "<p>A target counts as likely missed when it is met in fewer than half of the simulated attacks.</p>\n<ul class=\"misses\">\n{}\n</ul>",
            items.join("\n")
        );
    }

    let _ = writeln!(w, "<h3>After each threat</h3>\n<ul class=\"sentences\">");
    for d in input.drills {
        let label = drill_label(s, d);
        let sentence = match worst_service(d) {
            Some(svc) => drill_sentence(label, svc),
            None => format!("After {}, no service is affected.", lower_first(label)),
        };
        let _ = write!(w, "<li>{}", escape(&sentence));
        for svc in d.services.iter().filter(|x| x.total_data_loss.p >= 0.01) {
            let _ = write!(
                w,
                " {} loses all its data (no backup survives) in {} ({}) of attacks.",
                escape(&svc.name),
                percent(svc.total_data_loss.p),
                plus_minus_percent(svc.total_data_loss.ci95)
            );
        }
        let _ = writeln!(w, "</li>");
    }
    let _ = writeln!(w, "</ul>");
    let _ = writeln!(
        w,
        "<p class=\"note\">Figures after ± are the half-width of a 95% interval: the simulation's own sampling error, not the uncertainty in the scenario's estimates.</p>"
    );
}

/// The style sheet, in its own file so it reads and edits as CSS. The file
/// starts at its first rule: the line break after `<style>` is `render`'s.
const CSS: &str = include_str!("report.css");

fn drill_table(out: &mut Out, d: &Results) {
    let cur = &d.currency;
    let _ = writeln!(
        out,
        "<table><thead><tr><th>Service</th><th>Hit</th><th>Recovery p50 / p90 / p99</th><th>RTO</th><th>P(RTO met)</th><th>Data loss p50 / p90</th><th>RPO</th><th>P(RPO met)</th><th>All data lost</th><th>Loss (mean)</th></tr></thead><tbody>"
    );
    for s in &d.services {
        let rec = s.recovery_h.unwrap_or(s.downtime_h);
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} / {} / {}</td><td>{}</td><td>{}</td><td>{} / {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.name),
            percent(s.affected.p),
            hours(rec.p50),
            hours(rec.p90),
            hours(rec.p99),
            target_text(s.rto_h),
            met_text(&s.rto_met),
            hours(s.data_loss_h.p50),
            hours(s.data_loss_h.p90),
            target_text(s.rpo_h),
            met_text(&s.rpo_met),
            percent(s.total_data_loss.p),
            money(s.loss.mean, cur)
        );
    }
    let _ = writeln!(out, "</tbody></table>");
}

fn annual_table(out: &mut Out, r: &Results) {
    let cur = &r.currency;
    let _ = writeln!(
        out,
        "<table><thead><tr><th>Service</th><th>Availability</th><th>Downtime (mean, p90)</th><th>Outages (mean)</th><th>P(no outage beyond RTO)</th><th>Data lost (mean)</th><th>Loss (mean ± 95%)</th></tr></thead><tbody>"
    );
    for s in &r.services {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} ({})</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{} ±{}</td></tr>",
            escape(&s.name),
            s.availability.map_or("–".into(), |a| percent(a.mean)),
            hours(s.downtime_h.mean),
            hours(s.downtime_h.p90),
            s.outages.map_or(0.0, |o| o.mean),
            met_text(&s.rto_met),
            hours(s.data_loss_h.mean),
            money(s.loss.mean, cur),
            money((s.loss.ci95[1] - s.loss.ci95[0]) / 2.0, cur)
        );
    }
    let _ = writeln!(out, "</tbody></table>");
}

/// `a (40%), b (25%), c (10%)`: the first three of a ranked share list.
fn top_shares(shares: &[(String, f64)], label: impl Fn(&str) -> String) -> String {
    let items: Vec<String> = shares
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .take(3)
        .map(|(id, share)| format!("{} ({})", escape(&label(id)), percent(*share)))
        .collect();
    if items.is_empty() {
        "–".into()
    } else {
        items.join(", ")
    }
}

/// Per service: its single points of failure (from the dependency graph)
/// and, when the annual run explained its downtime, what started it.
fn weak_spots_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let annual = input.annual;
    let graph = crate::graph::DependencyGraph::build(s);
    let services: Vec<Option<ComponentId>> = annual
        .services
        .iter()
        .map(|r| s.component_index(&r.id))
        .collect();
    let found: Vec<ComponentId> = services.iter().flatten().copied().collect();
    let mut spof = crate::graph::single_points_of_failure(s, &graph, &found).into_iter();
    let _ = writeln!(
        out,
        "<p>A single point of failure is a component whose loss alone takes the service down, with everything else working. The causes of downtime come from the simulated years: the share of each service's downtime that began with each threat (or with components failing on their own) and with a hit on each component.</p>"
    );
    let explained = annual.services.iter().any(|r| r.explain.is_some());
    let _ = write!(
        out,
        "<table class=\"weak-spots\"><thead><tr><th>Service</th><th class=\"l\">Single points of failure</th>"
    );
    if explained {
        let _ = write!(
            out,
            "<th class=\"l\">Downtime started by (top 3)</th><th class=\"l\">Started by a hit on (top 3)</th>"
        );
    }
    let _ = writeln!(out, "</tr></thead><tbody>");
    for (r, c) in annual.services.iter().zip(services) {
        let points = c
            .map(|c| {
                spof.next()
                    .expect("a set for each service found")
                    .into_iter()
                    .filter(|&x| x != c)
                    .map(|x| escape(s.components[x].label()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let points = if points.is_empty() {
            "none".to_string()
        } else {
            points.join(", ")
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"l\">{}</td>",
            escape(&r.name),
            points
        );
        if explained {
            match &r.explain {
                Some(e) if !e.by_component.is_empty() => {
                    let _ = write!(
                        out,
                        "<td class=\"l\">{}</td><td class=\"l\">{}</td>",
                        top_shares(&e.by_threat, |id| {
                            if id == crate::sim::INDEPENDENT_FAILURES {
                                "components failing on their own".to_string()
                            } else {
                                threat_label(s, id).to_string()
                            }
                        }),
                        top_shares(&e.by_component, |id| component_label(s, id).to_string())
                    );
                }
                _ => {
                    let _ = write!(
                        out,
                        "<td class=\"l\" colspan=\"2\">never down in the simulated years</td>"
                    );
                }
            }
        }
        let _ = writeln!(out, "</tr>");
    }
    let _ = writeln!(out, "</tbody></table>");
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
    let _ = writeln!(
        out,
        "<p>Base expected annual loss: <strong>{}</strong> (95% interval {} – {}). Each option was simulated on the same random events as the base (common random numbers), so the change in loss is measured precisely. Sorted by net benefit.</p>",
        money(c.base_ale.mean, cur),
        money(c.base_ale.ci95[0], cur),
        money(c.base_ale.ci95[1], cur)
    );
    let _ = writeln!(
        out,
        "<table><thead><tr><th>Option</th><th>Annual cost</th><th>Change in annual loss (95% interval)</th><th>Net benefit per year</th><th>Return on investment</th><th>Payback</th><th>P(a better year)</th></tr></thead><tbody>"
    );
    for o in options {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} ({} … {})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&o.name),
            money(o.annual_cost, cur),
            signed(o.ale_change.mean),
            signed(o.ale_change.ci95[0]),
            signed(o.ale_change.ci95[1]),
            signed(o.net_benefit),
            o.roi.map_or("–".into(), |r| format!("{:+.0}%", r * 100.0)),
            o.payback_years.map_or("never".into(), |y| format!("{y:.1} years")),
            percent(o.p_better.p)
        );
    }
    let _ = writeln!(out, "</tbody></table>");
    if let Some(best) = c
        .options
        .iter()
        .filter(|o| o.net_benefit > 0.0 && o.ale_change.ci95[1] < 0.0)
        .max_by(|a, b| a.net_benefit.total_cmp(&b.net_benefit))
    {
        let _ = writeln!(
            out,
            "<p>Best value: <strong>{}</strong> cuts the expected annual loss by {} (95% interval {} – {}) for {} a year.</p>",
            escape(&best.name),
            money(-best.ale_change.mean, cur),
            money(-best.ale_change.ci95[1], cur),
            money(-best.ale_change.ci95[0], cur),
            money(best.annual_cost, cur)
        );
    } else {
        let _ = writeln!(out, "<p>No option clearly pays for itself: none has a positive net benefit with a loss reduction outside the noise.</p>");
    }
}

/// The model's assumptions, from the scenario specification, in short.
pub const ASSUMPTIONS: [&str; 9] = [
    "Components fail independently of each other: at a constant rate (<code>every</code>) or after a stated time-to-failure distribution (<code>after</code>), renewed after each repair.",
    "Threats arrive at random at their yearly rate (a Poisson process); in a drill the threat strikes at time zero and hits each component it selects with its <code>chance</code>, independently.",
    "A component is available when it is not hit and all its requirements hold: plain dependencies, k-of-n groups, and failover groups that switch to the next available member after the switchover time (no failback).",
    "Repair starts after the component's detection delay, when a member of its team is free; busy teams take waiting work by priority, then by ready time. Teams have a fixed size and are always on call.",
    "A destroyed component is rebuilt, then restored from the newest surviving backup; ransomware that reaches backups also destroys non-immutable tiers, and a threat on a site destroys that site's non-offsite tiers. Data lost is the age of the recovery point; with no surviving tier, the data is lost altogether.",
    "Money lost = downtime hours × <code>per_hour</code> + hours of data lost × <code>per_hour_data_lost</code> + outages × <code>per_incident</code> (+ <code>per_total_data_loss</code> when all data is lost). No discounting; costs the scenario does not price (clinical harm, reputation, fines) are not included.",
    "All durations and rates are the scenario's estimates. The ± figures and 95% intervals show the simulation's sampling error only, not the uncertainty in those estimates.",
    "The largest risks multiply a threat's yearly rate by the mean loss of one strike in a drill, starting from everything working; the annual figures come from a separate simulation of whole years with all failures and threats together.",
    "The same scenario, seed and number of trials give the same numbers, whatever the number of threads.",
];

/// One section of the report. The page's sections and its table of contents
/// (the `<nav>`) are both made from [`SECTIONS`], so no section can be in the
/// one and missing from the other, or in a different order.
struct Section {
    /// The anchor the contents link to (report.css styles `#plain-words`).
    id: &'static str,
    /// The heading, as HTML.
    title: &'static str,
    /// Its line in the contents, when shorter than the heading.
    nav: Option<&'static str>,
    /// Writes what comes between the heading and the end of the section,
    /// charts included. A section that writes nothing is left out, of the
    /// page and of the contents alike.
    write: fn(&mut Out, &Input) -> Result<(), String>,
}

impl Section {
    fn wrap(&self, page: &mut String, content: &str) {
        let _ = write!(
            page,
            "<section id=\"{}\">\n<h2>{}</h2>\n{content}</section>\n",
            self.id, self.title
        );
    }
}

/// The first section, named because [`plain_words`] also renders it alone.
const PLAIN_WORDS: Section = Section {
    id: "plain-words",
    title: "In plain words",
    nav: None,
    write: |out, input| {
        plain_words_section(out, input);
        Ok(())
    },
};

/// The report's sections in page order: the conclusions first, then the
/// evidence, then how it was made.
const SECTIONS: &[Section] = &[
    PLAIN_WORDS,
    Section {
        id: "appetite",
        title: "Risk appetite",
        nav: None,
        write: appetite_section,
    },
    // Only when the scenario has investment options.
    Section {
        id: "options",
        title: "Investment options",
        nav: None,
        write: options_section,
    },
    Section {
        id: "heatmap",
        title: "Recovery targets by threat and service",
        nav: Some("RTO by threat and service"),
        write: heatmap_section,
    },
    Section {
        id: "drills",
        title: "Each threat in detail",
        nav: None,
        write: drills_section,
    },
    Section {
        id: "annual",
        title: "A year of operation",
        nav: None,
        write: annual_section,
    },
    Section {
        id: "weak-spots",
        title: "Weak spots",
        nav: None,
        write: weak_spots_section,
    },
    Section {
        id: "timeline",
        title: "One recovery, step by step",
        nav: None,
        write: timeline_section,
    },
    Section {
        id: "graph",
        title: "Dependency graph",
        nav: None,
        write: graph_section,
    },
    Section {
        id: "method",
        title: "Method",
        nav: None,
        write: method_section,
    },
];

/// What a section writes: its HTML and the charts it draws, which the
/// report keeps in page order for `--charts`.
#[derive(Default)]
struct Out {
    html: String,
    figures: Vec<Figure>,
}

impl Write for Out {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.html.push_str(s);
        Ok(())
    }
}

impl Out {
    /// Shows a chart with its caption (HTML) and keeps it for `--charts`.
    /// A `wide` chart keeps its own width and scrolls sideways on screen
    /// rather than shrinking its labels to the column.
    fn figure(&mut self, f: Figure, caption: &str, wide: bool) {
        let _ = writeln!(
            self,
            "<figure class=\"chart{}\" id=\"fig-{}\">\n<div class=\"svg\" role=\"img\" aria-label=\"{}\">\n{}\n</div>\n<figcaption>{}</figcaption>\n</figure>",
            if wide { " wide" } else { "" },
            escape(&f.name),
            escape(&f.title),
            f.svg.trim(),
            caption
        );
        self.figures.push(f);
    }
}

impl Input<'_> {
    /// Trials per drilled threat: every drill runs the same number.
    fn drill_trials(&self) -> u64 {
        self.drills.first().map_or(0, |d| d.trials)
    }
}

/// Renders the report and all its charts.
pub fn render(input: &Input) -> Result<Report, String> {
    let s = input.scenario;
    let annual = input.annual;
    // Every section first: the contents list only those that wrote something.
    let mut figures = Vec::new();
    let mut shown = Vec::new();
    for section in SECTIONS {
        let mut out = Out::default();
        (section.write)(&mut out, input)?;
        figures.append(&mut out.figures);
        if !out.html.is_empty() {
            shown.push((section, out.html));
        }
    }

    let mut body = String::new();
    let b = &mut body;
    let _ = writeln!(
        b,
        "<header>\n<h1>Disaster-recovery risk report: {}</h1>\n<p class=\"sub\">{} simulated {} and {} simulated strikes of each of {} threat{}; made by drsim {}.</p>\n</header>",
        escape(&s.name),
        count(annual.trials),
        periods(annual),
        count(input.drill_trials()),
        input.drills.len(),
        if input.drills.len() == 1 { "" } else { "s" },
        env!("CARGO_PKG_VERSION")
    );
    if let Some(d) = &s.description {
        let _ = writeln!(b, "<p>{}</p>", escape(d));
    }
    b.push_str("<nav><ol>");
    for (section, _) in &shown {
        let _ = write!(
            b,
            "<li><a href=\"#{}\">{}</a></li>",
            section.id,
            section.nav.unwrap_or(section.title)
        );
    }
    b.push_str("</ol></nav>\n");
    for (section, content) in &shown {
        section.wrap(b, content);
    }

    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"drsim {}\">\n<title>DR risk report: {}</title>\n<style>\n{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&s.name),
        CSS,
        body
    );
    Ok(Report { html, figures })
}

/// The plain-words section as HTML (every scenario string escaped).
pub fn plain_words(input: &Input) -> String {
    let mut out = Out::default();
    plain_words_section(&mut out, input);
    let mut html = String::new();
    PLAIN_WORDS.wrap(&mut html, &out.html);
    html
}

fn appetite_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let annual = input.annual;
    let lec = charts::loss_exceedance::figure(charts::loss_exceedance::LossExceedance {
        curve: annual.loss_exceedance.clone(),
        tolerance: s.risk_tolerance.clone(),
        currency: annual.currency.clone(),
        trials: annual.trials,
        period: one_period(annual),
    })?;
    let caption = match appetite_sentence(annual, s) {
        Some(sentence) => format!(
            "The blue curve is the chance that a year's loss exceeds the amount on the horizontal axis; the red dashed line is the board's risk tolerance (<code>risk_tolerance</code>). {}",
            escape(&sentence)
        ),
        None => "The chance that a year's loss exceeds the amount on the horizontal axis. The scenario sets no <code>risk_tolerance</code> to compare it with.".to_string(),
    };
    out.figure(lec, &caption, false);
    Ok(())
}

fn options_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let Some(c) = input.comparison else {
        return Ok(());
    };
    comparison_table(out, c);
    let frontier = charts::frontier::figure(c)?;
    out.figure(
        frontier,
        "Each option's annual cost against the expected annual loss that remains with it (the base scenario at zero cost), with the 95% interval of that loss. The green line is the efficient frontier: the choices that no cheaper choice beats. An option off the line (hollow) costs more than another that leaves less loss.",
        false,
    );
    Ok(())
}

fn heatmap_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    if input.drills.is_empty() {
        let _ = writeln!(out, "<p>No threats were drilled.</p>");
        return Ok(());
    }
    let named: Vec<(String, &Results)> = input
        .drills
        .iter()
        .map(|d| (drill_label(s, d).to_string(), d))
        .collect();
    let heat = charts::heatmap::figure(&named)?;
    out.figure(
        heat,
        "Each cell: the chance that the service is back within its RTO after that threat strikes. Red: rarely; green: almost always.",
        false,
    );
    Ok(())
}

fn drills_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    for d in input.drills {
        let id = d.threat.as_deref().unwrap_or("");
        let label = threat_label(s, id);
        let _ = writeln!(
            out,
            "<article class=\"drill\" id=\"drill-{}\">\n<h3>{}</h3>",
            escape(&charts::slug(id)),
            escape(label)
        );
        if let Some(svc) = worst_service(d) {
            let _ = writeln!(out, "<p>{}</p>", escape(&drill_sentence(label, svc)));
        }
        drill_table(out, d);
        let _ = writeln!(
            out,
            "<p>Loss of one strike: mean {} (95% interval {} – {}); 1 strike in 10 costs more than {}.</p>",
            money(d.loss.mean, &d.currency),
            money(d.loss.ci95[0], &d.currency),
            money(d.loss.ci95[1], &d.currency),
            money(d.loss.p90, &d.currency)
        );
        let rec = charts::recovery::figure(d, label)?;
        out.figure(
            rec,
            "Share of simulated strikes after which each service is back within the time on the horizontal axis; dashed lines mark the RTOs. Where a line crosses its RTO is the chance of meeting it.",
            false,
        );
        let loss = charts::data_loss::figure(d, label)?;
        out.figure(
            loss,
            "Share of simulated strikes losing at most the hours of data on the horizontal axis; dashed lines mark the RPOs. A curve that stops below 100% shows the share of strikes in which no backup survives.",
            false,
        );
        let _ = writeln!(out, "</article>");
    }
    Ok(())
}

fn annual_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let annual = input.annual;
    let _ = writeln!(
        out,
        "<p>{} simulated {}, with independent failures and all threats arriving at random.</p>",
        count(annual.trials),
        periods(annual)
    );
    annual_table(out, annual);
    let down = charts::downtime::figure(annual)?;
    out.figure(
        down,
        "Share of simulated years in which each service is down for at most the hours on the horizontal axis, all outages added up.",
        false,
    );
    Ok(())
}

fn timeline_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let Some(r) = input.representative else {
        let _ = writeln!(
            out,
            "<p>No drilled threat affected any service, so there is no recovery to show.</p>"
        );
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
    let _ = writeln!(
        out,
        "<p>One simulated strike (trial {}) of the threat that costs most per strike: {}. It is the trial in which {} took the median time to recover, {}: half the simulated strikes were quicker, half slower. Each bar shows when a component was hit, waited to be noticed or for its team, and was repaired or rebuilt; red bars show when each service was down.</p>",
        r.trial,
        escape(&lower_first(threat)),
        escape(service),
        hours_words(r.recovery_h)
    );
    let tl = charts::timeline::figure(s, title, &r.trace)?;
    out.figure(
        tl,
        "Recovery timeline (a Gantt chart) of one representative trial.",
        false,
    );
    Ok(())
}

fn graph_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let graph = charts::dependency_graph::figure(input.scenario)?;
    out.figure(
        graph,
        "Business services at the top; everything they depend on below, grouped by site. Diamonds are redundancy: k of n members needed, or a failover group with a standby.",
        true,
    );
    Ok(())
}

fn method_section(out: &mut Out, input: &Input) -> Result<(), String> {
    let s = input.scenario;
    let annual = input.annual;
    let m = &input.method;
    let _ = writeln!(out, "<dl class=\"method\">");
    let rows: Vec<(&str, String)> = vec![
        ("Tool", format!("drsim {}", env!("CARGO_PKG_VERSION"))),
        ("Scenario", escape(&s.name)),
        (
            "Scenario SHA-256",
            format!("<code>{}</code>", escape(&m.scenario_sha256)),
        ),
        ("Seed", annual.seed.to_string()),
        (
            "Trials",
            format!(
                "{} simulated years; {} trials per drilled threat",
                count(annual.trials),
                count(input.drill_trials())
            ),
        ),
        ("Threats drilled", {
            let ids: Vec<String> = input
                .drills
                .iter()
                .map(|d| escape(d.threat.as_deref().unwrap_or("")))
                .collect();
            if ids.is_empty() {
                "none".into()
            } else {
                ids.join(", ")
            }
        }),
        ("Threads", m.threads.to_string()),
        ("Run time", format!("{:.1} s", m.run_time_s)),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "<dt>{k}</dt><dd>{v}</dd>");
    }
    let _ = writeln!(out, "</dl>\n<h3>Assumptions</h3>\n<ul>");
    for a in ASSUMPTIONS {
        let _ = writeln!(out, "<li>{a}</li>");
    }
    let _ = writeln!(out, "</ul>");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }

    #[test]
    fn every_section_has_its_own_anchor() {
        let mut ids: Vec<&str> = SECTIONS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SECTIONS.len());
    }
}
