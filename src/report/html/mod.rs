//! The board report: one self-contained HTML file (inline CSS and SVG, no
//! scripts, no fonts or images fetched) with plain words at the top, the
//! charts, and the method at the end. It takes finished results and never
//! re-runs anything.
//!
//! The sections are listed once, in `SECTIONS`, from which both the page
//! and its contents are made; each is written by its own module, and they
//! all take their words from `words`.
//!
//! Everything on the page is [`Markup`] (see `markup`): static templates
//! with text escaped into their holes, and the charts' SVG. A section
//! writes only `Markup` into its [`Out`], so no string reaches the page
//! without being escaped.

mod annual;
mod calibration;
mod drills;
mod losses;
mod markup;
mod method;
mod options;
mod plain_words;
mod tolerance;
mod weak_spots;
pub(crate) mod words;

pub use markup::Markup;
pub use plain_words::plain_words;

use super::charts::Figure;
use super::text::worst_service;
use crate::graph::DependencyGraph;
use crate::scenario::{ComponentId, Scenario};
use crate::sim::tolerance::ThreatTolerance;
use crate::sim::{Comparison, DrillResults, RunResults, TraceEvent};
use markup::markup;
use words::{count, periods};

/// One traced drill trial, shown as the recovery timeline.
#[derive(Debug, Clone)]
pub struct Representative {
    /// Id of the drilled threat (see [`representative_choice`]).
    pub threat: String,
    /// Id of the service whose median recovery the trial shows.
    pub service: String,
    /// The trial's 0-based number in the drill, as the drill numbered it.
    pub trial: u64,
    /// Recovery time of `service` in that trial, hours.
    pub recovery_h: f64,
    /// Everything that happened in the trial, in time order: the bars of
    /// the timeline.
    pub trace: Vec<TraceEvent>,
}

/// How the report was made, for the method section.
#[derive(Debug, Clone)]
pub struct Method {
    /// SHA-256 of the scenario file's bytes, in lowercase hex: which file
    /// the numbers came from.
    pub scenario_sha256: String,
    /// Worker threads the simulations ran on (the numbers do not depend on
    /// it).
    pub threads: usize,
    /// Wall-clock seconds for all the simulations.
    pub run_time_s: f64,
}

/// Everything the report shows: results computed before it is written
/// (the report computes nothing of its own).
pub struct Input<'a> {
    /// The scenario the results are of.
    pub scenario: &'a Scenario,
    /// The scenario's dependency graph, built once.
    pub graph: &'a DependencyGraph,
    /// Per service of the annual run, in its order: the components whose
    /// loss alone takes it down, itself included
    /// ([`crate::graph::single_points_of_failure`]).
    pub single_points: &'a [Vec<ComponentId>],
    /// The annual risk run (`sim::run`).
    pub annual: &'a RunResults,
    /// One drill per selected threat, in the scenario's order.
    pub drills: &'a [DrillResults],
    /// The traced trial for the recovery timeline; `None` when no drill
    /// affected a service.
    pub representative: Option<&'a Representative>,
    /// The investment options against the base, when the scenario has any.
    pub comparison: Option<&'a Comparison>,
    /// The impact tolerance self-assessment: per drilled threat, in the
    /// drills' order, each service with an MTPD
    /// ([`crate::sim::tolerance::assess`]).
    pub tolerance: &'a [ThreatTolerance],
    /// Calibration from measured durations (`--actuals`), when given.
    pub calibration: Option<crate::report::calibrate::CalibrationReport<'a>>,
    /// How the report was made.
    pub method: Method,
}

/// The HTML document and every chart in it.
pub struct Report {
    /// The whole self-contained page.
    pub html: Markup,
    /// The charts in page order, for `--charts DIR`.
    pub figures: Vec<Figure>,
}

/// The drill and service to trace for the recovery timeline: the drill
/// with the largest mean loss, and its worst service.
pub fn representative_choice(drills: &[DrillResults]) -> Option<(String, String)> {
    let drill = drills
        .iter()
        .filter(|d| worst_service(d).is_some())
        .max_by(|a, b| a.loss.mean.total_cmp(&b.loss.mean))?;
    let service = worst_service(drill)?;
    Some((drill.threat.clone()?, service.id.clone()))
}

/// One section of the report. The page's sections and its table of contents
/// (the `<nav>`) are both made from [`SECTIONS`], so no section can be in the
/// one and missing from the other, or in a different order.
struct Section {
    /// The anchor the contents link to (report.css styles `#recommendation`).
    id: &'static str,
    /// The heading, as HTML written here.
    title: &'static str,
    /// Its line in the contents (HTML written here), when shorter than the
    /// heading.
    nav: Option<&'static str>,
    /// Whether this report has the section at all; when not, it is left out
    /// of the page and of the contents alike. A section with nothing to show
    /// (no threats drilled) still appears, and says so or stays empty.
    shown: fn(&Input) -> bool,
    /// Writes what comes between the heading and the end of the section,
    /// charts included.
    write: fn(&mut Out, &Input) -> Result<(), String>,
}

