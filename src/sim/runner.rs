//! The parallel runner: fixed-size chunks of trials on rayon, each chunk
//! producing mergeable streaming summaries, merged in chunk order. Chunk
//! boundaries and the merge order do not depend on the thread count, so
//! neither do the results; memory does not grow with the number of trials.

use super::model::{Model, NONE};
use super::rare::hits::{Forced, HitDesign};
use super::rare::{Binding, Design};
use super::shard::{self, Plan};
use super::targets;
use super::trial::{Mode, ServiceOutcome, Trial};
use super::{Config, Progress, SimError};
use crate::stats::{Mean, Sketch, Tally, Weight};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

/// Trials per work unit.
const CHUNK: u64 = 256;
/// Work units finished ahead of an earlier one that may wait, per worker,
/// before the worker waits too (see [`in_parallel`]).
const PENDING_PER_WORKER: usize = 1;

/// The summaries of [`in_parallel`]'s work units so far: those merged in
/// order (`all`, up to unit `next`) and those finished ahead of an earlier one.
struct Merged<A> {
    all: A,
    next: u64,
    pending: BTreeMap<u64, A>,
}

/// The relative resolution of the total loss's quantiles: finer than the
/// other figures' ([`RELATIVE_ERROR`](crate::stats::RELATIVE_ERROR)),
/// since the board reads its tail (the 1-in-100 and 1-in-200 losses), whose
/// interval is widened by the resolution on each side.
pub const TOTAL_LOSS_RESOLUTION: f64 = 0.001;

/// Streaming summaries of one service's per-trial values.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ServiceSamples {
    pub recovery: Sketch,
    pub downtime: Sketch,
    pub disruption: Sketch,
    pub data_loss: Sketch,
    pub loss: Sketch,
    /// The loss by cause: means and intervals only.
    pub loss_parts: LossPartMoments,
    pub availability: Sketch,
    pub outages: Sketch,
    pub rto_breaches: Sketch,
    pub affected: Tally,
    pub rto_met: Tally,
    pub rpo_met: Tally,
    pub mtpd_met: Tally,
    pub total_data_loss: Tally,
}

/// Running means of a service's loss by cause ([`targets::LossParts`]).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct LossPartMoments {
    pub outage_time: Mean,
    pub once: Mean,
    pub per_incident: Mean,
    pub data_loss: Mean,
    pub total_data_loss: Mean,
}

impl LossPartMoments {
    fn add(&mut self, parts: &targets::LossParts, at: Weight) {
        self.outage_time.add(parts.outage_time, at);
        self.once.add(parts.once, at);
        self.per_incident.add(parts.per_incident, at);
        self.data_loss.add(parts.data_loss, at);
        self.total_data_loss.add(parts.total_data_loss, at);
    }

    fn merge(&mut self, other: &LossPartMoments) {
        self.outage_time.merge(&other.outage_time);
        self.once.merge(&other.once);
        self.per_incident.merge(&other.per_incident);
        self.data_loss.merge(&other.data_loss);
        self.total_data_loss.merge(&other.total_data_loss);
    }
}

/// What caused one service's downtime and what ended it, summed over trials.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ServiceAttribution {
    /// Hours of downtime by the component whose hit started the outage.
    pub by_component: BTreeMap<u32, f64>,
    /// Hours of downtime by threat ([`NONE`] for independent failures).
    pub by_threat: BTreeMap<u32, f64>,
    /// Trials in which each component's recovery brought the service back
    /// the last time (in trial units: a weighted trial counts as its
    /// weight times N / n_h, see [`Design::trial_units`]).
    pub critical: BTreeMap<u32, f64>,
    /// The same, over the trials in which the service stayed disrupted
    /// past its MTPD: what most often breaks its impact tolerance.
    pub breached: BTreeMap<u32, f64>,
}

/// Summaries of a set of trials; `merge` appends another set that follows it.
/// Public because [`simulate`] returns it to the benches; only the trial
/// count is theirs to read, the rest is for `summarize` inside the crate.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Samples {
    /// Trials summarised.
    pub trials: u64,
    /// Simulated events over those trials.
    pub(crate) events: u64,
    pub(crate) services: Vec<ServiceSamples>,
    /// Total loss over all services, per trial, at
    /// [`TOTAL_LOSS_RESOLUTION`].
    pub(crate) total_loss: Sketch,
    /// The loss of the costliest single incident, per trial of a run
    /// ([`Trial::largest_incident_loss`]); empty for a drill.
    pub(crate) occurrence: Sketch,
    /// Per service, when explaining.
    pub(crate) attribution: Vec<ServiceAttribution>,
    /// A run's loss per trial by what started it: per threat, then last
    /// for independent failures ([`Trial::loss_by_cause`]); empty for a
    /// drill.
    pub(crate) loss_by_cause: Vec<Mean>,
    /// A run's independent failures per trial.
    pub(crate) independent_failures: Mean,
}

