//! The package: which set of investment options to buy.
//!
//! Options interact: two standby databases for one service are substitutes
//! (the second adds little), a faster restore and an immutable backup tier
//! can be complements. So a set is judged by simulating its combined patch
//! on the comparison's trials (common random numbers, the same design),
//! never by adding the single options' effects. The **package** is the set
//! with the highest net benefit (reduction in expected annual loss minus
//! annual cost) whose annual cost is within the budget; buying nothing (net
//! benefit 0) is a set too. Options that cannot be applied together
//! ([`crate::scenario::exclusive`], or a set whose patched scenario is not
//! valid) are never combined.
//!
//! **Search.** Every set that can be applied together, in one pass with
//! the single options, while there are at most [`MAX_EXHAUSTIVE_SETS`]
//! (the empty set and the single options included; without a risk
//! tolerance, sets over the budget are not counted, as they cannot be
//! chosen). Beyond, greedy forward selection with a drop check: from
//! buying nothing, add the option that raises the net benefit most; when
//! no addition raises it, drop the option whose removal raises it most, if
//! any, and go on adding; stop when neither move raises it. A step
//! simulates the additions [`GREEDY_BATCH`] at a time (in one pass, on the
//! same trials), those with the highest gain last measured first (an
//! option's gain is first its own net benefit), and stops once the best
//! gain found beats every gain not yet re-measured (lazy greedy); options
//! whose last gain was not positive are not tried again. Each step also
//! tries a leap: every option with a positive gain at once (where it can
//! join), taken when it beats the best single addition, so options whose
//! effects add up are bought in a few steps rather than one per step. It
//! finds the best set when the options' effects add up, and may miss
//! options that pay only together.
//!
//! **Rivals.** The package is compared, pair by pair on the same trials,
//! with the [`RIVALS`] next best sets within the budget: the gap in net
//! benefit with its paired interval says whether the trials tell them
//! apart (a set whose losses are the package's in every trial, such as
//! the package with an option that changes nothing here, is the package
//! again at a higher cost, not a rival).
//!
//! A set's rates of the rare threats are each some single option's (two
//! options setting the same threat's key exclude each other), so the
//! design drawn for the single options covers every set.

use super::compare::{compile, Change, Judged, RiskRuns};
use super::Model;
use super::SimError;
use crate::scenario::{combined, exclusive, InvestmentOption, Scenario};
use std::borrow::Cow;

/// The most sets an exhaustive search evaluates (2^6: six options that can
/// all be combined); beyond, the search is greedy.
pub const MAX_EXHAUSTIVE_SETS: usize = 64;

/// How many of the next best sets the package is compared with, pair by
/// pair, to say whether the trials tell it apart from them.
pub const RIVALS: usize = 7;

/// How many additions a greedy step simulates at a time: those whose last
/// measured gain was highest.
pub const GREEDY_BATCH: usize = 8;

/// How the package was searched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Search {
    /// Every set that can be applied together (within the budget, unless
    /// a risk tolerance asks for the cheapest set within it).
    Exhaustive,
    /// Greedy forward selection with a drop check (see the module
    /// documentation).
    Greedy,
}

/// Options that cannot be applied together, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Exclusion {
    /// Their ids, in file order.
    pub options: Vec<String>,
    /// Why, naming the item they both touch or the validation error of
    /// their combined scenario.
    pub reason: String,
}

/// A set of options judged on the comparison's trials.
#[derive(Debug, Clone)]
pub struct PackageSet {
    /// The options' ids, in file order (empty: buy nothing).
    pub options: Vec<String>,
    /// Sum of the options' annual costs, money per year.
    pub annual_cost: f64,
    /// Expected annual loss with the set, money per year.
    pub ale: Change,
    /// The set's expected annual loss minus the base's, paired, money per
    /// year (negative: the set saves money).
    pub ale_change: Change,
    /// Reduction in expected annual loss minus annual cost, money per year.
    pub net_benefit: f64,
    /// Whether the annual cost is within the budget (always, without one).
    pub within_budget: bool,
    /// Whether the loss exceedance curve with the set stays below the
    /// board's risk tolerance (judged as the report judges the base's:
    /// [`crate::sim::appetite::appetite`]); `None` without a tolerance.
    pub within_tolerance: Option<bool>,
    /// Whether that judgement is too close to call at these trials
    /// ([`crate::sim::appetite::ToleranceCheck::close_call`]); false
    /// without a tolerance.
    pub tolerance_close_call: bool,
    /// The loss one simulated period in 100 exceeds with the set, with
    /// its interval.
    pub p99: Option<super::compare::LossQuantile>,
}

