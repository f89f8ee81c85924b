//! The board report: one self-contained HTML file (inline CSS and SVG, no
//! scripts, no fonts or images fetched) with plain words at the top, the
//! charts, and the method at the end. It takes finished results and never
//! re-runs anything.
//!
//! The sections are listed once, in `SECTIONS`, from which both the page
//! and its contents are made; each is written by its own module, and they
//! all take their words from `words`.

mod annual;
mod drills;
mod method;
mod options;
mod plain_words;
mod weak_spots;
mod words;

pub use plain_words::plain_words;

use super::charts::Figure;
use super::text::worst_service;
use crate::graph::DependencyGraph;
use crate::scenario::{ComponentId, Scenario};
use crate::sim::{Comparison, DrillResults, RunResults, TraceEvent};
use std::fmt::Write;
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
    /// How the report was made.
    pub method: Method,
}

/// The HTML document and every chart in it.
pub struct Report {
    /// The whole self-contained page.
    pub html: String,
    /// The charts in page order, for `--charts DIR`.
    pub figures: Vec<Figure>,
}

/// Escapes text for HTML content and attribute values.
fn escape(s: &str) -> String {
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
    /// The anchor the contents link to (report.css styles `#plain-words`).
    id: &'static str,
    /// The heading, as HTML.
    title: &'static str,
    /// Its line in the contents, when shorter than the heading.
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
        id: "heatmap",
        title: "Recovery targets by threat and service",
        nav: Some("RTO by threat and service"),
        shown: always,
        write: drills::heatmap,
    },
    Section {
        id: "drills",
        title: "Each threat in detail",
        nav: None,
        shown: always,
        write: drills::each,
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
        id: "method",
        title: "Method",
        nav: None,
        shown: always,
        write: method::write,
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

/// The style sheet, in its own file so it reads and edits as CSS. The file
/// starts at its first rule: the line break after `<style>` is `render`'s.
const CSS: &str = include_str!("report.css");

/// Renders the report and all its charts.
pub fn render(input: &Input) -> Result<Report, String> {
    let s = input.scenario;
    let annual = input.annual;
    let shown: Vec<&Section> = SECTIONS.iter().filter(|x| (x.shown)(input)).collect();

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
    for section in &shown {
        let _ = write!(
            b,
            "<li><a href=\"#{}\">{}</a></li>",
            section.id,
            section.nav.unwrap_or(section.title)
        );
    }
    b.push_str("</ol></nav>\n");
    let mut figures = Vec::new();
    for section in &shown {
        let mut out = Out::default();
        (section.write)(&mut out, input)?;
        section.wrap(b, &out.html);
        figures.append(&mut out.figures);
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

    /// Without options and with no threat drilled, the options are left out
    /// of the page and the contents, and every other section is in both, in
    /// the list's order, even with nothing to show.
    #[test]
    fn the_contents_follow_the_sections() {
        use crate::{scenario, sim};
        let yaml = "name: Demo\ncomponents:\n  - {id: app, kind: application, repair: 2h}\n  - {id: shop, kind: service, depends_on: [app], rto: 4h}\n";
        let s = scenario::load_str(yaml, "demo.yaml").unwrap().scenario;
        let config = sim::Config::new(10, 1, 1).expect("at least 2 trials");
        let annual = sim::run(&s, None, &config, &sim::NoProgress).unwrap();
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
            method: Method {
                scenario_sha256: "0".into(),
                threads: 1,
                run_time_s: 0.0,
            },
        };
        let html = render(&input).unwrap().html;
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
            .filter(|&id| id != "options")
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(after(&html, "<section id=\""), expected);
        assert!(
            html.contains("<section id=\"drills\">\n<h2>Each threat in detail</h2>\n</section>\n")
        );
    }
}
