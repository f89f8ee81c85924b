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
//! buying nothing, add the option that raises the net benefit most (the
//! additions of one step are evaluated in one pass, on the same trials);
//! when no addition raises it, drop the option whose removal raises it
//! most, if any, and go on adding; stop when neither move raises it. It
//! finds the best set when the options' effects add up, and may miss one
//! when options are complements that pay only together.
//!
//! A set's rates of the rare threats are each some single option's (two
//! options setting the same threat's key exclude each other), so the
//! design drawn for the single options covers every set.

use super::compare::{Change, Judged, RiskRuns};
use super::SimError;
use crate::scenario::{combined, exclusive, InvestmentOption, Scenario};

/// The most sets an exhaustive search evaluates (2^6: six options that can
/// all be combined); beyond, the search is greedy.
pub const MAX_EXHAUSTIVE_SETS: usize = 64;

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
            invalid: Vec::new(),
            search: Search::Exhaustive,
            sets: Vec::new(),
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
    /// at most one per option and step, over as many steps as options.
    pub fn extra_variants(&self) -> usize {
        let n = self.excludes.len();
        match self.search {
            Search::Exhaustive => self.sets.len(),
            Search::Greedy => n * n,
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

/// Searches for the package, given the sets the comparison's first pass
/// judged (the empty set, the single options and an exhaustive search's
/// sets, each with its members); a greedy search runs more passes on the
/// same trials.
pub(super) fn search(
    plan: &Plan,
    options: &[InvestmentOption],
    runs: &RiskRuns,
    first: Vec<(Vec<usize>, Judged)>,
) -> Result<Package, SimError> {
    let mut plan_exclusive = plan.exclusive.clone();
    let mut invalid = plan.invalid.clone();
    let mut judged: Vec<(Vec<usize>, Judged)> = first;
    if plan.search == Search::Greedy {
        greedy(
            plan,
            options,
            runs,
            &mut judged,
            &mut plan_exclusive,
            &mut invalid,
        )?;
    }
    let tolerance = &runs.base().risk_tolerance;
    let sets: Vec<PackageSet> = judged
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
                within_tolerance: (!tolerance.is_empty()).then(|| {
                    matches!(
                        super::appetite::appetite(&j.curve, tolerance),
                        None | Some(super::appetite::Appetite::Below { .. })
                    )
                }),
            }
        })
        .collect();
    // Best first: net benefit, then cheaper, then fewer options, then
    // file order.
    let mut order: Vec<usize> = (0..sets.len()).filter(|&k| sets[k].within_budget).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&sets[a], &sets[b]);
        y.net_benefit
            .total_cmp(&x.net_benefit)
            .then(x.annual_cost.total_cmp(&y.annual_cost))
            .then(judged[a].0.len().cmp(&judged[b].0.len()))
            .then(judged[a].0.cmp(&judged[b].0))
    });
    let best = order[0];
    let runner_up = order.get(1).copied();
    let gap = match runner_up {
        None => None,
        Some(r) => Some(gap(
            plan,
            options,
            runs,
            (&judged[best], &sets[best]),
            (&judged[r], &sets[r]),
        )?),
    };
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
        runner_up: runner_up.map(|r| sets[r].clone()),
        gap,
        cheapest_within_tolerance,
        exclusive: plan_exclusive,
    })
}

/// The best set's net benefit minus the runner-up's, with its paired
/// interval: the difference of their losses on the same trials, read off
/// the changes when one of them is the empty set, else from a pass of the
/// two.
fn gap(
    plan: &Plan,
    options: &[InvestmentOption],
    runs: &RiskRuns,
    (best, best_set): (&(Vec<usize>, Judged), &PackageSet),
    (runner, runner_set): (&(Vec<usize>, Judged), &PackageSet),
) -> Result<Change, SimError> {
    // The runner-up's expected annual loss minus the best's.
    let loss_gap = if best.0.is_empty() {
        runner.1.ale_change
    } else if runner.0.is_empty() {
        let c = best.1.ale_change;
        Change {
            mean: -c.mean,
            ci95: [-c.ci95[1], -c.ci95[0]],
        }
    } else {
        let scenario = |members: &[usize]| -> Result<Scenario, String> {
            match members {
                [one] => Ok(options[*one].scenario().clone()),
                _ => plan.build(options, members),
            }
        };
        let (a, b) = (scenario(&runner.0), scenario(&best.0));
        let (Ok(a), Ok(b)) = (a, b) else {
            unreachable!("both sets were evaluated, so both are valid scenarios")
        };
        let variants = [(&a, runner_set.annual_cost), (&b, best_set.annual_cost)];
        runs.pass(&variants, &[(0, 1)])?.2[0]
    };
    let cost_gap = best_set.annual_cost - runner_set.annual_cost;
    Ok(Change {
        mean: loss_gap.mean - cost_gap,
        ci95: [loss_gap.ci95[0] - cost_gap, loss_gap.ci95[1] - cost_gap],
    })
}

