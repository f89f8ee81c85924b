//! What the commands share: the layer between clap's arguments and the
//! library. Command-line rules (a horizon is positive, threats and options
//! exist, a chart file is `.svg` or `.png`) are checked here, once, with
//! messages that name the flag; the library's own errors name no flag.

use crate::cli::{OutputFormat, PrecisionArgs, SimArgs, TrialArgs};
use crate::output;
use anyhow::{anyhow, bail, Result};
use drsim::scenario::{self, InvestmentOption, Loaded, Scenario};
use drsim::sim::shard::{self, Header, Recorder, Work};
use drsim::{report, sim};
use indicatif::{HumanCount, ProgressBar, ProgressState, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads and validates the scenario at `file`.
pub fn load(file: &Path) -> Result<Loaded> {
    Ok(scenario::load_path(file)?)
}

/// The text of the scenario at `file` (`-`: standard input) and the name
/// messages give it.
pub fn scenario_text(file: &Path) -> Result<(String, String)> {
    let name = scenario::source_name(file);
    let bytes = scenario::read_path(file)?;
    let text = String::from_utf8(bytes).map_err(|e| scenario::ScenarioError::NotText {
        file: name.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok((text, name))
}

/// The scenario as a simulating command reads it: from its file, or from
/// the parts a merge folds (which carry a copy); with its bytes, which a
/// shard's part carries.
pub struct Source {
    pub loaded: Loaded,
    bytes: Vec<u8>,
    name: String,
}

/// Reads and validates the scenario of a simulating command: `file`, or
/// the copy in a merge's parts.
pub fn source(file: &Path, sim: &SimArgs) -> Result<Source> {
    let (bytes, name) = match &sim.merging {
        Some(m) => {
            let h = m.replay.header();
            (h.scenario.clone(), h.scenario_name.clone())
        }
        None => (scenario::read_path(file)?, scenario::source_name(file)),
    };
    let loaded = scenario::load_bytes(&bytes, &name)?;
    Ok(Source {
        loaded,
        bytes,
        name,
    })
}

/// A simulating command's arguments, which a shard records and a merge
/// runs again (see [`write_part`] and `merge`).
pub trait Sharded: Clone + std::fmt::Debug {
    /// The scenario file and the shared trial and output settings.
    fn parts(&mut self) -> (&mut PathBuf, &mut SimArgs);
    /// `--chart FILE`, on the commands that draw one.
    fn chart(&mut self) -> Option<&mut Option<PathBuf>> {
        None
    }
}

/// The settings of a command that decide its results, in one line: the
/// arguments without the scenario's name (its digest stands for it), the
/// chart file and what [`SimArgs::neutral`] drops.
pub fn settings<A: Sharded>(args: &A) -> String {
    let mut a = args.clone();
    if let Some(chart) = a.chart() {
        *chart = None;
    }
    let (file, sim) = a.parts();
    *file = PathBuf::new();
    *sim = sim.neutral();
    format!("{a:?}")
}

/// The trial settings of a simulating command, with the trials it runs:
/// all, a shard's (`--shard`), or those a merge folds. A shard's part is
/// binary: refused on a terminal before anything runs.
pub fn sim_config(sim: &SimArgs) -> Result<sim::Config> {
    let mut config = config(&sim.trial)?;
    config.work = match (sim.shard, &sim.merging) {
        (Some(slice), _) => {
            if sim.output.is_none() && std::io::stdout().is_terminal() {
                usage_bail!("--shard {slice} writes a binary part for drsim merge: give -o PART (e.g. -o part-{}.drsim), or redirect standard output", slice.index());
            }
            Work::Shard(Arc::new(Recorder::new(slice)))
        }
        (None, Some(m)) => Work::Merge(m.replay.clone()),
        (None, None) => Work::Whole,
    };
    Ok(config)
}

/// Refuses `--shard` with `--precision`, which chooses how many trials to
/// run from results no shard sees.
pub fn no_shard_to_precision(sim: &SimArgs, precision: &PrecisionArgs) -> Result<()> {
    if let (Some(slice), Some(_)) = (sim.shard, &precision.precision) {
        usage_bail!("--shard {slice} cannot run to a --precision: how many trials that takes depends on all of them; give every shard the same --trials instead");
    }
    Ok(())
}

/// Writes a shard's part (to `-o`, or standard output) in place of its
/// results; false when this is not a shard.
pub fn write_part<A: Sharded>(
    command: &str,
    args: &A,
    source: &Source,
    config: &sim::Config,
) -> Result<bool> {
    let Work::Shard(recorder) = &config.work else {
        return Ok(false);
    };
    let mut args = args.clone();
    let sim = args.parts().1.clone();
    let slice = sim.shard.expect("a shard's config comes from --shard");
    let arguments = std::env::args_os()
        .skip(2)
        .map(|a| {
            a.into_string().map_err(|a| {
                anyhow!(
                    "--shard records the command line for drsim merge, which must be text: {} is not",
                    a.to_string_lossy()
                )
            })
        })
        .collect::<Result<Vec<String>>>()?;
    let header = Header {
        format: shard::FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        command: command.to_string(),
        arguments,
        settings: settings(&args),
        scenario_name: source.name.clone(),
        scenario: source.bytes.clone(),
        digest: Header::digest_of(&source.bytes),
        slice,
    };
    let bytes = recorder.part(header).encode();
    match sim.output.as_deref() {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
        }
        Some(path) => {
            let mut files = output::Batch::default();
            files.add(path, &bytes)?;
            files.commit()?;
        }
    }
    Ok(true)
}

/// The engine's trial settings from the command line.
pub fn config(args: &TrialArgs) -> Result<sim::Config> {
    let config = sim::Config::new(args.trials, args.seed, args.threads.unwrap_or(0));
    let config = config.map(|c| c.with_plain(args.plain));
    config.map_err(|e| match e {
        sim::SimError::TooFewTrials(n) => usage_error!(
            "--trials must be at least {} (got {n}): an interval needs two samples",
            sim::Trials::MIN
        ),
        sim::SimError::TooManyTrials(n) => usage_error!(
            "--trials must be at most {} (got {n}); a billion already gives any probability to within 0.0031 points",
            sim::Trials::MAX
        ),
        sim::SimError::TooManyThreads(n) => usage_error!(
            "--threads must be at most {} (got {n}); the results do not depend on it, and more threads than cores only add overhead",
            sim::Config::MAX_THREADS
        ),
        other => other.into(),
    })
}

/// Refuses a command whose simulations would take hours, before it starts:
/// `per_trial` is the estimated events of one trial of everything it
/// simulates (see [`sim::cost`]), past [`sim::cost::MAX_EVENTS`] in all
/// unless `--force` is given.
pub fn affordable(args: &TrialArgs, per_trial: f64) -> Result<()> {
    let total = per_trial * args.trials as f64;
    if args.force || total <= sim::cost::MAX_EVENTS {
        return Ok(());
    }
    bail!(
        "this would simulate about {} events ({} a trial × {} trials), more than the {} drsim runs without --force \
         (about an hour on two cores; this one would take about {})\n\
         fewer --trials, a shorter --horizon, or rarer failures and threats make it cheaper; --force runs it anyway",
        sci(total),
        sci(per_trial),
        args.trials,
        sci(sim::cost::MAX_EVENTS),
        duration_at_rate(total)
    )
}

/// A large count for people: `3.2e12`, or plain below a million.
fn sci(x: f64) -> String {
    if x < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.1e}")
    }
}