/// The result of the package search.
#[derive(Debug, Clone)]
pub struct Package {
    /// How it was searched for.
    pub search: Search,
    /// Sets evaluated (the empty set and the single options included).
    pub sets_evaluated: usize,
    /// The budget, money per year; `None`: no cap.
    pub budget: Option<f64>,
    /// The set to buy: the highest net benefit within the budget.
    pub best: PackageSet,
    /// The next best set within the budget (`None` when there is no other).
    pub runner_up: Option<PackageSet>,
    /// The best set's net benefit minus the runner-up's, money per year,
    /// with its paired 95% interval: an interval that holds 0 means the
    /// trials cannot tell the two apart.
    pub gap: Option<Change>,
    /// How many of the next best sets (within the budget, at most
    /// [`RIVALS`]) the best was compared with, pair by pair.
    pub rivals_checked: usize,
    /// Those of them the trials cannot tell apart from the best (the 95%
    /// interval of the gap in net benefit holds 0), best first: the
    /// choice among them is not settled.
    pub not_told_apart: Vec<PackageSet>,
    /// The cheapest set evaluated whose curve stays within the board's
    /// risk tolerance (the empty set when the base already does), budget
    /// or not; `None` without a tolerance or when no set does.
    pub cheapest_within_tolerance: Option<PackageSet>,
    /// Pairs (and larger sets) of options never combined, and why.
    pub exclusive: Vec<Exclusion>,
}

/// A set of two or more options to evaluate, with its patched scenario.
#[derive(Debug)]
pub struct PlannedSet {
    /// Indices into the options, ascending.
    pub members: Vec<usize>,
    /// The base with every member's changes applied.
    pub scenario: Scenario,
}

/// What the package search will do, decided before any trial runs (so the
/// command can say what it will cost): which options exclude each other,
/// whether the search is exhaustive, and the sets an exhaustive one
/// evaluates with the single options.
#[derive(Debug)]
pub struct Plan {
    budget: Option<f64>,
    /// `excludes[i][j]`: options i and j cannot be applied together.
    excludes: Vec<Vec<bool>>,
    exclusive: Vec<Exclusion>,
    /// Sets of options (indices, ascending) that are not a valid scenario
    /// together: no set holding one is evaluated.
    invalid: Vec<Vec<usize>>,
    search: Search,
    sets: Vec<PlannedSet>,
    /// Whether to search at all (`compare --no-package`: not).
    enabled: bool,
}

impl Plan {
    /// Plans the search over `options` under `budget` (money per year);
    /// `tolerance`: the scenario has a risk tolerance, so sets over the
    /// budget are evaluated too (the cheapest set within the tolerance may
    /// cost more than the budget).
    pub fn new(options: &[InvestmentOption], budget: Option<f64>, tolerance: bool) -> Plan {
        let n = options.len();
        let mut excludes = vec![vec![false; n]; n];
        let mut exclusions = Vec::new();
        for i in 0..n {
            for j in i + 1..n {
                if let Some(reason) = exclusive(&options[i], &options[j]) {
                    excludes[i][j] = true;
                    excludes[j][i] = true;
                    exclusions.push(Exclusion {
                        options: vec![options[i].id.clone(), options[j].id.clone()],
                        reason,
                    });
                }
            }
        }
        let mut plan = Plan {
            budget,
            excludes,
            exclusive: exclusions,
            enabled: true,
            ..Plan::off()
        };
        // The sets of two or more that can be combined (and, without a
        // tolerance, afforded), in order of their members, counting the
        // empty set and the single options; greedy past the limit.
        let afford = |cost: f64| tolerance || plan.affords(cost);
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut count = 1 + n;
        let mut stack: Vec<(Vec<usize>, f64)> = (0..n)
            .rev()
            .map(|i| (vec![i], options[i].annual_cost()))
            .collect();
        while let Some((set, cost)) = stack.pop() {
            let last = *set.last().expect("a set on the stack has a member");
            for k in (last + 1..n).rev() {
                let cost = cost + options[k].annual_cost();
                if set.iter().any(|&m| plan.excludes[m][k]) || !afford(cost) {
                    continue;
                }
                let mut bigger = set.clone();
                bigger.push(k);
                stack.push((bigger, cost));
            }
            if set.len() >= 2 {
                count += 1;
                if count > MAX_EXHAUSTIVE_SETS {
                    plan.search = Search::Greedy;
                    return plan;
                }
                members.push(set);
            }
        }
        members.sort();
        for set in members {
            // A set holding one that cannot be applied together cannot be
            // either: it is not reported again.
            if plan.contains_invalid(&set) {
                continue;
            }
            match plan.build(options, &set) {
                Ok(scenario) => plan.sets.push(PlannedSet {
                    members: set,
                    scenario,
                }),
                Err(reason) => plan.exclude(options, set, reason),
            }
        }
        plan
    }

