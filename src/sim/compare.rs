//! Investment options against the base scenario on common random numbers.
//!
//! Every trial runs the base and each option with the same seed and trial
//! number. Random draws belong to ids (component, threat, backup tier,
//! group), so whatever an option does not touch sees the same events, and
//! the per-trial difference in loss has far less noise than two independent
//! runs would: the paired interval is reported beside the width an
//! independent comparison would have had.

use super::appetite::{check, ToleranceCheck};
use super::package::{self, Package, Plan, Search};
use super::rare::{self, Binding};
use super::runner::TOTAL_LOSS_RESOLUTION;
use super::runner::{bound_trials, in_parallel, run_trial, Strikes};
use super::sensitivity::Reuse;
use super::targets::{self, trial_loss};
use super::{Config, Mode, Model, Progress, SimError, Trial};
use crate::graph::DependencyGraph;
use crate::scenario::{InvestmentOption, Scenario, HOURS_PER_YEAR};
use crate::stats::{Mean, Proportion, QuantileCi, Quantity, Sketch, Tally, Weight};

/// A mean with its 95% interval: of a difference of two paired quantities
/// (signed), or of one quantity such as an expected annual loss.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Change {
    /// The mean, in the quantity's unit (money per year for a loss,
    /// probability points for a P(target met)).
    pub mean: f64,
    /// 95% interval of the mean, same unit: the normal interval, cut to
    /// the values the quantity can take where it has a range (an expected
    /// loss is never negative).
    pub ci95: [f64; 2],
}

impl Change {
    /// The opposite difference (b − a for a − b), its interval flipped.
    pub(super) fn negated(self) -> Change {
        Change {
            mean: -self.mean,
            ci95: [-self.ci95[1], -self.ci95[0]],
        }
    }

    /// The change less `amount` (a constant, such as a difference in
    /// cost): its interval moves with it.
    pub(super) fn less(self, amount: f64) -> Change {
        Change {
            mean: self.mean - amount,
            ci95: [self.ci95[0] - amount, self.ci95[1] - amount],
        }
    }

    /// The mean of paired per-trial differences in `m`, a signed quantity,
    /// with its 95% normal interval, both times `scale` (e.g. to make a
    /// horizon's loss a year's).
    pub(super) fn scaled(m: &Mean, scale: f64) -> Change {
        Change::from_interval(m.mean(), m.ci95(), scale)
    }

    /// The mean of per-trial values of `quantity` in `m` with its 95%
    /// interval cut to the quantity's range, both times `scale` (positive).
    pub(super) fn scaled_of(m: &Mean, quantity: Quantity, scale: f64) -> Change {
        Change::from_interval(m.mean(), m.ci95_of(quantity), scale)
    }

    /// The sum of two estimates of a `quantity` (a level measured as a
    /// base plus a change measured apart), its interval from their half
    /// widths taken as independent, cut to the quantity's range, times
    /// `scale`.
    pub(super) fn sum_of(a: &Mean, b: &Mean, quantity: Quantity, scale: f64) -> Change {
        let mean = a.mean() + b.mean();
        let half = a.half_width().hypot(b.half_width());
        Change::from_interval(mean, quantity.interval(mean, half), scale)
    }

    fn from_interval(mean: f64, [lo, hi]: [f64; 2], scale: f64) -> Change {
        Change {
            mean: mean * scale,
            ci95: [lo * scale, hi * scale],
        }
    }
}

/// One drilled threat's effect of an option on one service.
#[derive(Debug, Clone)]
pub struct ServiceDrillChange {
    /// The service's component id (in the base scenario).
    pub service: String,
    /// P(RTO met) in the base's drill, probability 0..1; `None` when the
    /// base or the option sets no RTO on the service, or the option removed
    /// it.
    pub rto_met_base: Option<f64>,
    /// Option minus base in P(RTO met), paired, probability points (-1..1);
    /// `None` as for `rto_met_base`.
    pub rto_met_change: Option<Change>,
    /// P(RPO met) in the base's drill, probability 0..1; `None` as for
    /// the RTO, with the RPO.
    pub rpo_met_base: Option<f64>,
    /// Option minus base in P(RPO met), paired, probability points.
    pub rpo_met_change: Option<Change>,
    /// P(the service loses all its data) in the base's drill (spec 13.7:
    /// no recovery point to restore), probability 0..1; `None` when the
    /// option removed the service.
    pub total_loss_base: Option<f64>,
    /// Option minus base in P(all data lost), paired, probability points
    /// (negative: the option makes it less likely); `None` as for
    /// `total_loss_base`.
    pub total_loss_change: Option<Change>,
}