impl ServiceSamples {
    /// The disruption's samples (spec 13.2). A service without a work
    /// recovery time is disrupted exactly while it is recovering: its
    /// disruption in a trial is the recovery time (drill) or the downtime
    /// (run), the same number, so those samples serve and the hot loop
    /// keeps no third copy.
    pub(crate) fn disruption(&self, has_wrt: bool, mode: Mode) -> &Sketch {
        match (has_wrt, mode) {
            (true, _) => &self.disruption,
            (false, Mode::Drill { .. }) => &self.recovery,
            (false, Mode::Run { .. }) => &self.downtime,
        }
    }
}

impl Samples {
    fn new(services: usize) -> Self {
        Samples {
            trials: 0,
            events: 0,
            services: vec![ServiceSamples::default(); services],
            total_loss: Sketch::with_resolution(TOTAL_LOSS_RESOLUTION),
            occurrence: Sketch::with_resolution(TOTAL_LOSS_RESOLUTION),
            attribution: Vec::new(),
            loss_by_cause: Vec::new(),
            independent_failures: Mean::new(),
        }
    }

    /// Adds a run's trial's loss by what started it.
    fn record_causes(&mut self, trial: &Trial, at: Weight) {
        let money = trial.loss_by_cause();
        if self.loss_by_cause.len() != money.len() {
            self.loss_by_cause = vec![Mean::new(); money.len()];
        }
        for (m, &x) in self.loss_by_cause.iter_mut().zip(money) {
            m.add(x, at);
        }
        self.independent_failures
            .add(f64::from(trial.independent_failures()), at);
    }

    /// Adds a trial's causes of downtime, scaled by `units` (1 for plain
    /// sampling).
    fn record_attribution(&mut self, model: &Model, mode: Mode, trial: &Trial, units: f64) {
        if self.attribution.len() != trial.outage_hours.len() {
            self.attribution = vec![ServiceAttribution::default(); trial.outage_hours.len()];
        }
        for (s, a) in self.attribution.iter_mut().enumerate() {
            let hours = &trial.outage_hours[s];
            for (&component, &h) in &hours.by_component {
                *a.by_component.entry(component).or_default() += h * units;
            }
            for (&threat, &h) in &hours.by_threat {
                *a.by_threat.entry(threat).or_default() += h * units;
            }
            let last = trial.last_recovery_trigger[s];
            if last != NONE {
                *a.critical.entry(last).or_default() += units;
                let (svc, out) = (&model.services[s], &trial.services[s]);
                if targets::met(svc, out, mode).mtpd == Some(false) {
                    *a.breached.entry(last).or_default() += units;
                }
            }
        }
    }

    fn record(
        &mut self,
        model: &Model,
        mode: Mode,
        outcomes: &[ServiceOutcome],
        events: u64,
        at: Weight,
    ) {
        self.trials += 1;
        self.events += events;
        let mut total = 0.0;
        for ((svc, out), s) in model
            .services
            .iter()
            .zip(outcomes)
            .zip(self.services.iter_mut())
        {
            let parts = targets::loss_parts(svc, out);
            let loss = parts.total();
            total += loss;
            s.loss.add_at(loss, at);
            s.loss_parts.add(&parts, at);
            s.downtime.add_at(out.downtime, at);
            if svc.wrt != NONE {
                // Without a wrt the disruption is the recovery (drill) or
                // the downtime (run), sample for sample: see `disruption`.
                s.disruption.add_at(targets::disruption(out, mode), at);
            }
            s.data_loss.add_at(out.data_loss, at);
            s.affected.add(out.affected(), at);
            s.total_data_loss.add(out.total_losses > 0, at);
            match mode {
                Mode::Drill { .. } => s.recovery.add_at(out.recovered_at, at),
                Mode::Run { horizon } => {
                    s.availability.add_at(1.0 - out.downtime / horizon, at);
                    s.outages.add_at(f64::from(out.outages), at);
                    s.rto_breaches.add_at(f64::from(out.rto_breaches), at);
                }
            }
            let met = targets::met(svc, out, mode);
            s.rto_met.add(met.rto == Some(true), at);
            s.rpo_met.add(met.rpo == Some(true), at);
            s.mtpd_met.add(met.mtpd == Some(true), at);
        }
        self.total_loss.add_at(total, at);
    }