    /// The plan for `options` of `base` without a budget: what `compare`
    /// does when not given one.
    pub fn of(base: &Scenario, options: &[InvestmentOption]) -> Plan {
        Plan::new(options, None, !base.risk_tolerance.is_empty())
    }

    /// No search: `compare` judges the options one at a time only.
    pub fn off() -> Plan {
        Plan {
            budget: None,
            excludes: Vec::new(),
            exclusive: Vec::new(),
            invalid: Vec::new(),
            search: Search::Exhaustive,
            sets: Vec::new(),
            enabled: false,
        }
    }

    /// Whether the package is searched for.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The sets of two or more options an exhaustive search evaluates
    /// with the single options (none for a greedy one).
    pub fn sets(&self) -> &[PlannedSet] {
        &self.sets
    }

    /// How the search goes.
    pub fn search(&self) -> Search {
        self.search
    }

    /// Variants the search will simulate besides the single options, for
    /// an estimate of its cost: the planned sets, or for a greedy search
    /// what it usually simulates (a leap, a batch or two, a drop check of
    /// every option and the rivals; options that interact take more
    /// steps).
    pub fn extra_variants(&self) -> usize {
        let n = self.excludes.len();
        match self.search {
            _ if !self.enabled => 0,
            Search::Exhaustive => self.sets.len(),
            Search::Greedy => 2 * n + 2 * GREEDY_BATCH + RIVALS + 1,
        }
    }

    /// The sum of the annual costs of `members`, money per year.
    pub fn cost(&self, options: &[InvestmentOption], members: &[usize]) -> f64 {
        members.iter().map(|&i| options[i].annual_cost()).sum()
    }

    fn affords(&self, cost: f64) -> bool {
        self.budget.is_none_or(|b| cost <= b * (1.0 + 1e-12))
    }

    fn build(&self, options: &[InvestmentOption], members: &[usize]) -> Result<Scenario, String> {
        let set: Vec<&InvestmentOption> = members.iter().map(|&i| &options[i]).collect();
        combined(&set).map_err(|e| format!("together they are not a valid scenario: {e}"))
    }

    /// Whether `set` (ascending) holds a set found not to be a valid
    /// scenario.
    fn contains_invalid(&self, set: &[usize]) -> bool {
        holds_any(set, &self.invalid)
    }

    /// Whether no two options of `set` exclude each other.
    fn pairs_compatible(&self, set: &[usize]) -> bool {
        set.iter()
            .enumerate()
            .all(|(a, &i)| set[a + 1..].iter().all(|&j| !self.excludes[i][j]))
    }

    fn exclude(&mut self, options: &[InvestmentOption], set: Vec<usize>, reason: String) {
        self.exclusive.push(Exclusion {
            options: set.iter().map(|&i| options[i].id.clone()).collect(),
            reason,
        });
        self.invalid.push(set);
    }
}

/// Whether `set` (ascending) holds one of `sets` (each ascending).
fn holds_any(set: &[usize], sets: &[Vec<usize>]) -> bool {
    sets.iter()
        .any(|bad| bad.iter().all(|i| set.binary_search(i).is_ok()))
}