/// How long `events` take at the rate [`sim::cost::MAX_EVENTS`] is set by
/// (an hour for that many), in the largest whole unit.
fn duration_at_rate(events: f64) -> String {
    let hours = events / sim::cost::MAX_EVENTS;
    match hours {
        h if h < 1.5 => "an hour".to_string(),
        h if h < 48.0 => format!("{h:.0} hours"),
        h if h < 24.0 * 365.0 => format!("{:.0} days", h / 24.0),
        h => format!("{:.0} years", h / 24.0 / 365.0),
    }
}

/// `--horizon`, in hours; `None` when not given (the scenario's horizon).
pub fn horizon(text: Option<&str>) -> Result<Option<f64>> {
    let Some(h) = text else { return Ok(None) };
    let hours = scenario::parse_duration(h).map_err(|e| usage_error!("--horizon: {e}"))?;
    if hours <= 0.0 {
        usage_bail!("--horizon must be longer than zero, e.g. --horizon 1y");
    }
    if hours > scenario::MAX_HORIZON_HOURS {
        usage_bail!("--horizon is longer than 1000y, the longest drsim simulates; plans are usually judged over 1y to 10y");
    }
    Ok(Some(hours))
}

/// A money amount given to `flag`, in the scenario's currency: a number,
/// optionally with `k` (thousand) or `m` (million), e.g. `150k`.
pub fn money(flag: &str, text: &str) -> Result<f64> {
    let t = text.trim();
    let (digits, scale) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1e3),
        Some((i, 'm' | 'M')) => (&t[..i], 1e6),
        _ => (t, 1.0),
    };
    match digits.trim().parse::<f64>() {
        Ok(x) if scenario::money_is_valid(x * scale) => Ok(x * scale),
        _ => usage_bail!(
            "{flag}: `{}` is not an amount of money; give a non-negative number (at most 1e15) in the scenario's currency, without its symbol, e.g. {flag} 150000 or {flag} 150k",
            text.escape_debug()
        ),
    }
}

