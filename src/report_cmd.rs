//! `drsim report`: runs the annual simulation, a drill per selected threat,
//! the options comparison and one traced trial, then writes the HTML report
//! (and, with `--charts`, every chart as SVG, PNG and CSV), each file
//! atomically.

use super::{emit, select_threats, Bar};
use crate::cli::ReportArgs;
use anyhow::{bail, Context, Result};
use drsim::report::html;
use drsim::{report, scenario, sim};
use indicatif::{ProgressBar, ProgressStyle};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

/// Trials scanned for the median-recovery trial of the timeline.
const TRACE_SCAN: u64 = 2001;

pub fn report(args: ReportArgs) -> Result<()> {
    // Read once: the digest and the scenario come from the same bytes, and
    // a pipe can be read only once.
    let bytes = scenario::read_path(&args.file)?;
    let loaded = scenario::load_bytes(&bytes, &args.file.display().to_string())?;
    let s = &loaded.scenario;
    let threats = select_threats(s, &args.threats)?;
    let config = crate::config(&args.trial);
    let bar = bar(args.quiet);
    let started = Instant::now();
    bar.0.set_message("annual risk");
    // With the downtime explained: it costs little, and the report shows it.
    let annual = sim::run_with(s, None, &config, &bar, true)?;
    let mut drills = Vec::with_capacity(threats.len());
    for t in &threats {
        bar.0.set_message(format!("drill {t}"));
        drills.push(sim::drill(s, t, &config, &bar)?);
    }
    let comparison = if loaded.options.is_empty() {
        None
    } else {
        bar.0.set_message("options");
        Some(sim::compare(s, &loaded.options, None, &[], &config, &bar)?)
    };
    let representative = match html::representative_choice(&drills) {
        Some((threat, service)) => {
            let (trial, recovery_h, trace) = sim::median_drill_trace(
                s,
                &threat,
                &service,
                config.seed,
                TRACE_SCAN.min(config.trials),
            )?;
            Some(html::Representative {
                threat,
                service,
                trial,
                recovery_h,
                trace,
            })
        }
        None => None,
    };
    let run_time_s = started.elapsed().as_secs_f64();
    bar.finish();

    let digest = Sha256::digest(&bytes);
    let sha: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let threads = match config.threads {
        0 => rayon::current_num_threads(),
        n => n,
    };
    let input = html::Input {
        scenario: s,
        annual: &annual,
        drills: &drills,
        representative: representative.as_ref(),
        comparison: comparison.as_ref(),
        method: html::Method {
            scenario_sha256: sha,
            threads,
            run_time_s,
        },
    };
    let out = html::render(&input).map_err(|e| anyhow::anyhow!("cannot draw a chart: {e}"))?;
    // Charts first, the report last: a failed run leaves no report.
    if let Some(dir) = &args.charts {
        write_charts(dir, &out.figures)?;
    }
    emit(&out.html, args.output.as_deref())
}

fn write_charts(dir: &Path, figures: &[report::charts::Figure]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for f in figures {
        emit(&f.svg, Some(&dir.join(format!("{}.svg", f.name))))?;
        emit(&f.csv, Some(&dir.join(format!("{}.csv", f.name))))?;
        write_png(f, &dir.join(format!("{}.png", f.name)))?;
    }
    Ok(())
}

/// Writes `f` as a PNG at `png` (atomically where it is a regular file).
fn write_png(f: &report::charts::Figure, png: &Path) -> Result<()> {
    // The encoder picks the format from the extension: keep `.png` last.
    crate::output::write_with(png, ".png", |tmp| {
        f.write_png(tmp)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", png.display()))
    })
}

/// The format `--chart FILE` asks for, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Svg,
    Png,
}

/// Checks `--chart FILE` before anything is simulated.
pub fn chart_format(path: &Path) -> Result<ChartFormat> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("svg") => Ok(ChartFormat::Svg),
        Some("png") => Ok(ChartFormat::Png),
        _ => bail!(
            "--chart {}: the file name must end in .svg or .png, e.g. --chart tornado.svg",
            path.display()
        ),
    }
}

/// Writes one chart for `--chart FILE`, as SVG or PNG, atomically.
pub fn write_chart(f: &report::charts::Figure, path: &Path, format: ChartFormat) -> Result<()> {
    match format {
        ChartFormat::Svg => emit(&f.svg, Some(path)),
        ChartFormat::Png => write_png(f, path),
    }
}

fn bar(quiet: bool) -> Bar {
    if quiet || !std::io::stderr().is_terminal() {
        return Bar(ProgressBar::hidden());
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:24} {bar:40} {pos}/{len} trials  eta {eta}")
            .expect("the template is valid"),
    );
    Bar(bar)
}