/// Paired differences of expected annual loss between sets judged in the
/// same pass: `(a, b)` maps to a's loss minus b's, money per year.
pub(super) type Pairs = std::collections::BTreeMap<(Vec<usize>, Vec<usize>), Change>;

/// What the search knows: every set judged, its members and figures, and
/// the paired differences measured so far.
struct Known<'a> {
    plan: &'a Plan,
    options: &'a [InvestmentOption],
    runs: &'a RiskRuns<'a>,
    judged: Vec<(Vec<usize>, Judged)>,
    pairs: Pairs,
    exclusive: Vec<Exclusion>,
    invalid: Vec<Vec<usize>>,
}

impl Known<'_> {
    fn find(&self, set: &[usize]) -> Option<&Judged> {
        self.judged.iter().find(|(m, _)| m == set).map(|(_, j)| j)
    }

    /// A judged set's net benefit, money per year.
    fn net(&self, set: &[usize]) -> Option<f64> {
        let j = self.find(set)?;
        Some(-j.ale_change.mean - self.plan.cost(self.options, set))
    }

    /// Simulates the sets of `candidates` not yet judged, in one pass, with
    /// the paired differences among them; a set that is not a valid
    /// scenario is recorded as such and left out.
    fn evaluate(&mut self, candidates: &[Vec<usize>]) -> Result<(), SimError> {
        let mut fresh: Vec<(Vec<usize>, Scenario)> = Vec::new();
        for set in candidates {
            if self.find(set).is_some() || fresh.iter().any(|(m, _)| m == set) {
                continue;
            }
            match self.plan.build(self.options, set) {
                Ok(s) => fresh.push((set.clone(), s)),
                Err(reason) => {
                    self.exclusive.push(Exclusion {
                        options: set.iter().map(|&i| self.options[i].id.clone()).collect(),
                        reason,
                    });
                    self.invalid.push(set.clone());
                }
            }
        }
        if fresh.is_empty() {
            return Ok(());
        }
        let variants: Vec<(&Scenario, f64)> = fresh
            .iter()
            .map(|(m, s)| (s, self.plan.cost(self.options, m)))
            .collect();
        let models: Vec<Model> = fresh.iter().map(|(_, s)| compile(s)).collect();
        let pairs = all_pairs(fresh.len());
        let (_, results, gaps) = self.runs.pass(&variants, &models, &pairs)?;
        for ((a, b), gap) in pairs.into_iter().zip(gaps) {
            self.pairs
                .insert((fresh[a].0.clone(), fresh[b].0.clone()), gap);
        }
        self.judged
            .extend(fresh.into_iter().map(|(m, _)| m).zip(results));
        Ok(())
    }

    /// Set `a`'s expected annual loss minus set `b`'s, paired, when known:
    /// from a change against the base (one of them empty) or a pass that
    /// judged both.
    fn loss_gap(&self, a: &[usize], b: &[usize]) -> Option<Change> {
        if b.is_empty() {
            return Some(self.find(a)?.ale_change);
        }
        if a.is_empty() {
            return Some(self.find(b)?.ale_change.negated());
        }
        let key = |x: &[usize], y: &[usize]| (x.to_vec(), y.to_vec());
        self.pairs
            .get(&key(a, b))
            .copied()
            .or_else(|| self.pairs.get(&key(b, a)).copied().map(Change::negated))
    }

    /// Measures the loss gaps between `best` and each of `rivals` that no
    /// pass has measured, in one pass of them all.
    fn measure_gaps(&mut self, best: &[usize], rivals: &[Vec<usize>]) -> Result<(), SimError> {
        let missing: Vec<&Vec<usize>> = rivals
            .iter()
            .filter(|r| self.loss_gap(r, best).is_none())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        // A single option's scenario is borrowed; a set's is built again
        // (the search keeps no set's scenario once it is judged).
        let mut sets: Vec<(Vec<usize>, Cow<Scenario>)> = Vec::new();
        for set in std::iter::once(&best.to_vec()).chain(missing) {
            let scenario = match set.as_slice() {
                [one] => Cow::Borrowed(self.options[*one].scenario()),
                _ => Cow::Owned(
                    self.plan
                        .build(self.options, set)
                        .expect("a set judged before is a valid scenario"),
                ),
            };
            sets.push((set.clone(), scenario));
        }
        let variants: Vec<(&Scenario, f64)> = sets
            .iter()
            .map(|(m, s)| (&**s, self.plan.cost(self.options, m)))
            .collect();
        let models: Vec<Model> = sets.iter().map(|(_, s)| compile(s)).collect();
        let pairs: Vec<(usize, usize)> = (1..sets.len()).map(|k| (k, 0)).collect();
        let (_, _, gaps) = self.runs.pass(&variants, &models, &pairs)?;
        for ((k, _), gap) in pairs.into_iter().zip(gaps) {
            self.pairs.insert((sets[k].0.clone(), best.to_vec()), gap);
        }
        Ok(())
    }
}