/// The threat `--threat` names for a drill; without one, the list of threats.
pub fn drill_threat(s: &Scenario, given: Option<String>) -> Result<String> {
    let Some(threat) = given else {
        usage_bail!("{}", threat_list(s, "drill needs --threat ID"));
    };
    if s.threat_index(&threat).is_none() {
        usage_bail!("{}", unknown_threat(s, &threat));
    }
    Ok(threat)
}

/// The threats named on the command line: `all` (also when none are
/// named), `none`, or a list of ids, each of which must exist.
pub fn threats(s: &Scenario, given: &[String]) -> Result<Vec<String>> {
    let threats: Vec<String> = match given {
        [] => s.threats.iter().map(|t| t.id.clone()).collect(),
        [one] if one == "all" => s.threats.iter().map(|t| t.id.clone()).collect(),
        [one] if one == "none" => Vec::new(),
        list => list.to_vec(),
    };
    for t in &threats {
        if s.threat_index(t).is_none() {
            usage_bail!("{}", unknown_threat(s, t));
        }
    }
    Ok(threats)
}

/// "unknown threat" with a suggestion and the list of threats.
fn unknown_threat(s: &Scenario, given: &str) -> String {
    let known: Vec<&str> = s.threats.iter().map(|t| t.id.as_str()).collect();
    let hint = scenario::did_you_mean(given, known.iter().copied())
        .map(|hint| format!("; {hint}"))
        .unwrap_or_default();
    threat_list(s, &format!("unknown threat `{given}`{hint}"))
}

fn threat_list(s: &Scenario, headline: &str) -> String {
    if s.threats.is_empty() {
        return format!("{headline}; this scenario defines no threats (add some under `threats:`)");
    }
    let mut out = format!("{headline}\nthreats in {}:", s.name);
    for t in &s.threats {
        out.push_str(&format!(
            "\n  {:24} {}",
            t.id,
            t.name.as_deref().unwrap_or("")
        ));
    }
    out.push_str(&format!(
        "\nexample: --threat {}",
        s.threats.first().map_or("ID", |t| t.id.as_str())
    ));
    out
}

/// The options `--options` names (all of them when none are named); the
/// scenario must have some.
pub fn options(loaded: &Loaded, given: &[String], file: &Path) -> Result<Vec<InvestmentOption>> {
    if loaded.options.is_empty() {
        bail!(
            "{} has no investment options; add an `options:` section, e.g.\n\
             options:\n  - id: bigger-team\n    cost: {{per_year: 60000}}\n    changes:\n      - set: {{id: TEAM_ID, size: 3}}",
            file.display()
        );
    }
    let known: Vec<&str> = loaded.options.iter().map(|o| o.id.as_str()).collect();
    let mut chosen = Vec::new();
    for id in given {
        if chosen.iter().any(|o: &InvestmentOption| &o.id == id) {
            continue; // named twice: taken once
        }
        match loaded.options.iter().find(|o| &o.id == id) {
            Some(o) => chosen.push(o.clone()),
            None => {
                let hint = scenario::did_you_mean(id, known.iter().copied())
                    .map(|hint| format!("; {hint}"))
                    .unwrap_or_default();
                usage_bail!("unknown option `{id}`{hint}\noptions: {}", known.join(", "));
            }
        }
    }
    if chosen.is_empty() {
        chosen = loaded.options.clone();
    }
    Ok(chosen)
}