/// What an option does to the drill of one threat.
#[derive(Debug, Clone)]
pub struct DrillChange {
    /// The drilled threat's id.
    pub threat: String,
    /// One per service of the base, in the base's order.
    pub services: Vec<ServiceDrillChange>,
}

/// What one option is worth.
#[derive(Debug, Clone)]
pub struct OptionResult {
    /// The option's id.
    pub id: String,
    /// Its display name (`name`, else the id).
    pub name: String,
    /// One-off cost, money in the scenario's currency.
    pub upfront: f64,
    /// Running cost, money per year.
    pub per_year: f64,
    /// Upfront spread over the lifetime plus running cost, money per year.
    pub annual_cost: f64,
    /// Expected annual loss with the option, money per year.
    pub ale: Change,
    /// Option minus base in expected annual loss, money per year, paired
    /// (negative: the option saves money).
    pub ale_change: Change,
    /// Half-width of the interval of the change had the two been run on
    /// independent random numbers (same trials each), money per year.
    pub independent_half_width: f64,
    /// Share of trials in which the option's loss over the horizon (a
    /// year by default) plus its cost over the horizon (annual cost ×
    /// years) is below the base's loss, probability 0..1 (ties count as
    /// not below). `None` under rare-event sampling for an option that
    /// changes a rare threat's rate: the option's years are then the
    /// base's, reweighted, so no year can be told apart from its pair
    /// (`--plain` measures it).
    pub p_better: Option<Proportion>,
    /// Reduction in expected annual loss minus annual cost, money per year.
    pub net_benefit: f64,
    /// Net benefit per unit of annual cost, a ratio (`None` for a free
    /// option).
    pub roi: Option<f64>,
    /// Years for the loss reduction, net of running costs, to repay the
    /// upfront cost: `None` when it does not within the option's lifetime
    /// ([`OptionResult::payback`] says which).
    pub payback_years: Option<f64>,
    /// The option's lifetime, years: its upfront cost is spread over it.
    pub lifetime_years: f64,
    /// One per drilled threat that the option's scenario still has, in the
    /// order asked for.
    pub drills: Vec<DrillChange>,
}

/// Whether an option repays its upfront cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Payback {
    /// Within its lifetime, after this many years.
    After(f64),
    /// The loss reduction, net of running costs, would repay it, but only
    /// after the option's lifetime (this many years).
    PastLifetime(f64),
    /// The loss reduction does not cover the running costs: never.
    Never,
}

impl OptionResult {
    /// Whether and when the option repays its upfront cost, the one place
    /// that decides it (`payback_years` is its `After`).
    pub fn payback(&self) -> Payback {
        payback(
            -self.ale_change.mean,
            self.upfront,
            self.per_year,
            self.lifetime_years,
        )
    }

    /// How many times narrower the paired interval is than an independent one.
    pub fn crn_gain(&self) -> Option<f64> {
        let paired = (self.ale_change.ci95[1] - self.ale_change.ci95[0]) / 2.0;
        (paired > 0.0).then(|| self.independent_half_width / paired)
    }
}

/// Years for a loss `reduction` per year, net of running costs
/// `per_year`, to repay `upfront` (see [`Payback`]).
fn payback(reduction: f64, upfront: f64, per_year: f64, lifetime_years: f64) -> Payback {
    if reduction <= per_year {
        return Payback::Never;
    }
    let years = upfront / (reduction - per_year);
    if years <= lifetime_years {
        Payback::After(years)
    } else {
        Payback::PastLifetime(years)
    }
}