/// Every pair `(a, b)`, a < b, of `n` variants.
pub(super) fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect()
}

/// Searches for the package, given the sets the comparison's first pass
/// judged (the empty set, the single options and an exhaustive search's
/// sets, each with its members) and the paired differences it measured;
/// a greedy search, and the comparison with the rivals, run more passes
/// on the same trials.
pub(super) fn search(
    plan: &Plan,
    options: &[InvestmentOption],
    runs: &RiskRuns,
    first: Vec<(Vec<usize>, Judged)>,
    pairs: Pairs,
) -> Result<Package, SimError> {
    let mut known = Known {
        plan,
        options,
        runs,
        judged: first,
        pairs,
        exclusive: plan.exclusive.clone(),
        invalid: plan.invalid.clone(),
    };
    if plan.search == Search::Greedy {
        greedy(&mut known)?;
    }
    let sets: Vec<PackageSet> = known
        .judged
        .iter()
        .map(|(members, j)| {
            let annual_cost = plan.cost(options, members);
            PackageSet {
                options: members.iter().map(|&i| options[i].id.clone()).collect(),
                annual_cost,
                ale: j.ale,
                ale_change: j.ale_change,
                net_benefit: -j.ale_change.mean - annual_cost,
                within_budget: plan.affords(annual_cost),
                within_tolerance: j.tolerance.map(|t| t.within),
                tolerance_close_call: j.tolerance.is_some_and(|t| t.close_call),
                p99: j.p99,
            }
        })
        .collect();
    // Best first: net benefit, then cheaper, then fewer options, then
    // file order.
    let members = |k: usize| &known.judged[k].0;
    let mut order: Vec<usize> = (0..sets.len()).filter(|&k| sets[k].within_budget).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&sets[a], &sets[b]);
        y.net_benefit
            .total_cmp(&x.net_benefit)
            .then(x.annual_cost.total_cmp(&y.annual_cost))
            .then(members(a).len().cmp(&members(b).len()))
            .then(members(a).cmp(members(b)))
    });
    let best = order[0];
    let best_members = members(best).clone();
    let rivals: Vec<usize> = order[1..].iter().copied().take(RIVALS + 1).collect();
    let rival_members: Vec<Vec<usize>> = rivals.iter().map(|&k| members(k).clone()).collect();
    known.measure_gaps(&best_members, &rival_members)?;
    // Net benefit of the best minus the rival's: the rival's loss minus
    // the best's, less the difference in cost.
    let gaps: Vec<(usize, Change)> = rivals
        .iter()
        .zip(&rival_members)
        .filter_map(|(&k, m)| {
            let loss = known.loss_gap(m, &best_members).expect("measured above");
            // The package with options that change nothing here (the same
            // losses in every trial): no rival, whatever they cost.
            if loss.mean == 0.0 && loss.ci95 == [0.0, 0.0] {
                return None;
            }
            Some((k, loss.less(sets[best].annual_cost - sets[k].annual_cost)))
        })
        .take(RIVALS)
        .collect();
    let cheapest_within_tolerance = sets
        .iter()
        .filter(|s| s.within_tolerance == Some(true))
        .min_by(|x, y| {
            x.annual_cost
                .total_cmp(&y.annual_cost)
                .then(y.net_benefit.total_cmp(&x.net_benefit))
        })
        .cloned();
    Ok(Package {
        search: plan.search,
        sets_evaluated: sets.len(),
        budget: plan.budget,
        best: sets[best].clone(),
        runner_up: gaps.first().map(|&(k, _)| sets[k].clone()),
        gap: gaps.first().map(|&(_, g)| g),
        rivals_checked: gaps.len(),
        not_told_apart: gaps
            .iter()
            .filter(|(_, g)| g.ci95[0] <= 0.0)
            .map(|&(k, _)| sets[k].clone())
            .collect(),
        cheapest_within_tolerance,
        exclusive: known.exclusive,
    })
}