/// The scenario of a what-if (`--options` on `run`, `drill`, `report`):
/// the file's base with the named options' changes applied together, in
/// file order, validated; the base itself when none are named. Options
/// that cannot be applied together are refused, saying why.
pub fn what_if<'a>(
    loaded: &'a Loaded,
    given: &[String],
    file: &Path,
) -> Result<std::borrow::Cow<'a, Scenario>> {
    if given.is_empty() {
        return Ok(std::borrow::Cow::Borrowed(&loaded.scenario));
    }
    let named = options(loaded, given, file)?;
    // In file order, each once.
    let chosen: Vec<&InvestmentOption> = loaded
        .options
        .iter()
        .filter(|o| named.iter().any(|n| n.id == o.id))
        .collect();
    for (i, a) in chosen.iter().enumerate() {
        for b in &chosen[i + 1..] {
            if let Some(reason) = scenario::exclusive(a, b) {
                usage_bail!(
                    "--options: `{}` and `{}` cannot be applied together: {reason}; apply one of them",
                    a.id,
                    b.id
                );
            }
        }
    }
    let what_if = scenario::combined(&chosen)
        .map_err(|e| usage_error!("--options: these options cannot be applied together: {e}"))?;
    Ok(std::borrow::Cow::Owned(what_if))
}

/// A progress bar on stderr, hidden when stderr is not a terminal or with
/// `--quiet`.
pub struct Bar(pub ProgressBar);

impl sim::Progress for Bar {
    fn update(&self, done: u64, total: u64) {
        self.0.set_length(total);
        self.0.set_position(done);
    }
}

impl Bar {
    /// A bar over `trials` trials, hidden when `quiet`.
    pub fn plain(quiet: bool, trials: u64) -> Bar {
        Bar::styled(
            quiet,
            trials,
            "{spinner} {bar:40} {pos}/{len} trials  {rate}  eta {eta}",
        )
    }

    /// A bar over the trials of one simulation.
    pub fn trials(args: &SimArgs) -> Bar {
        Bar::plain(args.quiet, args.trial.trials)
    }

    /// A bar for several simulations in turn, each named by its message.
    pub fn stages(quiet: bool) -> Bar {
        Bar::styled(
            quiet,
            0,
            "{spinner} {msg:24} {bar:40} {pos}/{len} trials  eta {eta}",
        )
    }

    fn styled(quiet: bool, length: u64, template: &str) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(ProgressBar::hidden());
        }
        let bar = ProgressBar::new(length);
        let style = ProgressStyle::with_template(template)
            .expect("the template is valid")
            // Trials a second as a whole number (indicatif's own {per_sec}
            // prints four decimals).
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}/s", HumanCount(state.per_sec().round() as u64));
                },
            );
        bar.set_style(style);
        Bar(bar)
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// The files a command writes (`-o FILE`, `--chart FILE`), checked before
/// anything is simulated: see [`output::check`].
pub fn outputs(scenario: &Path, output: Option<&Path>, chart: Option<&Path>) -> Result<()> {
    output::check(
        scenario,
        &[
            output::Planned::File("--chart", chart),
            output::Planned::File("-o", output),
        ],
    )
}

/// Writes to stdout, or to a file (see [`output`]: atomically where it is a
/// regular file).
pub fn emit(text: &str, output: Option<&Path>) -> Result<()> {
    emit_with(output::Batch::default(), text, output)
}

/// Writes `text` to `output` together with the other files of `files` (all
/// renamed into place at once), or the files and then `text` to stdout.
pub fn emit_with(mut files: output::Batch, text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        None => {
            files.commit()?;
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        Some(path) => {
            files.add(path, text.as_bytes())?;
            files.commit()?;
        }
    }
    Ok(())
}