    pub(crate) fn merge(&mut self, other: &Samples) {
        self.trials += other.trials;
        self.events += other.events;
        for (a, b) in self.services.iter_mut().zip(&other.services) {
            a.recovery.merge(&b.recovery);
            a.downtime.merge(&b.downtime);
            a.disruption.merge(&b.disruption);
            a.data_loss.merge(&b.data_loss);
            a.loss.merge(&b.loss);
            a.loss_parts.merge(&b.loss_parts);
            a.availability.merge(&b.availability);
            a.outages.merge(&b.outages);
            a.rto_breaches.merge(&b.rto_breaches);
            a.affected.merge(&b.affected);
            a.rto_met.merge(&b.rto_met);
            a.rpo_met.merge(&b.rpo_met);
            a.mtpd_met.merge(&b.mtpd_met);
            a.total_data_loss.merge(&b.total_data_loss);
        }
        self.total_loss.merge(&other.total_loss);
        self.occurrence.merge(&other.occurrence);
        if self.loss_by_cause.len() < other.loss_by_cause.len() {
            self.loss_by_cause
                .resize(other.loss_by_cause.len(), Mean::new());
        }
        for (a, b) in self.loss_by_cause.iter_mut().zip(&other.loss_by_cause) {
            a.merge(b);
        }
        self.independent_failures.merge(&other.independent_failures);
        if self.attribution.len() < other.attribution.len() {
            self.attribution
                .resize(other.attribution.len(), ServiceAttribution::default());
        }
        for (a, b) in self.attribution.iter_mut().zip(&other.attribution) {
            for (k, v) in &b.by_component {
                *a.by_component.entry(*k).or_default() += v;
            }
            for (k, v) in &b.by_threat {
                *a.by_threat.entry(*k).or_default() += v;
            }
            for (k, v) in &b.critical {
                *a.critical.entry(*k).or_default() += v;
            }
            for (k, v) in &b.breached {
                *a.breached.entry(*k).or_default() += v;
            }
        }
    }
}

/// Runs `config.trials` trials of `mode` in parallel. Public for the
/// benches, which time the runner on a model compiled once; the library's
/// callers use [`drill`](super::drill) and [`run`](super::run).
pub fn simulate(
    model: &Model,
    mode: Mode,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Samples, SimError> {
    let all = 0..config.trials.get();
    simulate_with(all, model, mode, config, progress, false, None)
}

/// How a command's trials are drawn when not plainly.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rare<'a> {
    /// A run stratified on its rare threats: the design and the model
    /// bound to it (see [`rare`](super::rare)).
    Threats(&'a Design, &'a Binding),
    /// A drill stratified on its rare hits (see
    /// [`rare::hits`](super::rare::hits)).
    Hits(&'a HitDesign),
}

impl<'a> Rare<'a> {
    /// Per stratum, what a trial of weight 1 counts for in a sum over the
    /// first `trials` ([`Design::trial_units`]).
    fn trial_units(self, trials: u64) -> Vec<f64> {
        match self {
            Rare::Threats(d, _) => d.trial_units(trials),
            Rare::Hits(h) => h.trial_units(trials),
        }
    }

    /// The binding of a run's design, which marks the threats it draws.
    fn binding(self) -> Option<&'a Binding> {
        match self {
            Rare::Threats(_, b) => Some(b),
            Rare::Hits(_) => None,
        }
    }
}

/// Like [`simulate`] over the trials numbered `range` (a range past 0
/// continues a run where another stopped), also attributing each
/// service's downtime to the components and threats that started its
/// outages (`explain`), and drawing the rare threats' strikes or the rare
/// hits by a stratified design (`rare`).
pub(crate) fn simulate_with(
    range: std::ops::Range<u64>,
    model: &Model,
    mode: Mode,
    config: &Config,
    progress: &dyn Progress,
    explain: bool,
    rare: Option<Rare>,
) -> Result<Samples, SimError> {
    let services = model.services.len();
    let units = rare.map(|r| r.trial_units(range.end));
    in_parallel(
        range,
        config,
        progress,
        || Samples::new(services),
        || {
            let mut trial = bound_trial(model, rare.and_then(Rare::binding));
            trial.set_explain(explain);
            trial.set_count_incidents(matches!(mode, Mode::Run { .. }));
            (trial, Strikes::default())
        },
        |(trial, strikes), samples, t| {
            let at = match rare {
                Some(Rare::Hits(h)) => h.run(trial, &mut strikes.forced, config.seed, t, mode),
                Some(Rare::Threats(d, b)) => strikes.run(d, b, trial, config.seed, t, mode),
                None => run_trial(trial, None, strikes, config.seed, t, mode),
            };
            samples.record(model, mode, &trial.services, trial.events, at);
            if let Mode::Run { .. } = mode {
                samples.occurrence.add_at(trial.largest_incident_loss(), at);
                samples.record_causes(trial, at);
            }
            if explain {
                let units = units
                    .as_ref()
                    .map_or(1.0, |u| at.w * u[usize::from(at.stratum)]);
                samples.record_attribution(model, mode, trial, units);
            }
        },
        Samples::merge,
    )
}