/// For the sections every report has.
fn always(_: &Input) -> bool {
    true
}

impl Section {
    /// The section with its anchor and heading around `content`.
    fn wrap(&self, content: &Markup) -> Markup {
        markup!(
            "<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n",
            self.id,
            Markup::literal(self.title),
            content
        )
    }
}

/// The first section, named because [`plain_words`] also renders it alone.
const PLAIN_WORDS: Section = Section {
    id: "recommendation",
    title: "Summary for the board",
    nav: None,
    shown: always,
    write: |out, input| {
        plain_words::write(out, input);
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
        shown: always,
        write: annual::appetite,
    },
    Section {
        id: "options",
        title: "Investment options",
        nav: None,
        shown: |input| input.comparison.is_some(),
        write: options::write,
    },
    Section {
        id: "impact-tolerance",
        title: "Impact tolerance",
        nav: None,
        shown: tolerance::shown,
        write: tolerance::write,
    },
    Section {
        id: "calibration",
        title: "Calibration: what the tests showed",
        nav: Some("Calibration"),
        shown: calibration::shown,
        write: calibration::write,
    },
    Section {
        id: "heatmap",
        title: "Recovery targets by threat and service",
        nav: Some("RTO by threat and service"),
        shown: always,
        write: drills::heatmap,
    },
    Section {
        id: "annual",
        title: "A year of operation",
        nav: None,
        shown: always,
        write: annual::year,
    },
    Section {
        id: "weak-spots",
        title: "Weak spots",
        nav: None,
        shown: always,
        write: weak_spots::write,
    },
    Section {
        id: "timeline",
        title: "One recovery, step by step",
        nav: None,
        shown: always,
        write: drills::timeline,
    },
    Section {
        id: "graph",
        title: "Dependency graph",
        nav: None,
        shown: always,
        write: weak_spots::graph,
    },
    Section {
        id: "drills",
        title: "Appendix: each threat in detail",
        nav: Some("Appendix: each threat"),
        shown: always,
        write: drills::each,
    },
    Section {
        id: "method",
        title: "Method",
        nav: None,
        shown: always,
        write: method::write,
    },
];

/// What a section writes: its HTML and the charts it draws, which the
/// report keeps in page order for `--charts`. It takes only [`Markup`]:
/// text gets in escaped or not at all.
#[derive(Default)]
struct Out {
    html: Markup,
    figures: Vec<Figure>,
}

impl Out {
    /// Appends `html`.
    fn push(&mut self, html: Markup) {
        self.html.push_markup(&html);
    }

    /// Appends `html` and a line break.
    fn line(&mut self, html: Markup) {
        self.push(html);
        self.html.push_literal("\n");
    }

    /// Shows a dependency graph, printed turned on a page of its own, and
    /// keeps it for `--charts`. On screen it fits the column, at about the
    /// scale it prints (its layout is made for 250 mm across).
    fn figure_graph(&mut self, f: Figure, caption: Markup) {
        self.show(f, caption, "chart graph");
    }

    /// Shows a chart with its caption and keeps it for `--charts`.
    fn figure(&mut self, f: Figure, caption: Markup) {
        self.show(f, caption, "chart");
    }

    /// A chart in a `<figure>` of these classes, with its caption.
    fn show(&mut self, f: Figure, caption: Markup, classes: &'static str) {
        self.line(markup!(
            "<figure class=\"{}\" id=\"fig-{}\">\n<div class=\"svg\" role=\"img\" aria-label=\"{}\">\n{}\n</div>\n<figcaption>{}</figcaption>\n</figure>",
            Markup::literal(classes),
            f.name,
            f.title,
            f.svg,
            caption
        ));
        self.figures.push(f);
    }
}

impl Input<'_> {
    /// Trials per drilled threat: every drill runs the same number.
    fn drill_trials(&self) -> u64 {
        self.drills.first().map_or(0, |d| d.trials)
    }
}

/// The style sheet, in its own file so it reads and edits as CSS. The file
/// starts at its first rule: the line break after `<style>` is `render`'s.
const CSS: &str = include_str!("report.css");