/// Greedy forward selection with a drop check, lazily (see the module
/// documentation): every set it judges is added to `known`.
fn greedy(known: &mut Known) -> Result<(), SimError> {
    let (plan, options) = (known.plan, known.options);
    let n = options.len();
    // Each option's gain last measured: at first, its own net benefit.
    let mut gain: Vec<f64> = (0..n)
        .map(|k| known.net(&[k]).expect("the single options were judged"))
        .collect();
    // Whether a set may be bought: no two of it exclude each other, it
    // holds no set found invalid, and the budget affords it.
    let can_join = |known: &Known, set: &[usize]| {
        plan.pairs_compatible(set)
            && !holds_any(set, &known.invalid)
            && plan.affords(plan.cost(options, set))
    };
    let mut current: Vec<usize> = Vec::new();
    // Each move raises the net benefit strictly, so no set is the current
    // one twice; the bound only guards against a float that does not
    // compare.
    for _ in 0..4 * n + 4 {
        let here = known.net(&current).expect("the current set was judged");
        let with = |k: usize| {
            let mut set = current.clone();
            set.push(k);
            set.sort_unstable();
            set
        };
        let mut candidates: Vec<usize> = (0..n)
            .filter(|&k| !current.contains(&k) && gain[k] > 0.0)
            .filter(|&k| can_join(known, &with(k)))
            .collect();
        candidates.sort_by(|&a, &b| gain[b].total_cmp(&gain[a]).then(a.cmp(&b)));
        let mut best: Option<(Vec<usize>, f64)> = None;
        for batch in candidates.chunks(GREEDY_BATCH) {
            if best.as_ref().is_some_and(|(_, g)| *g >= gain[batch[0]]) {
                break;
            }
            let sets: Vec<Vec<usize>> = batch.iter().map(|&k| with(k)).collect();
            known.evaluate(&sets)?;
            for (&k, set) in batch.iter().zip(sets) {
                let Some(net) = known.net(&set) else {
                    gain[k] = f64::NEG_INFINITY; // not a valid scenario
                    continue;
                };
                gain[k] = net - here;
                if best.as_ref().is_none_or(|(_, g)| gain[k] > *g) {
                    best = Some((set, gain[k]));
                }
            }
        }
        if let Some((set, g)) = best {
            if g > 0.0 {
                // Try a leap too: every option whose gain is positive,
                // in order of gain, where it can join (compatible and
                // affordable); taken when it beats the single addition.
                // Options whose effects add up are all bought in one
                // step, and the drop check takes out any that do not pay
                // beside the others.
                let mut leap = current.clone();
                for &k in &candidates {
                    let mut bigger = leap.clone();
                    bigger.push(k);
                    bigger.sort_unstable();
                    if gain[k] > 0.0 && can_join(known, &bigger) {
                        leap = bigger;
                    }
                }
                if leap.len() > set.len() {
                    known.evaluate(std::slice::from_ref(&leap))?;
                    if known.net(&leap).is_some_and(|net| net - here > g) {
                        current = leap;
                        continue;
                    }
                }
                current = set;
                continue;
            }
        }
        // No addition raises it: drop the option whose removal raises it
        // most, if any.
        let drops: Vec<Vec<usize>> = (0..current.len())
            .map(|d| {
                let mut set = current.clone();
                set.remove(d);
                set
            })
            .collect();
        known.evaluate(&drops)?;
        let best_drop = drops
            .into_iter()
            .filter_map(|set| Some((known.net(&set)?, set)))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        match best_drop {
            Some((net, set)) if net > here => current = set,
            _ => return Ok(()),
        }
    }
    Ok(())
}