/// A trial of `model`, whose rare threats strike as the design it is
/// bound to draws them (`binding`), or as the model says (`None`).
pub(crate) fn bound_trial<'m>(model: &'m Model, binding: Option<&Binding>) -> Trial<'m> {
    let mut trial = Trial::new(model);
    if let Some(b) = binding {
        trial.set_drawn(&b.drawn);
    }
    trial
}

/// A thread's trials of a base model and of its variants, each bound to
/// the command's design (`None`: plain sampling).
pub(crate) fn bound_trials<'m>(
    base: &'m Model,
    base_binding: Option<&Binding>,
    variants: &'m [Model],
    bindings: &[Option<Binding>],
) -> (Trial<'m>, Vec<Trial<'m>>) {
    let trials = variants
        .iter()
        .zip(bindings)
        .map(|(m, b)| bound_trial(m, b.as_ref()))
        .collect();
    (bound_trial(base, base_binding), trials)
}

/// Runs trial `t` of a model bound to a design with its rare strikes, or
/// plainly without one; returns the trial's weight.
pub(crate) fn run_trial(
    trial: &mut Trial,
    rare: Option<(&Design, &Binding)>,
    strikes: &mut Strikes,
    seed: u64,
    t: u64,
    mode: Mode,
) -> Weight {
    match rare {
        None => {
            trial.run(seed, t, mode);
            Weight::ONE
        }
        Some((design, binding)) => strikes.run(design, binding, trial, seed, t, mode),
    }
}

/// A thread's scratch for the rare strikes of one trial.
#[derive(Debug, Default)]
pub(crate) struct Strikes {
    drawn: Vec<(f64, u32)>,
    events: Vec<(f64, u32)>,
    counts: Vec<u32>,
    /// A drill's rare hits.
    forced: Forced,
}

impl Strikes {
    /// The weight of trial `t` for a model bound to the design, from the
    /// rare strikes last drawn (for trial `t`); plain sampling's without a
    /// design.
    pub(crate) fn weight(&self, rare: Option<(&Design, &Binding)>, t: u64) -> Weight {
        match rare {
            None => Weight::ONE,
            Some((design, binding)) => design.weight(t, binding, &self.counts),
        }
    }

    /// Runs trial `t` of a model bound to `design` with the design's rare
    /// strikes; returns the trial's weight.
    pub(crate) fn run(
        &mut self,
        design: &Design,
        binding: &Binding,
        trial: &mut Trial,
        seed: u64,
        t: u64,
        mode: Mode,
    ) -> Weight {
        design.strikes(seed, t, &mut self.drawn, &mut self.counts);
        binding.events(&self.drawn, &mut self.events);
        trial.run_with(seed, t, mode, &self.events);
        design.weight(t, binding, &self.counts)
    }
}