/// The result of [`compare`]: the base and every option on common random
/// numbers.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The base scenario's name.
    pub scenario: String,
    /// The currency every money figure is in.
    pub currency: String,
    /// Trials per scenario.
    pub trials: u64,
    /// The seed shared by the base and the options.
    pub seed: u64,
    /// The simulated period of the risk run, hours; losses are scaled from
    /// it to a year.
    pub horizon_h: f64,
    /// Expected annual loss of the base scenario, money per year.
    pub base_ale: Change,
    /// The base's loss one simulated period in 100 exceeds, read as the
    /// options' are (`None` without options).
    pub base_p99: Option<LossQuantile>,
    /// How the risk run's trials were drawn (the drills: plainly).
    pub sampling: super::Sampling,
    /// One per option, in the order given.
    pub options: Vec<OptionResult>,
    /// The drilled threats' ids, in the order given.
    pub threats: Vec<String>,
    /// The best set of options to buy (`None` without options).
    pub package: Option<Package>,
}

/// The model of a scenario, its graph built on the way.
pub(super) fn compile(s: &Scenario) -> Model {
    Model::compile(s, &DependencyGraph::build(s))
}

/// The resolution of the loss sketches a comparison keeps per variant (to
/// judge it against the risk tolerance, and for its 1-in-100 loss): the
/// run's, so that the base's figures read the same in `compare` and in
/// the report's summary beside the run's (hospital: 19 MB in all, 12 MB
/// at 1%).
const TOLERANCE_RESOLUTION: f64 = TOTAL_LOSS_RESOLUTION;

/// One variant's part of a risk pass.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Cell {
    /// Its loss over the horizon.
    loss: Mean,
    /// Its loss minus the base's, paired.
    change: Mean,
    /// Whether its loss plus its cost was below the base's loss.
    wins: Tally,
    /// Its loss over the horizon, for the loss exceedance curve (only
    /// when the scenario has a risk tolerance to judge it against).
    sketch: Option<Sketch>,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct RiskAcc {
    base: Mean,
    base_sketch: Option<Sketch>,
    cells: Vec<Cell>,
    /// Per pair `(a, b)` asked for: variant a's loss minus variant b's.
    pairs: Vec<Mean>,
}

/// What a risk pass says of one variant (or of the base).
#[derive(Debug, Clone)]
pub(super) struct Judged {
    /// Expected annual loss, money per year.
    pub ale: Change,
    /// Minus the base's, paired, money per year (zero for the base).
    pub ale_change: Change,
    /// Half-width of the change's interval had the two been independent.
    pub independent_half_width: f64,
    /// P(a better year), see [`OptionResult::p_better`].
    pub p_better: Option<Proportion>,
    /// Its losses over the horizon judged against the risk tolerance;
    /// `None` without one.
    pub tolerance: Option<ToleranceCheck>,
    /// The loss one simulated period in 100 exceeds (the 99th percentile
    /// of the loss over the horizon, read at [`TOLERANCE_RESOLUTION`]),
    /// with its interval; `None` when no sketch was kept.
    pub p99: Option<LossQuantile>,
}

/// A quantile of the loss over the simulated period, with its 95%
/// interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LossQuantile {
    /// The quantile, money over the horizon.
    pub value: f64,
    /// Its 95% interval from order statistics.
    pub ci95: QuantileCi,
}

impl LossQuantile {
    fn p99(sketch: &Option<Sketch>) -> Option<LossQuantile> {
        sketch.as_ref().map(|s| LossQuantile {
            value: s.quantile(0.99),
            ci95: s.quantile_ci(0.99),
        })
    }
}

/// What every risk pass of one comparison shares: the base, the design of
/// the trials (rare-event sampling, the same for every pass, so every
/// variant of every pass is judged on the same trials), the horizon.
pub(super) struct RiskRuns<'a> {
    base: &'a Scenario,
    base_model: &'a Model,
    design: Option<rare::Design>,
    base_binding: Option<Binding>,
    mode: Mode,
    config: &'a Config,
    progress: &'a dyn Progress,
    years: f64,
    /// Whether to keep each variant's loss sketch (a risk tolerance to
    /// judge the curves against).
    sketches: bool,
    /// Whether a variant that only sets the base's inputs to other values
    /// reuses the base's trials it cannot change ([`Reuse`]); the results
    /// are the same either way.
    reuse: bool,
}