/// Greedy forward selection with a drop check (see the module
/// documentation): every set it evaluates is added to `judged`; sets found
/// not to be valid scenarios to `exclusive` and `invalid`.
fn greedy(
    plan: &Plan,
    options: &[InvestmentOption],
    runs: &RiskRuns,
    judged: &mut Vec<(Vec<usize>, Judged)>,
    exclusive: &mut Vec<Exclusion>,
    invalid: &mut Vec<Vec<usize>>,
) -> Result<(), SimError> {
    let n = options.len();
    let net = |judged: &[(Vec<usize>, Judged)], set: &[usize]| -> Option<f64> {
        judged
            .iter()
            .find(|(m, _)| m == set)
            .map(|(m, j)| -j.ale_change.mean - plan.cost(options, m))
    };
    let mut current: Vec<usize> = Vec::new();
    // Each move raises the net benefit strictly, so no set is visited
    // twice; the bound only guards against a float that does not compare.
    for _ in 0..4 * n + 4 {
        let here = net(judged, &current).expect("the current set was evaluated");
        let mut moves: Vec<Vec<usize>> = Vec::new();
        for k in 0..n {
            if current.contains(&k) {
                continue;
            }
            let mut set = current.clone();
            set.push(k);
            set.sort_unstable();
            let valid = plan.pairs_compatible(&set) && !holds_any(&set, invalid);
            if valid && plan.affords(plan.cost(options, &set)) {
                moves.push(set);
            }
        }
        let mut best_move = evaluate(plan, options, runs, judged, exclusive, invalid, moves)?;
        if best_move.as_ref().is_none_or(|(_, v)| *v <= here) {
            // No addition raises it: try dropping one.
            let drops = (0..current.len())
                .map(|d| {
                    let mut set = current.clone();
                    set.remove(d);
                    set
                })
                .collect();
            best_move = evaluate(plan, options, runs, judged, exclusive, invalid, drops)?;
            if best_move.as_ref().is_none_or(|(_, v)| *v <= here) {
                return Ok(());
            }
        }
        current = best_move.expect("checked above").0;
    }
    Ok(())
}

/// Evaluates the sets of `candidates` not yet judged (in one pass) and
/// returns the candidate with the highest net benefit.
fn evaluate(
    plan: &Plan,
    options: &[InvestmentOption],
    runs: &RiskRuns,
    judged: &mut Vec<(Vec<usize>, Judged)>,
    exclusive: &mut Vec<Exclusion>,
    invalid: &mut Vec<Vec<usize>>,
    candidates: Vec<Vec<usize>>,
) -> Result<Option<(Vec<usize>, f64)>, SimError> {
    let mut fresh: Vec<(Vec<usize>, Scenario)> = Vec::new();
    for set in &candidates {
        if judged.iter().any(|(m, _)| m == set) {
            continue;
        }
        match plan.build(options, set) {
            Ok(s) => fresh.push((set.clone(), s)),
            Err(reason) => {
                exclusive.push(Exclusion {
                    options: set.iter().map(|&i| options[i].id.clone()).collect(),
                    reason,
                });
                invalid.push(set.clone());
            }
        }
    }
    if !fresh.is_empty() {
        let variants: Vec<(&Scenario, f64)> = fresh
            .iter()
            .map(|(m, s)| (s, plan.cost(options, m)))
            .collect();
        let (_, results, _) = runs.pass(&variants, &[])?;
        judged.extend(fresh.into_iter().map(|(m, _)| m).zip(results));
    }
    Ok(candidates
        .into_iter()
        .filter_map(|set| {
            let (m, j) = judged.iter().find(|(m, _)| *m == set)?;
            Some((set.clone(), -j.ale_change.mean - plan.cost(options, m)))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0))))
}