/// Runs `trial(state, acc, t)` for every trial `t` in `range`, in
/// parallel, in chunks from the range's start whose boundaries do not
/// depend on the thread count; the per-chunk accumulators are merged in
/// chunk order, a batch at a time, so memory stays flat and results are
/// identical for any number of threads. A range that starts past 0
/// continues a run where another stopped.
pub(crate) fn in_parallel<A, S>(
    range: std::ops::Range<u64>,
    config: &Config,
    progress: &dyn Progress,
    empty: impl Fn() -> A + Sync,
    state: impl Fn() -> S + Sync,
    trial: impl Fn(&mut S, &mut A, u64) + Sync,
    merge: impl Fn(&mut A, &A) + Sync,
) -> Result<A, SimError>
where
    A: Send + Serialize + DeserializeOwned,
{
    let (start, trials) = (range.start, range.end);
    let chunks = (trials - start).div_ceil(CHUNK);
    // A shard runs its share of the chunks and keeps each one's summaries;
    // a merge folds the parts' summaries in the same order (see `shard`).
    let (mine, record) = match config.work.plan(&range, chunks, &empty)? {
        Plan::Run { chunks, record } => (chunks, record),
        Plan::Fold(states) => {
            let mut all = empty();
            for (k, (name, bytes)) in (0u64..).zip(states) {
                merge(&mut all, &shard::decode::<A>(name, bytes)?);
                progress.update((start + (k + 1) * CHUNK).min(trials), trials);
            }
            return Ok(all);
        }
    };
    // Progress over a shard's trials is shown as a share of all of them.
    let own = (mine.end * CHUNK).min(trials - start) - (mine.start * CHUNK).min(trials - start);
    let done = Mutex::new(0u64);
    let work = || {
        // Each worker claims the next chunk in order; finished chunks are
        // merged in chunk order (so the result does not depend on the
        // threads), and a chunk that finishes early waits, as a part, for
        // those before it. At most PENDING_PER_WORKER parts per worker wait:
        // memory is bounded by the threads, not the trials, however large
        // a part (a 10,000-component estate's is over 100 MB).
        let units = mine.end - mine.start;
        let workers = rayon::current_num_threads().clamp(1, units.max(1) as usize);
        let limit = PENDING_PER_WORKER * workers;
        let next = AtomicU64::new(mine.start);
        let merged = Mutex::new(Merged {
            all: empty(),
            next: mine.start,
            pending: BTreeMap::new(),
        });
        let moved = Condvar::new();
        (0..workers).into_par_iter().for_each(|_| {
            let mut st = state();
            loop {
                // Wait while too many parts wait for an earlier one.
                {
                    let mut m = merged.lock().expect("no worker panicked");
                    while m.pending.len() >= limit {
                        m = moved.wait(m).expect("no worker panicked");
                    }
                }
                let chunk = next.fetch_add(1, Ordering::Relaxed);
                if chunk >= mine.end {
                    break;
                }
                let first = start + chunk * CHUNK;
                let last = (first + CHUNK).min(trials);
                let mut acc = empty();
                for t in first..last {
                    trial(&mut st, &mut acc, t);
                }
                // Counted and reported under one lock: two workers finishing
                // together must not report their counts in reverse.
                {
                    let mut finished = done.lock().expect("no worker panicked");
                    *finished += last - first;
                    let shown =
                        u128::from(*finished) * u128::from(trials - start) / u128::from(own);
                    progress.update(start + shown as u64, trials);
                }
                let mut m = merged.lock().expect("no worker panicked");
                m.pending.insert(chunk, acc);
                let m = &mut *m;
                while let Some(part) = m.pending.remove(&m.next) {
                    shard::record(record, &part);
                    merge(&mut m.all, &part);
                    m.next += 1;
                }
                moved.notify_all();
            }
        });
        merged.into_inner().expect("no worker panicked").all
    };
    if config.threads == 0 {
        Ok(work())
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .build()
            .map_err(|e| SimError::Threads {
                threads: config.threads,
                message: e.to_string(),
            })?;
        Ok(pool.install(work))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::NoProgress;
    use std::sync::atomic::AtomicUsize;

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static MOST: AtomicUsize = AtomicUsize::new(0);

    /// A summary that counts how many exist at once.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Part(Vec<u64>);

    impl Part {
        fn new() -> Part {
            let live = LIVE.fetch_add(1, Ordering::SeqCst) + 1;
            MOST.fetch_max(live, Ordering::SeqCst);
            Part(Vec::new())
        }
    }

    impl Drop for Part {
        fn drop(&mut self) {
            LIVE.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// 200 work units on 2 threads, some slow: they are merged in order,
    /// and never more than a handful of summaries exist at once (it was
    /// 64 work units' worth, each 100 MB and more on a large estate).
    #[test]
    fn summaries_waiting_to_be_merged_are_bounded_by_the_threads_not_the_trials() {
        let trials = 200 * CHUNK;
        let config = Config::new(trials, 1, 2).unwrap();
        let all = in_parallel(
            0..trials,
            &config,
            &NoProgress,
            Part::new,
            || (),
            |_, part: &mut Part, t| {
                // Every seventh unit is slow, so others finish ahead of it.
                if (t / CHUNK).is_multiple_of(7) {
                    std::hint::black_box((0..2_000u64).sum::<u64>());
                }
                part.0.push(t);
            },
            |all, part| all.0.extend_from_slice(&part.0),
        )
        .unwrap();
        assert!(all.0.iter().copied().eq(0..trials));
        drop(all);
        // The merged one, one per worker at work, and the waiting ones
        // (PENDING_PER_WORKER each, plus one a worker may add meanwhile).
        let bound = 1 + 2 + 2 * PENDING_PER_WORKER + 2;
        let most = MOST.load(Ordering::SeqCst);
        assert!(most <= bound, "{most} summaries at once");
    }
}