/// A drill's or a run's results in the chosen format.
pub fn render(results: &impl report::Render, format: OutputFormat) -> String {
    match format {
        OutputFormat::Text => results.text(),
        OutputFormat::Json => results.json(),
        OutputFormat::Csv => results.csv(),
    }
}

/// The format `--chart FILE` asks for, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    Svg,
    Png,
}

/// `--chart FILE`, checked before anything is simulated.
pub fn chart(path: Option<&Path>) -> Result<Option<(&Path, ChartFormat)>> {
    let Some(path) = path else { return Ok(None) };
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let format = match ext.as_deref() {
        Some("svg") => ChartFormat::Svg,
        Some("png") => ChartFormat::Png,
        _ => usage_bail!(
            "--chart {}: the file name must end in .svg or .png, e.g. --chart tornado.svg",
            path.display()
        ),
    };
    Ok(Some((path, format)))
}

/// Adds one chart for `--chart FILE`, as SVG or PNG, to `files`.
fn write_chart(
    files: &mut output::Batch,
    f: &report::charts::Figure,
    path: &Path,
    format: ChartFormat,
) -> Result<()> {
    match format {
        ChartFormat::Svg => files.add(path, f.svg.as_bytes()),
        ChartFormat::Png => files.add(path, &png(f, path)?),
    }
}

/// The bytes of `f` as a PNG, for the file `shown` (named in errors).
pub fn png(f: &report::charts::Figure, shown: &Path) -> Result<Vec<u8>> {
    f.png()
        .map_err(|e| anyhow!("cannot draw {}: {e}", shown.display()))
}

/// Writes the chart (when `--chart` was given) and the result in the
/// chosen format, both renamed into place together: `renderers` are the
/// text, JSON and CSV renderers.
pub fn finish<R, E: std::fmt::Display>(
    args: &SimArgs,
    chart: Option<(&Path, ChartFormat)>,
    figure: impl FnOnce() -> std::result::Result<report::charts::Figure, E>,
    renderers: [fn(&R) -> String; 3],
    result: &R,
) -> Result<()> {
    let mut files = output::Batch::default();
    if let Some((path, format)) = chart {
        let figure = figure().map_err(|e| anyhow!("cannot draw the chart: {e}"))?;
        write_chart(&mut files, &figure, path, format)?;
    }
    let render = match args.format {
        OutputFormat::Text => renderers[0],
        OutputFormat::Json => renderers[1],
        OutputFormat::Csv => renderers[2],
    };
    emit_with(files, &render(result), args.output.as_deref())
}

/// `--precision`, `--precision-of` and `--max-trials`: the target (none
/// without `--precision`) and the threat `--precision-of` names, if any.
pub fn precision(args: &PrecisionArgs) -> Result<(Option<sim::Precision>, Option<String>)> {
    let Some(text) = args.precision.as_deref() else {
        return Ok((None, None));
    };
    let (number, scale) = match text.trim().strip_suffix('%') {
        Some(p) => (p, 0.01),
        None => (text.trim(), 1.0),
    };
    let relative = number
        .trim()
        .parse::<f64>()
        .ok()
        .map(|x| x * scale)
        .filter(|x| *x > 0.0 && *x < 1.0)
        .ok_or_else(|| {
            usage_error!("--precision must be a share above 0 and below 1, such as 0.05 or 5% (got `{text}`)")
        })?;
    let max_trials = sim::Trials::new(args.max_trials)
        .map_err(|_| {
            usage_error!(
                "--max-trials must be between {} and {} (got {})",
                sim::Trials::MIN,
                sim::Trials::MAX,
                args.max_trials
            )
        })?
        .get();
    let (of, threat) = match args.precision_of.as_deref() {
        None => (sim::PrecisionOf::Loss, None),
        Some(figure) => sim::PrecisionOf::parse(figure).ok_or_else(|| {
            usage_error!(
                "--precision-of takes loss, loss:SERVICE, rto:SERVICE, rpo:SERVICE or (in a drill) rto:SERVICE:THREAT (got `{figure}`)"
            )
        })?,
    };
    Ok((
        Some(sim::Precision {
            relative,
            max_trials,
            of,
        }),
        threat,
    ))
}