impl RiskRuns<'_> {
    /// Runs the base and `variants` (a scenario each with its compiled
    /// model, in `models`, and its annual cost) on the comparison's
    /// trials; returns the base's figures, each variant's, and for each
    /// pair `(a, b)` of variant indices in `pairs` the paired difference
    /// of a's expected annual loss less b's.
    pub(super) fn pass(
        &self,
        variants: &[(&Scenario, f64)],
        models: &[Model],
        pairs: &[(usize, usize)],
    ) -> Result<(Judged, Vec<Judged>, Vec<Change>), SimError> {
        let (config, mode) = (self.config, self.mode);
        let bindings: Vec<Option<Binding>> = variants
            .iter()
            .zip(models)
            .map(|((s, _), m)| self.design.as_ref().map(|d| d.bind(s, m)))
            .collect();
        // Each variant's cost over the horizon, charged against its loss
        // when judging whether a year was better with it.
        let costs: Vec<f64> = variants.iter().map(|(_, c)| c * self.years).collect();
        let design = self.design.as_ref();
        let sketch = || {
            self.sketches
                .then(|| Sketch::with_resolution(TOLERANCE_RESOLUTION))
        };
        let n = variants.len();
        let scenarios: Vec<&Scenario> = variants.iter().map(|(s, _)| *s).collect();
        let reuse = Reuse::new(self.base, &scenarios, self.reuse);
        let risk = in_parallel(
            0..config.trials.get(),
            config,
            self.progress,
            || RiskAcc {
                base: Mean::new(),
                base_sketch: sketch(),
                cells: vec![
                    Cell {
                        loss: Mean::new(),
                        change: Mean::new(),
                        wins: Tally::default(),
                        sketch: sketch(),
                    };
                    n
                ],
                pairs: vec![Mean::new(); pairs.len()],
            },
            || {
                let (base, options) = bound_trials(
                    self.base_model,
                    self.base_binding.as_ref(),
                    models,
                    &bindings,
                );
                (
                    base,
                    options,
                    Strikes::default(),
                    vec![(0.0, Weight::ONE); n],
                )
            },
            |(base_trial, trials, strikes, losses), acc, t| {
                let binding = self.base_binding.as_ref();
                let at0 = run_trial(
                    base_trial,
                    design.zip(binding),
                    strikes,
                    config.seed,
                    t,
                    mode,
                );
                let l0 = trial_loss(self.base_model, &base_trial.services);
                acc.base.add(l0, at0);
                if let Some(s) = &mut acc.base_sketch {
                    s.add_at(l0, at0);
                }
                for (i, trial) in trials.iter_mut().enumerate() {
                    let rare = design.zip(bindings[i].as_ref());
                    // A trial the variant cannot change is the base's, at
                    // the variant's weight (its rare threats' rates may
                    // differ).
                    let (l, at) = if reuse.fired(i, base_trial) {
                        let at = run_trial(trial, rare, strikes, config.seed, t, mode);
                        (trial_loss(&models[i], &trial.services), at)
                    } else {
                        (l0, strikes.weight(rare, t))
                    };
                    let cell = &mut acc.cells[i];
                    cell.loss.add(l, at);
                    cell.change.add_paired(l, at, l0, at0);
                    cell.wins.add(l + costs[i] < l0, at0);
                    if let Some(s) = &mut cell.sketch {
                        s.add_at(l, at);
                    }
                    losses[i] = (l, at);
                }
                for (m, &(a, b)) in acc.pairs.iter_mut().zip(pairs) {
                    let ((la, at_a), (lb, at_b)) = (losses[a], losses[b]);
                    m.add_paired(la, at_a, lb, at_b);
                }
            },
            |a, b| {
                a.base.merge(&b.base);
                if let (Some(x), Some(y)) = (&mut a.base_sketch, &b.base_sketch) {
                    x.merge(y);
                }
                for (x, y) in a.cells.iter_mut().zip(&b.cells) {
                    x.loss.merge(&y.loss);
                    x.change.merge(&y.change);
                    x.wins.merge(&y.wins);
                    if let (Some(x), Some(y)) = (&mut x.sketch, &y.sketch) {
                        x.merge(y);
                    }
                }
                for (x, y) in a.pairs.iter_mut().zip(&b.pairs) {
                    x.merge(y);
                }
            },
        )?;
        let per_year = 1.0 / self.years;
        let tolerance = &self.base.risk_tolerance;
        let judge = |s: &Option<Sketch>| s.as_ref().and_then(|s| check(s, tolerance));
        let base = Judged {
            ale: Change::scaled_of(&risk.base, Quantity::NonNegative, per_year),
            ale_change: Change {
                mean: 0.0,
                ci95: [0.0, 0.0],
            },
            independent_half_width: 0.0,
            p_better: None,
            tolerance: judge(&risk.base_sketch),
            p99: LossQuantile::p99(&risk.base_sketch),
        };
        let judged = risk
            .cells
            .iter()
            .zip(&bindings)
            .map(|(cell, binding)| {
                // Under rare-event sampling, a variant that changes a rare
                // threat's rate has the base's years, reweighted: no year
                // can be told apart from its pair.
                let changes_rare_rates = match (binding, &self.base_binding) {
                    (Some(b), Some(b0)) => b.expected != b0.expected,
                    _ => false,
                };
                Judged {
                    ale: Change::scaled_of(&cell.loss, Quantity::NonNegative, per_year),
                    ale_change: Change::scaled(&cell.change, per_year),
                    // The variance of a difference of independent
                    // estimates: the sum of theirs.
                    independent_half_width: risk.base.half_width().hypot(cell.loss.half_width())
                        * per_year,
                    p_better: (!changes_rare_rates).then(|| cell.wins.proportion()),
                    tolerance: judge(&cell.sketch),
                    p99: LossQuantile::p99(&cell.sketch),
                }
            })
            .collect();
        let pairs = risk
            .pairs
            .iter()
            .map(|m| Change::scaled(m, per_year))
            .collect();
        Ok((base, judged, pairs))
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct DrillAcc {
    /// Per option, per base service: (base, change) for RTO met, RPO met
    /// and all data lost.
    cells: Vec<Vec<[(Mean, Mean); 3]>>,
}

/// Compares `options` with the base: a `run` over `horizon` hours and a
/// drill of each threat in `threats`.
pub fn compare(
    base: &Scenario,
    options: &[InvestmentOption],
    plan: &Plan,
    horizon: Option<f64>,
    threats: &[String],
    config: &Config,
    progress: &dyn Progress,
) -> Result<Comparison, SimError> {
    compare_with(
        base, options, plan, horizon, threats, config, progress, true,
    )
}

/// [`compare`], reusing the base's trials that an option cannot change
/// (`reuse`) or simulating every option in every trial; the results are
/// the same.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compare_with(
    base: &Scenario,
    options: &[InvestmentOption],
    plan: &Plan,
    horizon: Option<f64>,
    threats: &[String],
    config: &Config,
    progress: &dyn Progress,
    reuse: bool,
) -> Result<Comparison, SimError> {
    for t in threats {
        if base.threat_index(t).is_none() {
            return Err(SimError::UnknownThreat {
                given: t.clone(),
                known: base.threats.iter().map(|t| t.id.clone()).collect(),
            });
        }
    }
    let horizon = horizon.unwrap_or(base.horizon);
    let years = horizon / HOURS_PER_YEAR;
    let base_model = compile(base);
    let models: Vec<Model> = options.iter().map(|o| compile(o.scenario())).collect();
    let mode = Mode::Run { horizon };
    let n = options.len();

    // Rare-event sampling (see `rare`): the base's design, which every
    // option and every set of options shares, each bound to its own rates.
    let sets = plan.sets();
    let covered: Vec<(&Scenario, &Model)> = options
        .iter()
        .zip(&models)
        .map(|(o, m)| (o.scenario(), m))
        .collect();
    let design = rare::Design::for_variants(base, &base_model, mode, config, &covered);
    let runs = RiskRuns {
        base,
        base_model: &base_model,
        base_binding: design.as_ref().map(|d| d.bind(base, &base_model)),
        design,
        mode,
        config,
        progress,
        years,
        // Every variant's loss sketch: for the risk tolerance and the
        // 1-in-100 loss with each package.
        sketches: n > 0,
        reuse,
    };
    // One pass: the single options, then the sets of an exhaustive search.
    let variants: Vec<(&Scenario, f64)> = options
        .iter()
        .map(|o| (o.scenario(), o.annual_cost()))
        .chain(
            sets.iter()
                .map(|s| (&s.scenario, plan.cost(options, &s.members))),
        )
        .collect();
    let members: Vec<Vec<usize>> = (0..n)
        .map(|i| vec![i])
        .chain(sets.iter().map(|s| s.members.clone()))
        .collect();
    // An exhaustive search compares the package with its rivals from the
    // paired differences of this pass (at most 64 variants: 2016 pairs,
    // cheap beside the trials).
    let pairs = match plan.search() {
        Search::Exhaustive if plan.enabled() => package::all_pairs(variants.len()),
        _ => Vec::new(),
    };
    // The single options' models, compiled above for the design and the
    // drills, are moved in front of the sets' and back out after the pass.
    let mut all_models = models;
    all_models.extend(sets.iter().map(|s| compile(&s.scenario)));
    let (base_judged, mut judged, gaps) = runs.pass(&variants, &all_models, &pairs)?;
    all_models.truncate(n);
    let models = all_models;
    let pairs: package::Pairs = pairs
        .into_iter()
        .zip(gaps)
        .map(|((a, b), gap)| ((members[a].clone(), members[b].clone()), gap))
        .collect();
    let set_judged = judged.split_off(n);

    // Drills: per threat, per option, per base service.
    let mut drill_results: Vec<Vec<DrillChange>> = vec![Vec::new(); n];
    // Which trials each option's drill can change: the same for every threat.
    let scenarios: Vec<&Scenario> = options.iter().map(|o| o.scenario()).collect();
    let reused = Reuse::new(base, &scenarios, reuse);
    for threat in threats {
        let base_mode = Mode::Drill {
            threat: base.threat_index(threat).expect("checked above") as u32,
        };
        let option_modes: Vec<Option<Mode>> = options
            .iter()
            .map(|o| {
                o.scenario()
                    .threat_index(threat)
                    .map(|i| Mode::Drill { threat: i as u32 })
            })
            .collect();
        // For each option, where each base service sits in the option's model.
        let service_map: Vec<Vec<Option<usize>>> = options
            .iter()
            .zip(&models)
            .map(|(o, m)| {
                base_model
                    .services
                    .iter()
                    .map(|svc| {
                        let id = &base.components[svc.component as usize].id;
                        let c = o.scenario().component_index(id)?;
                        m.services.iter().position(|s| s.component as usize == c)
                    })
                    .collect()
            })
            .collect();
        let services = base_model.services.len();
        let acc = in_parallel(
            0..config.trials.get(),
            config,
            progress,
            || DrillAcc {
                cells: vec![vec![std::array::from_fn(|_| (Mean::new(), Mean::new())); services]; n],
            },
            || {
                (
                    Trial::new(&base_model),
                    models.iter().map(Trial::new).collect::<Vec<_>>(),
                )
            },
            |(base_trial, option_trials), acc, t| {
                base_trial.run(config.seed, t, base_mode);
                let met =
                    |model: &Model, trial: &Trial, s: usize, mode: Mode| -> [Option<bool>; 3] {
                        let out = &trial.services[s];
                        let met = targets::met(&model.services[s], out, mode);
                        [met.rto, met.rpo, Some(out.total_losses > 0)]
                    };
                for (i, trial) in option_trials.iter_mut().enumerate() {
                    let Some(mode) = option_modes[i] else {
                        continue;
                    };
                    // A drill the option cannot change is the base's.
                    let trial: &Trial = if reused.fired(i, base_trial) {
                        trial.run(config.seed, t, mode);
                        trial
                    } else {
                        base_trial
                    };
                    for (s, mapped) in service_map[i].iter().enumerate() {
                        let Some(os) = *mapped else {
                            continue;
                        };
                        let b = met(&base_model, base_trial, s, base_mode);
                        let o = met(&models[i], trial, os, mode);
                        for k in 0..3 {
                            if let (Some(b), Some(o)) = (b[k], o[k]) {
                                let cell = &mut acc.cells[i][s][k];
                                let (b, o) = (f64::from(u8::from(b)), f64::from(u8::from(o)));
                                cell.0.add(b, Weight::ONE);
                                cell.1.add_paired(o, Weight::ONE, b, Weight::ONE);
                            }
                        }
                    }
                }
            },
            |a, b| {
                for (x, y) in a.cells.iter_mut().zip(&b.cells) {
                    for (p, q) in x.iter_mut().zip(y) {
                        for k in 0..3 {
                            p[k].0.merge(&q[k].0);
                            p[k].1.merge(&q[k].1);
                        }
                    }
                }
            },
        )?;
        for (i, option_cells) in acc.cells.iter().enumerate() {
            if option_modes[i].is_none() {
                continue;
            }
            let services = option_cells
                .iter()
                .enumerate()
                .map(|(s, cell)| {
                    let id = base.components[base_model.services[s].component as usize]
                        .id
                        .clone();
                    let get = |k: usize| {
                        (cell[k].0.count() > 0).then(|| {
                            let change = &cell[k].1;
                            (
                                cell[k].0.mean(),
                                Change::scaled_of(change, Quantity::FractionChange, 1.0),
                            )
                        })
                    };
                    let rto = get(0);
                    let rpo = get(1);
                    let total = get(2);
                    ServiceDrillChange {
                        total_loss_base: total.map(|x| x.0),
                        total_loss_change: total.map(|x| x.1),
                        service: id,
                        rto_met_base: rto.map(|x| x.0),
                        rto_met_change: rto.map(|x| x.1),
                        rpo_met_base: rpo.map(|x| x.0),
                        rpo_met_change: rpo.map(|x| x.1),
                    }
                })
                .collect();
            drill_results[i].push(DrillChange {
                threat: threat.clone(),
                services,
            });
        }
    }

    let results: Vec<OptionResult> = options
        .iter()
        .zip(&judged)
        .zip(drill_results)
        .map(|((o, j), drills)| {
            let annual_cost = o.annual_cost();
            let reduction = -j.ale_change.mean;
            let net_benefit = reduction - annual_cost;
            OptionResult {
                id: o.id.clone(),
                name: o.label().to_string(),
                upfront: o.upfront,
                per_year: o.per_year,
                annual_cost,
                ale: j.ale,
                ale_change: j.ale_change,
                independent_half_width: j.independent_half_width,
                p_better: j.p_better,
                net_benefit,
                roi: (annual_cost > 0.0).then(|| net_benefit / annual_cost),
                payback_years: match payback(reduction, o.upfront, o.per_year, o.lifetime_years) {
                    Payback::After(years) => Some(years),
                    Payback::PastLifetime(_) | Payback::Never => None,
                },
                lifetime_years: o.lifetime_years,
                drills,
            }
        })
        .collect();
    // A shard's results are not shown: its part holds the passes above, and
    // the merge searches (a greedy search's steps depend on all the trials).
    let package = (n > 0 && plan.enabled() && !config.work.is_shard())
        .then(|| {
            let singles = judged.into_iter().enumerate().map(|(i, j)| (vec![i], j));
            let sets = sets.iter().map(|s| s.members.clone()).zip(set_judged);
            let first: Vec<(Vec<usize>, Judged)> =
                std::iter::once((Vec::new(), base_judged.clone()))
                    .chain(singles)
                    .chain(sets)
                    .collect();
            package::search(plan, options, &runs, first, pairs)
        })
        .transpose()?;
    Ok(Comparison {
        scenario: base.name.clone(),
        currency: base.currency.clone(),
        trials: config.trials.get(),
        seed: config.seed,
        horizon_h: horizon,
        base_ale: base_judged.ale,
        base_p99: base_judged.p99,
        sampling: super::Sampling::of(runs.design.as_ref(), config.trials.get()),
        options: results,
        package,
        threats: threats.to_vec(),
    })
}