/// Renders the report and all its charts.
pub fn render(input: &Input) -> Result<Report, String> {
    let s = input.scenario;
    let annual = input.annual;
    let shown: Vec<&Section> = SECTIONS.iter().filter(|x| (x.shown)(input)).collect();

    let mut body = Out::default();
    body.line(markup!(
        "<header>\n<h1>Disaster-recovery risk report: {}</h1>\n<p class=\"sub\">{} simulated {} and {} simulated strikes of each of {} threat{}; made by drsim {}.</p>\n</header>",
        s.name,
        count(annual.trials),
        periods(annual),
        count(input.drill_trials()),
        input.drills.len(),
        if input.drills.len() == 1 { "" } else { "s" },
        env!("CARGO_PKG_VERSION")
    ));
    if let Some(d) = &s.description {
        body.line(markup!("<p>{}</p>", d));
    }
    if !s.options_applied.is_empty() {
        body.line(markup!(
            "<p class=\"appetite\"><strong>What-if:</strong> every figure in this report is of the scenario with the investment option{} {} applied (their changes; their costs are not in the losses). The options are compared with the base scenario by a report without <code>--options</code>.</p>",
            if s.options_applied.len() == 1 { "" } else { "s" },
            s.options_applied.join(", ")
        ));
    }
    body.push(Markup::literal("<nav><ol>"));
    for section in &shown {
        body.push(markup!(
            "<li><a href=\"#{}\">{}</a></li>",
            section.id,
            Markup::literal(section.nav.unwrap_or(section.title))
        ));
    }
    body.push(Markup::literal("</ol></nav>\n"));
    for section in &shown {
        let mut out = Out::default();
        (section.write)(&mut out, input)?;
        body.push(section.wrap(&out.html));
        body.figures.append(&mut out.figures);
    }

    let html = markup!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"drsim {}\">\n<title>DR risk report: {}</title>\n<style>\n{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        s.name,
        Markup::literal(CSS),
        body.html
    );
    Ok(Report {
        html,
        figures: body.figures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_has_its_own_anchor() {
        let mut ids: Vec<&str> = SECTIONS.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SECTIONS.len());
    }

    /// A report of a small scenario, without options and with no threat
    /// drilled, after `change` has had its way with the annual results.
    fn demo_page(change: impl FnOnce(&mut RunResults)) -> String {
        use crate::{scenario, sim};
        let yaml = "name: Demo\ncomponents:\n  - {id: app, kind: application, repair: 2h}\n  - {id: shop, kind: service, depends_on: [app], rto: 4h, impact: {per_hour: 1000}}\n";
        let s = scenario::load_str(yaml, "demo.yaml").unwrap().scenario;
        let config = sim::Config::new(10, 1, 1).expect("at least 2 trials");
        let mut annual = sim::run(&s, None, &config, &sim::NoProgress).unwrap();
        change(&mut annual);
        let graph = DependencyGraph::build(&s);
        let single_points = crate::graph::single_points_of_failure(&s, &graph, &[1]);
        let input = Input {
            scenario: &s,
            graph: &graph,
            single_points: &single_points,
            annual: &annual,
            drills: &[],
            representative: None,
            comparison: None,
            tolerance: &[],
            calibration: None,
            method: Method {
                scenario_sha256: "0".into(),
                threads: 1,
                run_time_s: 0.0,
            },
        };
        render(&input).unwrap().html.as_str().to_string()
    }

    /// Without options and with no threat drilled, the options and the
    /// impact tolerance are left out of the page and the contents, and
    /// every other section is in both, in
    /// the list's order, even with nothing to show.
    #[test]
    fn the_contents_follow_the_sections() {
        let html = demo_page(|_| {});
        let after = |text: &str, start: &str| -> Vec<String> {
            text.split(start)
                .skip(1)
                .map(|x| x.split('"').next().unwrap().to_string())
                .collect()
        };
        let nav = html
            .split("<nav>")
            .nth(1)
            .unwrap()
            .split("</nav>")
            .next()
            .unwrap();
        let listed = after(nav, "<a href=\"#");
        let expected: Vec<&str> = SECTIONS
            .iter()
            .map(|x| x.id)
            .filter(|&id| !["options", "impact-tolerance", "calibration"].contains(&id))
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(after(&html, "<section id=\""), expected);
        assert!(html.contains(
            "<section id=\"drills\">\n<h2>Appendix: each threat in detail</h2>\n</section>\n"
        ));
    }

    /// Issue 13, finding 1: the currency went into every money figure of
    /// the page unescaped (an `<img onerror>` in it ran in a browser), and
    /// figures the report words itself (`<0.1%`) went in raw too. Here the
    /// results carry a currency validation would refuse and a chance that
    /// reads `<0.1%`: both reach the page as text, and it parses cleanly.
    #[test]
    fn no_text_reaches_the_page_as_markup() {
        let currency = "<img src=x onerror=\"document.title='PWNED'\">";
        let html = demo_page(|annual| {
            annual.currency = currency.into();
            annual.services[0].rto_met = Some(crate::stats::Proportion {
                p: 0.0004,
                ci95: [0.0001, 0.0008],
            });
        });
        let doc = scraper::Html::parse_document(&html);
        assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
        let img = scraper::Selector::parse("img").unwrap();
        assert_eq!(doc.select(&img).count(), 0, "no element from the currency");
        let text: String = doc.root_element().text().collect();
        assert!(
            text.contains(&format!("{currency} ")),
            "the currency as text"
        );
        assert!(text.contains("<0.1% ±<0.1%"), "the chance as text");
    }
}
