//! One trial: a discrete-event simulation of hits, repairs, switchovers and
//! data loss over a compiled [`Model`] (spec sections 4–9).
//!
//! State lives in flat vectors that are reset, not reallocated, between
//! trials. Availability is propagated incrementally: when a component
//! changes, only the components above it are revisited, and a dependent is
//! revisited only when a counter it depends on crosses its threshold.

use super::model::{GroupKind, Model, StepCost, Tier, UpEdge, NONE};
use super::queue::{EventQueue, Packed};
use super::rng::{exp1, sample, trial_key, uniform, word, Stream};
use super::targets;
use crate::scenario::Effect;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap};

/// What a trial simulates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// The threat strikes at t = 0; nothing else fails; run until all is recovered.
    Drill {
        /// The threat's index in the scenario's `threats`.
        threat: u32,
    },
    /// Random failures and threats over `horizon` hours from all-up.
    Run {
        /// The simulated period, hours.
        horizon: f64,
    },
}

/// What happened to one service in one trial.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ServiceOutcome {
    /// Outages with a duration above zero (open ones closed at the horizon).
    pub outages: u32,
    /// Hours unavailable.
    pub downtime: f64,
    /// Time it came back for good (drill recovery time), hours.
    pub recovered_at: f64,
    /// The longest single outage, hours.
    pub longest_outage: f64,
    /// Outages longer than the RTO.
    pub rto_breaches: u32,
    /// Hours of data lost, summed over incidents (total losses excluded).
    pub data_loss: f64,
    /// The largest data loss of a single incident, hours (infinite for a total loss).
    pub worst_incident_loss: f64,
    /// Incidents in which the data was lost altogether.
    pub total_losses: u32,
    /// Hours of disruption: every outage plus the work recovery time drawn
    /// for it (spec 13.2), cut at the horizon. Equals `downtime` without a
    /// work recovery time.
    pub disruption: f64,
    /// The longest single disruption, hours.
    pub longest_disruption: f64,
    /// The work recovery time after its last outage, hours.
    pub last_wrt: f64,
    /// Money beyond `per_hour` per hour of disruption: what the changed
    /// hourly rates of the impact's steps over time add (spec 13.1; may be
    /// negative when a step lowers the rate); 0 for a flat rate.
    pub step_rate_cost: f64,
    /// Money paid once as disruptions passed a step's `after` (the steps'
    /// `once` amounts, spec 13.1); 0 without steps.
    pub step_once_cost: f64,
}

impl ServiceOutcome {
    /// It had an outage or lost data (some, or all of it).
    pub fn affected(&self) -> bool {
        self.outages > 0 || self.data_loss > 0.0 || self.total_losses > 0
    }
}

/// What happened, for the recovery timeline of one trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceKind {
    /// The component was hit (by a failure or a threat).
    Hit(Effect),
    /// Its repair or rebuild work could start (after detection); with a busy
    /// team it now waits.
    Ready,
    /// Work started (a team member, or unlimited hands, took it).
    Started,
    /// Work finished.
    Repaired,
    /// A disruption cleared by itself.
    Cleared,
    /// A failover group started switching (`component` is the group's owner).
    SwitchStarted,
    /// A switchover completed.
    Switched,
    /// The component became unavailable.
    Down,
    /// The component became available.
    Up,
}

/// One line of a trial's trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceEvent {
    /// Hours since the trial started.
    pub time: f64,
    /// The component's index in the scenario (for a failover group's
    /// events, the index of the component that owns the group).
    pub component: u32,
    /// What happened to it.
    pub kind: TraceKind,
}

/// Marks a recovery trigger that was a failover group's switchover (the
/// rest of the value is the group's owner).
pub(crate) const SWITCHOVER: u32 = 1 << 31;

/// Event kinds, packed into the queue's entries (see [`Packed`]).
/// A failure mode's failure. Its generation field is unused for
/// staleness and carries the component instead (masked to 29 bits), as a
/// prefetch hint; failures are numbered in component order, so ties between
/// failures still sort by failure below 2^29 components, and the order is a
/// pure function of the events in any case.
const FAILURE: u8 = 0;
const THREAT: u8 = 1;
const DISRUPT_END: u8 = 2;
const READY: u8 = 3;
const DONE: u8 = 4;
const SWITCH: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct QueuedTask {
    priority: i64,
    ready: u64, // f64 bits of a non-negative time: ordered like the time
    seq: u64,
    component: u32,
    gen: u32,
}
impl PartialOrd for QueuedTask {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for QueuedTask {
    /// Reversed: lowest priority number, then earliest ready, then first queued.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .priority
            .cmp(&self.priority)
            .then(other.ready.cmp(&self.ready))
            .then(other.seq.cmp(&self.seq))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Detecting,
    Queued,
    Running,
}

/// A component's state in a trial: everything an event on it touches, in
/// one record.
#[derive(Debug, Clone, Copy)]
#[repr(align(32))] // two records to a cache line, none across two
struct Node {
    /// Disruptions in force.
    disrupts: u32,
    /// Requirements (plain links and groups) not met.
    failed_requirements: u32,
    /// Work generation: queued events of older generations are stale.
    gen: u32,
    detect_draws: u32,
    /// How long the current repair or rebuild takes, chosen when it was
    /// hit (an index into [`Model::dists`]).
    work: u32,
    /// Its repair and rebuild durations; set when work on it first starts in
    /// a trial (its generation is then 0).
    work_stream: Stream,
    phase: Phase,
    /// The current work is a rebuild (after a destroy), not a repair.
    rebuild: bool,
    available: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failover {
    Holding,
    /// Switching to the member at this position.
    Switching(u32),
    Waiting,
}

/// Whether a redundancy group holds, and its count of available members
/// (at_least groups): what a member's change reads, in 12 bytes.
#[derive(Debug, Clone, Copy)]
struct GroupCount {
    /// Members available (at_least groups).
    up: u32,
    /// Members needed (at_least groups).
    k: u32,
    kind: GroupKind,
    holds: bool,
}

/// A failover group's state in a trial.
#[derive(Debug, Clone, Copy)]
struct GroupState {
    /// Position of the member a failover group runs on.
    active: u32,
    state: Failover,
    gen: u32,
    draws: u32,
    /// The incident that took the active member down.
    incident: u32,
    /// That incident's threat ([`NONE`]: an independent failure).
    cause: u32,
}

#[derive(Debug, Clone, Copy, Default)]
struct FailureState {
    /// Its times to failure (set when a run starts).
    stream: Stream,
    /// Its component is being repaired; the next failure is armed when done.
    waiting: bool,
}

const _: () = assert!(
    std::mem::size_of::<Node>() == 32,
    "a node fills half a line"
);

/// A component's state before anything happens.
const FRESH: Node = Node {
    disrupts: 0,
    failed_requirements: 0,
    gen: 0,
    detect_draws: 0,
    work: NONE,
    work_stream: Stream::ZERO,
    phase: Phase::Idle,
    rebuild: false,
    available: true,
};

const FRESH_GROUP: GroupState = GroupState {
    active: 0,
    state: Failover::Holding,
    gen: 0,
    draws: 0,
    incident: 0,
    cause: NONE,
};

/// Components from which prefetching the next event's data pays. Measured on
/// the pairs model, one thread, whole process: 9% faster at 10,000
/// components, 2% slower at 1,000 (whose state fits in the second-level cache).
const PREFETCH_FROM: usize = 2048;

/// Asks the CPU to start loading the cache line of `value`.
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint to the cache. It reads nothing into the
    // program, cannot fault, and `value` is a live reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((value as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The age at `now` of the point `tier` (at phase `phase`) offers after
/// an attacker's `dwell`: its newest kept point at least `dwell` old (spec
/// 13.3); `None` when it keeps none.
#[inline]
fn offered_age(tier: &Tier, phase: f64, now: f64, dwell: f64) -> Option<f64> {
    let mut age = (now - phase).rem_euclid(tier.every);
    if dwell > age {
        age += tier.every * ((dwell - age) / tier.every).ceil();
    }
    (age <= tier.keep).then_some(age)
}

/// The time of the restores after a rebuild, drawn from the component's
/// work `stream`: each tier in `failed` (their restores fail, spec 13.4),
/// then `tier`, the one that restores ([`NONE`]: none).
#[inline]
fn restores(m: &Model, stream: &mut Stream, failed: &[u32], tier: u32) -> f64 {
    let mut duration = 0.0;
    for &t in failed {
        duration += sample(&m.tiers[t as usize].restore, stream.next_word());
    }
    if tier != NONE {
        duration += sample(&m.tiers[tier as usize].restore, stream.next_word());
    }
    duration
}

/// One service's downtime in a trial by what started each outage, summed
/// as each outage ends: memory stays bounded by the scenario's size, not
/// the number of outages.
#[derive(Debug, Clone, Default)]
pub(crate) struct OutageHours {
    /// Hours by the component whose hit started the outage.
    pub by_component: BTreeMap<u32, f64>,
    /// Hours by threat ([`NONE`] for independent failures).
    pub by_threat: BTreeMap<u32, f64>,
}

/// The most components an outage's blame is shared among; past it the
/// outage is credited to [`MANY_HITS`], the strike's hits together.
pub(crate) const MAX_BLAMED: usize = 16;

/// The cause of an outage whose strike hit more than [`MAX_BLAMED`]
/// components the service needed (in [`OutageHours::by_component`]).
pub(crate) const MANY_HITS: u32 = u32::MAX - 1;

/// Who started each service's current outage, when explaining. An outage
/// started by a threat's strike is credited in equal shares to every
/// component the strike took down that the service needs: reached from
/// the service down through unavailable components and through
/// requirements that no longer hold (a spare of a redundancy group that
/// still holds is not needed; a component already down before the strike
/// was not taken down by it). The hits are simultaneous, so the order in
/// which the engine applies them must not decide the blame: four identical
/// hosts get a quarter each.
#[derive(Debug, Clone)]
struct Blame {
    /// Per service, the components credited with its current outage (its
    /// threat is the trial's `service_incident_cause`).
    causes: Vec<Vec<u32>>,
    /// Per component, what it needs: `(dependency, group or NONE)`.
    down: Vec<Vec<(u32, u32)>>,
    /// While a strike is applied: whether one is, its number, and the
    /// services it has taken down (each once).
    in_strike: bool,
    strike: u32,
    downed: Vec<u32>,
    downed_in: Vec<u32>,
    /// Per component, the strike that took it down (from available).
    hit_in: Vec<u32>,
    /// Scratch for the walk down from a service.
    seen: Vec<u32>,
    walk: u32,
    stack: Vec<u32>,
}

impl Blame {
    fn new(m: &Model) -> Self {
        let n = m.components.len();
        let mut down = vec![Vec::new(); n];
        for c in 0..n as u32 {
            for edge in m.dependents(c) {
                down[edge.dependent as usize].push((c, edge.group));
            }
        }
        Blame {
            causes: vec![Vec::new(); m.services.len()],
            down,
            in_strike: false,
            strike: 0,
            downed: Vec::new(),
            downed_in: vec![0; m.services.len()],
            hit_in: vec![0; n],
            seen: vec![0; n],
            walk: 0,
            stack: Vec::new(),
        }
    }

    /// Service `s` went down, on a hit on `component`.
    fn down(&mut self, s: u32, component: u32) {
        let causes = &mut self.causes[s as usize];
        causes.clear();
        causes.push(component);
        if self.in_strike && self.downed_in[s as usize] != self.strike {
            self.downed_in[s as usize] = self.strike;
            self.downed.push(s);
        }
    }

    fn strike_starts(&mut self) {
        self.in_strike = true;
        self.strike = self.strike.wrapping_add(1);
        if self.strike == 0 {
            self.hit_in.fill(0);
            self.downed_in.fill(0);
            self.strike = 1;
        }
        self.downed.clear();
    }

    /// A hit on `c`, which was available (`was_available`) before it.
    fn hit(&mut self, c: u32, was_available: bool) {
        if self.in_strike && was_available {
            self.hit_in[c as usize] = self.strike;
        }
    }

    /// The strike is over: each service it took down is credited to the
    /// components it took down that the service needs (`available`: each
    /// component's availability now; `holds`: each group's).
    fn strike_ends(
        &mut self,
        m: &Model,
        available: impl Fn(u32) -> bool,
        holds: impl Fn(u32) -> bool,
    ) {
        self.in_strike = false;
        for k in 0..self.downed.len() {
            let s = self.downed[k] as usize;
            let tipped = self.causes[s][0];
            self.walk = self.walk.wrapping_add(1);
            if self.walk == 0 {
                self.seen.fill(0);
                self.walk = 1;
            }
            let root = m.services[s].component;
            self.stack.clear();
            self.stack.push(root);
            self.seen[root as usize] = self.walk;
            let causes = &mut self.causes[s];
            causes.clear();
            let note = |c: u32, causes: &mut Vec<u32>| {
                if self.hit_in[c as usize] == self.strike {
                    causes.push(c);
                }
                causes.len() > MAX_BLAMED
            };
            let mut many = note(root, causes);
            'walk: while let Some(c) = self.stack.pop() {
                for &(d, g) in &self.down[c as usize] {
                    let needed = !available(d) && (g == NONE || !holds(g));
                    if needed && self.seen[d as usize] != self.walk {
                        self.seen[d as usize] = self.walk;
                        self.stack.push(d);
                        // Stop as soon as there are too many to share.
                        if note(d, causes) {
                            many = true;
                            break 'walk;
                        }
                    }
                }
            }
            if many {
                causes.clear();
                causes.push(MANY_HITS);
            } else if causes.is_empty() {
                // Not reached: a strike takes a service down through the
                // components it takes down.
                causes.push(tipped);
            }
            // One order whatever the walk's: shares are added in it.
            causes.sort_unstable();
        }
    }

    /// Service `s`'s outage of `length` hours, started by `threat`, is
    /// over: share it out.
    fn charge(&self, s: u32, threat: u32, length: f64, hours: &mut OutageHours) {
        let causes = &self.causes[s as usize];
        let share = length / causes.len() as f64;
        for &c in causes {
            *hours.by_component.entry(c).or_default() += share;
        }
        *hours.by_threat.entry(threat).or_default() += length;
    }
}

/// Data a failover group's member lost while the group did not run on it.
#[derive(Debug, Clone, Copy)]
struct HeldLoss {
    group: u32,
    member: u32,
    incident: u32,
    /// The incident's threat ([`NONE`]: an independent failure).
    cause: u32,
    /// Hours of data lost (infinite: all of it).
    loss: f64,
}

/// Reusable state for running trials of one model on one thread. Public for
/// the integration tests and benches, which run single trials and read
/// [`Trial::services`] and [`Trial::events`].
pub struct Trial<'m> {
    m: &'m Model,
    key: u64,
    now: f64,
    seq: u64,
    horizon: f64,
    queue: EventQueue,
    incident: u32,
    /// Events processed in the last trial.
    pub events: u64,
    /// When set, what happened is recorded here (see [`Trial::run_traced`]).
    trace: Option<Vec<TraceEvent>>,
    /// Record what caused each outage and what ended it (see [`Trial::set_explain`]).
    explain: bool,
    /// Prefetch the next event's data (large models).
    prefetch: bool,
    /// The component being hit, and the threat hitting it (or NONE for an
    /// independent failure), while an event is processed.
    cause_component: u32,
    cause_threat: u32,
    /// The attacker's dwell time of the threat being applied, hours (0 for
    /// an independent failure).
    dwell: f64,
    /// The component whose repair, clearing or switchover started the
    /// current wave of recoveries.
    trigger: u32,
    /// Who is credited with each service's current outage (explaining).
    blame: Blame,
    /// Per service, this trial's downtime by what started each outage,
    /// when explaining.
    pub(crate) outage_hours: Vec<OutageHours>,
    /// Per service, the component whose recovery brought it back the last
    /// time (NONE if it never went down, or was still down at the horizon).
    pub(crate) last_recovery_trigger: Vec<u32>,

    nodes: Vec<Node>,
    /// The backup tier a rebuild restores from ([`NONE`]: nothing to
    /// restore); set with [`Node::rebuild`] when work starts.
    rebuild_tier: Vec<u32>,
    /// Per component, the tiers whose restore will fail before
    /// `rebuild_tier` is restored (or all fail), in the order tried; set
    /// with `rebuild_tier` (empty unless a tier has `restore_fails`).
    failed_restores: Vec<Vec<u32>>,
    /// Per tier, the restore-failure draws taken from its stream.
    tier_draws: Vec<u32>,
    counts: Vec<GroupCount>,
    groups: Vec<GroupState>,
    /// Every group as it starts a trial.
    fresh_counts: Vec<GroupCount>,
    failures: Vec<FailureState>,
    threat_arrivals: Vec<u32>,
    /// Per threat: its arrivals are drawn by rare-event sampling and given
    /// to [`Trial::run_with`], not drawn here.
    drawn: Vec<bool>,
    /// Rare-hit sampling in a drill: the threat whose first strike's hits
    /// are decided for some targets, and per target `Some(hit)` where they
    /// are (empty: none is).
    forced_threat: u32,
    forced: Vec<Option<bool>>,
    threat_occurrences: Vec<u32>,

    team_busy: Vec<u32>,
    team_queue: Vec<BinaryHeap<QueuedTask>>,
    /// Teams whose queue must be looked at once the current instant is over.
    team_dirty: Vec<bool>,
    dirty_teams: Vec<u32>,
    tier_phase: Vec<f64>,

    loss: Vec<f64>,
    loss_incident: Vec<u32>,
    pending_losses: Vec<(u32, f64)>,
    pending_group_emits: Vec<(u32, bool)>,
    /// Data lost by failover groups' members while their group did not run
    /// on them (it was switching), in the order lost: each reaches the
    /// group if it comes to hold on that member again.
    held_losses: Vec<HeldLoss>,
    stack: Vec<u32>,
    loss_stack: Vec<u32>,

    service_down_since: Vec<f64>,
    /// Per service: the incident during which its current outage began,
    /// and that incident's threat ([`NONE`]: an independent failure).
    service_incident: Vec<u32>,
    service_incident_cause: Vec<u32>,
    /// The threat of the incident whose data losses are being settled.
    loss_cause: u32,
    /// Money lost this trial by what started it, per threat and last for
    /// independent failures (a run: see [`Trial::loss_by_cause`]).
    cause_money: Vec<f64>,
    /// Independent failures this trial.
    independent_failures: u32,
    /// Money lost by the incidents of this trial that may still be
    /// charged, `(incident, money)`: its outages (charged to the incident
    /// during which they began) and its data losses. Bounded: past
    /// [`Trial::incident_limit`] entries, those no open outage or failover
    /// group can charge any more are folded into `closed_incident_max`.
    incident_money: Vec<(u32, f64)>,
    /// The most money lost by an incident no longer in `incident_money`.
    closed_incident_max: f64,
    /// Scratch for pruning `incident_money`: the incidents still live.
    live_incidents: Vec<u32>,
    /// Whether to charge incidents at all (a run's occurrence loss; off
    /// for drills, compare and sensitivity, which do not report it).
    count_incidents: bool,
    /// Per service, this trial's outcome.
    pub services: Vec<ServiceOutcome>,
}

impl<'m> Trial<'m> {
    /// State for trials of `m`, allocated once and reset by each
    /// [`Trial::run`].
    pub fn new(m: &'m Model) -> Self {
        let n = m.components.len();
        let fresh_counts: Vec<GroupCount> = m
            .groups
            .iter()
            .map(|g| GroupCount {
                kind: g.kind,
                up: g.members.1 - g.members.0,
                k: g.k,
                holds: true,
            })
            .collect();
        Trial {
            m,
            key: 0,
            now: 0.0,
            seq: 0,
            horizon: f64::INFINITY,
            queue: EventQueue::new(),
            incident: 0,
            events: 0,
            trace: None,
            explain: false,
            prefetch: n >= PREFETCH_FROM,
            cause_component: NONE,
            cause_threat: NONE,
            dwell: 0.0,
            trigger: NONE,
            blame: Blame::new(m),
            outage_hours: vec![OutageHours::default(); m.services.len()],
            last_recovery_trigger: vec![NONE; m.services.len()],
            nodes: vec![FRESH; n],
            rebuild_tier: vec![NONE; n],
            failed_restores: vec![Vec::new(); n],
            tier_draws: vec![0; m.tiers.len()],
            counts: fresh_counts.clone(),
            groups: vec![FRESH_GROUP; m.groups.len()],
            fresh_counts,
            failures: vec![FailureState::default(); m.failures.len()],
            threat_arrivals: vec![0; m.threats.len()],
            drawn: vec![false; m.threats.len()],
            forced_threat: NONE,
            forced: Vec::new(),
            threat_occurrences: vec![0; m.threats.len()],
            team_busy: vec![0; m.team_sizes.len()],
            team_queue: vec![BinaryHeap::new(); m.team_sizes.len()],
            team_dirty: vec![false; m.team_sizes.len()],
            dirty_teams: Vec::new(),
            tier_phase: vec![0.0; m.tiers.len()],
            loss: vec![0.0; n],
            loss_incident: vec![0; n],
            pending_losses: Vec::new(),
            pending_group_emits: Vec::new(),
            held_losses: Vec::new(),
            stack: Vec::new(),
            loss_stack: Vec::new(),
            service_down_since: vec![0.0; m.services.len()],
            service_incident: vec![0; m.services.len()],
            service_incident_cause: vec![NONE; m.services.len()],
            loss_cause: NONE,
            cause_money: vec![0.0; m.threats.len() + 1],
            independent_failures: 0,
            incident_money: Vec::new(),
            closed_incident_max: 0.0,
            live_incidents: Vec::new(),
            count_incidents: false,
            services: vec![ServiceOutcome::default(); m.services.len()],
        }
    }

    fn reset(&mut self, seed: u64, trial: u64) {
        self.key = trial_key(seed, trial);
        self.now = 0.0;
        self.seq = 0;
        self.queue.clear();
        self.incident = 0;
        self.events = 0;
        // Generations are reset too: they are part of the queue's tie-break,
        // which must not depend on the trials run before on this thread.
        self.nodes.fill(FRESH);
        self.counts.copy_from_slice(&self.fresh_counts);
        self.groups.fill(FRESH_GROUP);
        self.failures.fill(FailureState::default());
        self.threat_arrivals.fill(0);
        self.threat_occurrences.fill(0);
        self.team_busy.fill(0);
        for q in &mut self.team_queue {
            q.clear();
        }
        self.team_dirty.fill(false);
        self.dirty_teams.clear();
        for (i, tier) in self.m.tiers.iter().enumerate() {
            self.tier_phase[i] = tier.every * uniform(self.key, tier.tag, 0);
        }
        self.tier_draws.fill(0);
        self.loss_incident.fill(0);
        self.incident_money.clear();
        self.closed_incident_max = 0.0;
        self.held_losses.clear();
        self.cause_money.fill(0.0);
        self.independent_failures = 0;
        self.services.fill(ServiceOutcome::default());
        if self.explain {
            for hours in &mut self.outage_hours {
                hours.by_component.clear();
                hours.by_threat.clear();
            }
            self.last_recovery_trigger.fill(NONE);
        }
    }

    /// Runs trial number `trial` like [`Trial::run`] and returns what
    /// happened, in order.
    pub(crate) fn run_traced(&mut self, seed: u64, trial: u64, mode: Mode) -> Vec<TraceEvent> {
        self.trace = Some(Vec::new());
        self.run(seed, trial, mode);
        self.trace.take().unwrap_or_default()
    }

    /// Records, per service, what started each outage and what ended it.
    pub(crate) fn set_explain(&mut self, on: bool) {
        self.explain = on;
    }

    #[inline(always)]
    fn note(&mut self, component: u32, kind: TraceKind) {
        if self.trace.is_some() {
            self.record_trace(component, kind);
        }
    }

    /// Out of the hot path: only traced trials (one per report) come here.
    #[cold]
    #[inline(never)]
    fn record_trace(&mut self, component: u32, kind: TraceKind) {
        if let Some(trace) = &mut self.trace {
            trace.push(TraceEvent {
                time: self.now,
                component,
                kind,
            });
        }
    }

    /// Whether work on component `c` started in the last trial (it was
    /// damaged or destroyed). Its repair, rebuild, detect and restore times,
    /// its backup tiers and its team's size were consulted only if so.
    pub(crate) fn worked_on(&self, c: usize) -> bool {
        self.nodes[c].gen > 0
    }

    /// Switchovers that group `g` started in the last trial.
    pub(crate) fn switchovers(&self, g: usize) -> u32 {
        self.groups[g].draws
    }

    /// Times threat `t` struck in the last trial.
    pub(crate) fn strikes(&self, t: usize) -> u32 {
        self.threat_occurrences[t]
    }

    /// Runs trial number `trial`; the outcome is left in [`Trial::services`].
    pub fn run(&mut self, seed: u64, trial: u64, mode: Mode) {
        self.run_with(seed, trial, mode, &[]);
    }

    /// Marks the threats whose arrivals rare-event sampling draws: in a
    /// run they strike only as [`Trial::run_with`] is told.
    pub(crate) fn set_drawn(&mut self, drawn: &[bool]) {
        self.drawn.copy_from_slice(drawn);
    }

    /// Charges every outage and data loss to its incident, for
    /// [`Trial::largest_incident_loss`].
    pub(crate) fn set_count_incidents(&mut self, on: bool) {
        self.count_incidents = on;
    }

    /// The model this trial runs.
    pub(crate) fn model(&self) -> &'m Model {
        self.m
    }

    /// Decides the hits of `threat`'s first strike on the targets where
    /// `forced` (per target of the threat) is `Some(hit)`, for the runs
    /// that follow (rare-hit sampling, see `rare::hits`).
    pub(crate) fn force_hits(&mut self, threat: u32, forced: &[Option<bool>]) {
        self.forced_threat = threat;
        self.forced.clear();
        self.forced.extend_from_slice(forced);
    }

    /// [`Trial::run`], with the strikes `(time, threat)` of the threats
    /// marked by [`Trial::set_drawn`] given (a run only).
    pub(crate) fn run_with(&mut self, seed: u64, trial: u64, mode: Mode, strikes: &[(f64, u32)]) {
        self.reset(seed, trial);
        match mode {
            Mode::Drill { threat } => {
                self.horizon = f64::INFINITY;
                self.apply_threat(threat);
            }
            Mode::Run { horizon } => {
                self.horizon = horizon;
                for (state, fm) in self.failures.iter_mut().zip(&self.m.failures) {
                    state.stream = Stream::new(self.key, fm.tag);
                }
                for f in 0..self.m.failures.len() as u32 {
                    self.arm_failure(f);
                }
                for t in 0..self.m.threats.len() as u32 {
                    self.schedule_arrival(t);
                }
                for &(at, t) in strikes {
                    if at <= self.horizon {
                        self.schedule(at, THREAT, 0, t);
                    }
                }
            }
        }
        loop {
            let next = self.queue.peek_time();
            // Tasks that became ready at the same instant compete by
            // priority, so teams pick their next task only once the instant
            // is over, before time moves on.
            if !self.dirty_teams.is_empty() && next.is_none_or(|next| next > self.now) {
                self.dispatch();
                continue;
            }
            let Some(time) = next else {
                break;
            };
            if time > self.horizon {
                break;
            }
            let event = self.queue.pop_event();
            if self.prefetch {
                if let Some(next) = self.queue.next_hint() {
                    self.prefetch_for(next);
                }
            }
            self.now = time;
            self.events += 1;
            self.handle(event);
        }
        let end = if self.horizon.is_finite() {
            self.horizon
        } else {
            self.now
        };
        self.now = end;
        self.trigger = NONE;
        for s in 0..self.m.services.len() {
            let c = self.m.services[s].component as usize;
            if !self.nodes[c].available {
                self.service_up(s as u32, true);
            }
        }
    }

    /// The next random word of entity `tag`, whose stream position is `counter`.
    #[inline]
    fn draw(&self, tag: u64, counter: &mut u32) -> u64 {
        let w = word(self.key, tag, u64::from(*counter));
        *counter += 1;
        w
    }

    /// Starts loading what the handling of `event` will read first, so that
    /// on large models the cache misses overlap with the current event.
    #[inline(always)]
    fn prefetch_for(&self, event: Packed) {
        let i = event.index() as usize;
        match event.kind() {
            FAILURE => {
                prefetch(&self.m.failures[i]);
                prefetch(&self.failures[i]);
                let c = event.gen() as usize;
                if let (Some(node), Some(hot)) = (self.nodes.get(c), self.m.hot.get(c)) {
                    prefetch(node);
                    prefetch(hot);
                }
            }
            DONE | READY => {
                prefetch(&self.nodes[i]);
                prefetch(&self.m.hot[i]);
            }
            _ => {}
        }
    }

    #[inline]
    fn schedule(&mut self, time: f64, kind: u8, gen: u32, index: u32) {
        self.queue.push(time, Packed::new(kind, gen, index));
    }

    #[inline(always)]
    fn arm_failure(&mut self, f: u32) {
        let fm = &self.m.failures[f as usize];
        let w = self.failures[f as usize].stream.next_word();
        let ttf = match self.m.dist(fm.after) {
            Some(d) => sample(d, w),
            None => fm.every * exp1(w),
        };
        let at = self.now + ttf;
        if at <= self.horizon {
            // A failure's generation is its component (failures are numbered in
            // component order, so ties still order by failure): a hint for
            // prefetching.
            self.schedule(at, FAILURE, fm.component, f);
        }
    }

    fn schedule_arrival(&mut self, t: u32) {
        let th = &self.m.threats[t as usize];
        let Some(rate) = th.rate else { return };
        if self.drawn[t as usize] {
            return;
        }
        let mut counter = self.threat_arrivals[t as usize];
        let w = self.draw(th.arrival_tag, &mut counter);
        self.threat_arrivals[t as usize] = counter;
        let at = self.now + exp1(w) / rate;
        if at <= self.horizon {
            self.schedule(at, THREAT, 0, t);
        }
    }

    #[inline(always)]
    fn handle(&mut self, event: Packed) {
        let index = event.index();
        let i = index as usize;
        match event.kind() {
            FAILURE => {
                self.cause_threat = NONE;
                self.dwell = 0.0;
                self.incident += 1;
                self.independent_failures += 1;
                self.failures[i].waiting = true;
                let fm = &self.m.failures[i];
                self.hit(fm.component, fm.effect, fm.work, 0.0, false, false);
                self.settle_losses();
            }
            DONE => {
                let n = &self.nodes[i];
                if event.same_gen(n.gen) && n.phase == Phase::Running {
                    self.trigger = index;
                    self.done(index);
                    self.settle_losses();
                }
            }
            THREAT => {
                self.schedule_arrival(index);
                self.apply_threat(index);
            }
            DISRUPT_END => {
                self.trigger = index;
                self.nodes[i].disrupts -= 1;
                self.note(index, TraceKind::Cleared);
                self.update(index);
                self.settle_losses();
            }
            READY => {
                let n = &self.nodes[i];
                if event.same_gen(n.gen) && n.phase == Phase::Detecting {
                    self.ready(index);
                }
            }
            SWITCH => {
                if event.same_gen(self.groups[i].gen) {
                    if let Failover::Switching(target) = self.groups[i].state {
                        self.note(self.m.groups[i].owner, TraceKind::Switched);
                        self.trigger = self.m.groups[i].owner | SWITCHOVER;
                        self.groups[i].active = target;
                        self.groups[i].state = Failover::Holding;
                        self.pending_group_emits.push((index, true));
                        self.set_group_holds(index, true);
                        self.propagate();
                        self.settle_losses();
                    }
                }
            }
            other => unreachable!("no event kind {other}"),
        }
    }

    fn apply_threat(&mut self, t: u32) {
        self.cause_threat = t;
        self.incident += 1;
        if self.explain {
            self.blame.strike_starts();
        }
        let m = self.m;
        let th = &m.threats[t as usize];
        let occurrence = self.threat_occurrences[t as usize];
        self.threat_occurrences[t as usize] += 1;
        // Only a disruption has a duration: one draw per event, shared by
        // every component it hits.
        let duration = th.duration.as_ref().map_or(0.0, |d| {
            sample(d, word(self.key, th.duration_tag, u64::from(occurrence)))
        });
        // Only a destroy has a dwell time: one draw per event too.
        self.dwell = th.dwell.as_ref().map_or(0.0, |d| {
            sample(d, word(self.key, th.dwell_tag, u64::from(occurrence)))
        });
        let forcing = occurrence == 0 && t == self.forced_threat;
        for (k, &c) in th.targets.iter().enumerate() {
            let chance = th.chances[k];
            match self.forced.get(k).copied().flatten().filter(|_| forcing) {
                Some(hit) => {
                    if !hit {
                        continue;
                    }
                }
                None => {
                    if chance < 1.0
                        && uniform(self.key, th.target_tags[k], u64::from(occurrence)) >= chance
                    {
                        continue;
                    }
                }
            }
            // The threat's own repair or rebuild time, else the component's.
            let work = m.components[c as usize].work(th.effect, th.work);
            self.hit(
                c,
                th.effect,
                work,
                duration,
                th.site_hit[k],
                th.reaches_backups,
            );
        }
        self.settle_losses();
        if self.explain {
            let (nodes, counts) = (&self.nodes, &self.counts);
            self.blame.strike_ends(
                self.m,
                |c| nodes[c as usize].available,
                |g| counts[g as usize].holds,
            );
        }
    }

    /// One hit on component `c`; `work` is how long its repair or rebuild takes.
    #[inline(always)]
    fn hit(
        &mut self,
        c: u32,
        effect: Effect,
        work: u32,
        duration: f64,
        site_hit: bool,
        reaches_backups: bool,
    ) {
        self.cause_component = c;
        if self.explain {
            self.blame.hit(c, self.nodes[c as usize].available);
        }
        self.note(c, TraceKind::Hit(effect));
        let ci = c as usize;
        match effect {
            Effect::Disrupt => {
                self.nodes[ci].disrupts += 1;
                self.schedule(self.now + duration, DISRUPT_END, 0, c);
            }
            Effect::Damage => {
                if self.nodes[ci].phase == Phase::Idle {
                    self.start_work(c, work, false, NONE);
                }
            }
            Effect::Destroy => self.destroy(c, work, site_hit, reaches_backups),
        }
        self.update(c);
    }

    /// A destroy hit on `c` (see [`Trial::hit`]).
    #[inline(always)]
    fn destroy(&mut self, c: u32, work: u32, site_hit: bool, reaches_backups: bool) {
        let node = self.nodes[c as usize];
        if node.phase == Phase::Idle {
            let tier = self.recovery_point(c, site_hit, reaches_backups);
            self.start_work(c, work, true, tier);
        } else if !node.rebuild {
            // A pending repair becomes a rebuild in place (spec 13.6); a
            // rebuild under way goes on.
            let tier = self.recovery_point(c, site_hit, reaches_backups);
            self.upgrade_work(c, work, tier);
        }
    }

    /// Chooses the backup tier to restore from after a destroy at `now`,
    /// and records the data lost. Each surviving tier offers its newest
    /// kept point at least the dwell time old; the newest offer is tried
    /// first (ties: the faster restore, then the first tier). A restore
    /// from it fails with its tier's chance (spec 13.4, drawn from the
    /// tier's stream); then the next newest offer is tried, and so on. The
    /// failed tiers are kept in `failed_restores`, since their restore time
    /// is spent too. No offer left is a total loss.
    fn recovery_point(&mut self, c: u32, site_hit: bool, reaches_backups: bool) -> u32 {
        let m = self.m;
        let ci = c as usize;
        let comp = &m.components[ci];
        if !comp.stateful {
            return NONE;
        }
        let failed = &mut self.failed_restores[ci];
        failed.clear();
        loop {
            let mut best = NONE;
            let mut best_age = f64::INFINITY;
            let mut best_restore = f64::INFINITY;
            for i in comp.tiers.0..comp.tiers.1 {
                let tier = &m.tiers[i as usize];
                if (reaches_backups && !tier.immutable)
                    || (site_hit && !tier.offsite)
                    || failed.contains(&i)
                {
                    continue;
                }
                let Some(age) =
                    offered_age(tier, self.tier_phase[i as usize], self.now, self.dwell)
                else {
                    continue;
                };
                if age < best_age || (age == best_age && tier.restore_mean < best_restore) {
                    best = i;
                    best_age = age;
                    best_restore = tier.restore_mean;
                }
            }
            if best != NONE {
                let tier = &m.tiers[best as usize];
                if tier.restore_fails > 0.0 {
                    let draws = &mut self.tier_draws[best as usize];
                    *draws += 1;
                    if uniform(self.key, tier.tag, u64::from(*draws)) < tier.restore_fails {
                        failed.push(best);
                        continue;
                    }
                }
            }
            self.pending_losses.push((c, best_age));
            return best;
        }
    }

    #[inline(always)]
    fn start_work(&mut self, c: u32, work: u32, rebuild: bool, tier: u32) {
        let ci = c as usize;
        let m = self.m;
        let detect = match m.dist(m.hot[ci].detect) {
            Some(d) => {
                let mut counter = self.nodes[ci].detect_draws;
                let v = sample(d, self.draw(m.components[ci].detect_tag, &mut counter));
                self.nodes[ci].detect_draws = counter;
                v
            }
            None => 0.0,
        };
        let node = &mut self.nodes[ci];
        // The first work on it in this trial (a generation would wrap to 0
        // again only after 2^32 works on one component in one trial).
        if node.gen == 0 {
            node.work_stream = Stream::new(self.key, m.hot[ci].work_tag);
        }
        node.gen = node.gen.wrapping_add(1);
        node.phase = Phase::Detecting;
        node.work = work;
        node.rebuild = rebuild;
        self.rebuild_tier[ci] = tier;
        let gen = node.gen;
        if detect > 0.0 {
            self.schedule(self.now + detect, READY, gen, c);
        } else {
            self.ready(c);
        }
    }

    /// Turns `c`'s pending repair into a rebuild that takes `work`, then a
    /// restore from `tier` (spec 13.6): a task still detecting or queued
    /// keeps its ready time and its place in the queue; one under way goes
    /// on with the same hands, rebuilding from now.
    #[inline(never)]
    fn upgrade_work(&mut self, c: u32, work: u32, tier: u32) {
        let ci = c as usize;
        let node = &mut self.nodes[ci];
        node.work = work;
        node.rebuild = true;
        self.rebuild_tier[ci] = tier;
        if node.phase == Phase::Running {
            // The repair's completion is stale from now.
            node.gen = node.gen.wrapping_add(1);
            let gen = node.gen;
            // As in `start_task`: the rebuild, then its restores.
            let m = self.m;
            let mut duration = m
                .dist(node.work)
                .map_or(0.0, |d| sample(d, node.work_stream.next_word()));
            let failed = &self.failed_restores[ci];
            duration += restores(m, &mut node.work_stream, failed, tier);
            self.schedule(self.now + duration, DONE, gen, c);
        }
    }

    #[inline(always)]
    fn ready(&mut self, c: u32) {
        self.note(c, TraceKind::Ready);
        let ci = c as usize;
        let team = self.m.hot[ci].team;
        if team == NONE {
            self.start_task(c);
        } else {
            self.enqueue(c, team);
        }
    }

    fn enqueue(&mut self, c: u32, team: u32) {
        let ci = c as usize;
        self.nodes[ci].phase = Phase::Queued;
        self.seq += 1;
        self.team_queue[team as usize].push(QueuedTask {
            priority: self.m.components[ci].priority,
            ready: self.now.to_bits(),
            seq: self.seq,
            component: c,
            gen: self.nodes[ci].gen,
        });
        self.mark_dirty(team);
    }

    fn mark_dirty(&mut self, team: u32) {
        if !self.team_dirty[team as usize] {
            self.team_dirty[team as usize] = true;
            self.dirty_teams.push(team);
        }
    }

    fn release_team(&mut self, team: u32) {
        self.team_busy[team as usize] -= 1;
        self.mark_dirty(team);
    }

    /// Starts queued tasks on every team with free hands, best first.
    fn dispatch(&mut self) {
        while let Some(team) = self.dirty_teams.pop() {
            let t = team as usize;
            self.team_dirty[t] = false;
            while self.team_busy[t] < self.m.team_sizes[t] {
                let Some(task) = self.team_queue[t].pop() else {
                    break;
                };
                let node = &self.nodes[task.component as usize];
                if node.gen == task.gen && node.phase == Phase::Queued {
                    self.team_busy[t] += 1;
                    self.start_task(task.component);
                }
            }
        }
    }

    #[inline(always)]
    fn start_task(&mut self, c: u32) {
        self.note(c, TraceKind::Started);
        let ci = c as usize;
        let m = self.m;
        let node = &mut self.nodes[ci];
        // The repair or rebuild, then after a rebuild its restores. (Written
        // out here: as a shared function the damage path, by far the most
        // common, took 2% more instructions on the pairs model.)
        let mut duration = m
            .dist(node.work)
            .map_or(0.0, |d| sample(d, node.work_stream.next_word()));
        if node.rebuild {
            let failed = &self.failed_restores[ci];
            duration += restores(m, &mut node.work_stream, failed, self.rebuild_tier[ci]);
        }
        node.phase = Phase::Running;
        let gen = node.gen;
        self.schedule(self.now + duration, DONE, gen, c);
    }

    #[inline(always)]
    fn done(&mut self, c: u32) {
        self.note(c, TraceKind::Repaired);
        let ci = c as usize;
        self.nodes[ci].phase = Phase::Idle;
        let hot = self.m.hot[ci];
        if hot.team != NONE {
            self.release_team(hot.team);
        }
        for f in hot.failures.0..hot.failures.1 {
            if self.failures[f as usize].waiting {
                self.failures[f as usize].waiting = false;
                self.arm_failure(f);
            }
        }
        self.update(c);
    }

    /// Re-evaluates `c` after its own state changed and carries an
    /// availability change up the graph.
    #[inline(always)]
    fn update(&mut self, c: u32) {
        if self.flip(c) {
            self.carry(c);
            if !self.stack.is_empty() {
                self.propagate();
            }
        }
    }

    /// Re-evaluates `c` after a requirement changed; queues it for
    /// propagation if its availability flipped.
    #[inline(always)]
    fn refresh(&mut self, c: u32) {
        if self.flip(c) {
            self.stack.push(c);
        }
    }

    /// Sets `c`'s availability from its own state and its requirements;
    /// true if it changed.
    #[inline(always)]
    fn flip(&mut self, c: u32) -> bool {
        let node = &mut self.nodes[c as usize];
        let now_available =
            node.disrupts == 0 && node.phase == Phase::Idle && node.failed_requirements == 0;
        let flipped = now_available != node.available;
        node.available = now_available;
        flipped
    }

    #[inline(always)]
    fn set_group_holds(&mut self, g: u32, holds: bool) {
        let gi = g as usize;
        if self.counts[gi].holds == holds {
            return;
        }
        self.counts[gi].holds = holds;
        self.requirement_changed(self.m.groups[gi].owner, holds);
    }

    /// One of `c`'s requirements (a plain link or a group) became met or unmet.
    #[inline(always)]
    fn requirement_changed(&mut self, c: u32, met: bool) {
        let node = &mut self.nodes[c as usize];
        if met {
            node.failed_requirements -= 1;
        } else {
            node.failed_requirements += 1;
        }
        self.refresh(c);
    }

    /// Carries the availability changes queued by [`Trial::refresh`] up the graph.
    fn propagate(&mut self) {
        while let Some(x) = self.stack.pop() {
            self.carry(x);
        }
    }

    /// Tells the service and the dependents of `x` that its availability
    /// changed.
    #[inline(always)]
    fn carry(&mut self, x: u32) {
        let m = self.m;
        let up = self.nodes[x as usize].available;
        self.note(x, if up { TraceKind::Up } else { TraceKind::Down });
        let hot = &m.hot[x as usize];
        if hot.service != NONE {
            if up {
                self.service_up(hot.service, false);
            } else {
                self.service_down(hot.service);
            }
        }
        let (first, end) = hot.up;
        if first < end {
            self.carry_edge(x, up, hot.first_up);
            for &edge in &m.up_edges[first as usize + 1..end as usize] {
                self.carry_edge(x, up, edge);
            }
        }
    }

    /// Tells the dependent at the end of `edge` that `x` went up or down.
    #[inline(always)]
    fn carry_edge(&mut self, x: u32, up: bool, edge: UpEdge) {
        if edge.group == NONE {
            self.requirement_changed(edge.dependent, up);
            return;
        }
        let g = edge.group;
        let group = &mut self.counts[g as usize];
        match group.kind {
            GroupKind::AtLeast => {
                if up {
                    group.up += 1;
                } else {
                    group.up -= 1;
                }
                let holds = group.up >= group.k;
                self.set_group_holds(g, holds);
            }
            GroupKind::Failover => self.failover_member_changed(g, x, up),
        }
    }

    fn failover_member_changed(&mut self, g: u32, member: u32, up: bool) {
        let gi = g as usize;
        let position = self
            .m
            .members(g)
            .iter()
            .position(|&c| c == member)
            .expect("the member belongs to its group") as u32;
        let active = self.groups[gi].active;
        match self.groups[gi].state {
            Failover::Holding => {
                if position == active && !up {
                    self.groups[gi].incident = self.incident;
                    self.groups[gi].cause = self.cause_threat;
                    self.set_group_holds(g, false);
                    self.choose_switch_target(g);
                }
            }
            Failover::Switching(target) => {
                if position == active && up {
                    self.groups[gi].gen = self.groups[gi].gen.wrapping_add(1);
                    self.groups[gi].state = Failover::Holding;
                    self.pending_group_emits.push((g, false));
                    self.set_group_holds(g, true);
                } else if position == target && !up {
                    self.groups[gi].gen = self.groups[gi].gen.wrapping_add(1);
                    self.choose_switch_target(g);
                }
            }
            Failover::Waiting => {
                if up {
                    if position == active {
                        self.groups[gi].state = Failover::Holding;
                        self.pending_group_emits.push((g, false));
                        self.set_group_holds(g, true);
                    } else {
                        self.start_switch(g, position);
                    }
                }
            }
        }
    }

    fn choose_switch_target(&mut self, g: u32) {
        let gi = g as usize;
        let active = self.groups[gi].active;
        let target = self
            .m
            .members(g)
            .iter()
            .enumerate()
            .position(|(p, &c)| p as u32 != active && self.nodes[c as usize].available);
        match target {
            Some(p) => self.start_switch(g, p as u32),
            None => self.groups[gi].state = Failover::Waiting,
        }
    }

    fn start_switch(&mut self, g: u32, target: u32) {
        self.note(self.m.groups[g as usize].owner, TraceKind::SwitchStarted);
        let gi = g as usize;
        let group = &self.m.groups[gi];
        let mut counter = self.groups[gi].draws;
        let duration = sample(&group.switchover, self.draw(group.tag, &mut counter));
        let state = &mut self.groups[gi];
        state.draws = counter;
        state.gen = state.gen.wrapping_add(1);
        state.state = Failover::Switching(target);
        let gen = state.gen;
        self.schedule(self.now + duration, SWITCH, gen, g);
    }

    fn service_down(&mut self, s: u32) {
        self.service_down_since[s as usize] = self.now;
        self.service_incident[s as usize] = self.incident;
        self.service_incident_cause[s as usize] = self.cause_threat;
        if self.explain {
            self.blame.down(s, self.cause_component);
        }
    }

    /// Service `s` is available again (or, `cut`, the horizon ended its
    /// outage): counts the outage, and charges its disruption.
    fn service_up(&mut self, s: u32, cut: bool) {
        let si = s as usize;
        let start = self.service_down_since[si];
        let length = self.now - start;
        if length <= 0.0 {
            return;
        }
        let m = self.m;
        let svc = &m.services[si];
        let rto = svc.rto;
        let out = &mut self.services[si];
        let mut disruption = length;
        if let (Some(wrt), false) = (m.dist(svc.wrt), cut) {
            // One draw per outage; the disruption ends at the horizon too.
            let w = sample(wrt, word(self.key, svc.wrt_tag, u64::from(out.outages)));
            out.last_wrt = w;
            disruption = (length + w).min(self.horizon - start);
        }
        out.disruption += disruption;
        out.longest_disruption = out.longest_disruption.max(disruption);
        let mut steps = StepCost::default();
        if !svc.steps.is_empty() {
            steps = svc.step_cost(disruption);
            out.step_rate_cost += steps.rate;
            out.step_once_cost += steps.once;
        }
        out.outages += 1;
        out.downtime += length;
        out.recovered_at = self.now;
        out.longest_outage = out.longest_outage.max(length);
        if rto.is_some_and(|rto| length > rto) {
            out.rto_breaches += 1;
        }
        if self.count_incidents {
            let money = targets::outage_loss(svc, disruption, steps);
            self.charge(
                self.service_incident[si],
                self.service_incident_cause[si],
                money,
            );
        }
        if self.explain {
            let threat = self.service_incident_cause[si];
            self.blame
                .charge(s, threat, length, &mut self.outage_hours[si]);
            self.last_recovery_trigger[si] = self.trigger;
        }
    }

    /// Pushes this event's data losses up to the services.
    #[inline(always)]
    fn settle_losses(&mut self) {
        if !self.pending_losses.is_empty() || !self.pending_group_emits.is_empty() {
            self.settle_pending_losses();
        }
    }

    fn settle_pending_losses(&mut self) {
        let incident = self.incident;
        self.loss_cause = self.cause_threat;
        while let Some((c, loss)) = self.pending_losses.pop() {
            self.offer_loss(c, incident, loss);
            self.push_losses(incident);
        }
        while let Some((g, switched)) = self.pending_group_emits.pop() {
            let gi = g as usize;
            let group = &self.m.groups[gi];
            let incident = self.groups[gi].incident;
            let member = self.m.members(g)[self.groups[gi].active as usize] as usize;
            let mut loss = if self.loss_incident[member] == incident && incident != 0 {
                self.loss[member]
            } else {
                0.0
            };
            if switched {
                loss += group.lag;
            }
            let owner = group.owner;
            if loss > 0.0 && incident != 0 {
                self.loss_cause = self.groups[gi].cause;
                self.offer_loss(owner, incident, loss);
                self.push_losses(incident);
            }
            // What the member it holds on lost while the group waited (a
            // later incident's too), in the order lost; the group's other
            // held losses are dropped.
            let held = std::mem::take(&mut self.held_losses);
            for h in held {
                if h.group != g {
                    self.held_losses.push(h);
                } else if h.member as usize == member {
                    self.loss_cause = h.cause;
                    self.offer_loss(owner, h.incident, h.loss);
                    self.push_losses(h.incident);
                }
            }
        }
    }

    /// Records that `c` lost `loss` hours of data in `incident`.
    fn offer_loss(&mut self, c: u32, incident: u32, loss: f64) {
        let ci = c as usize;
        let previous = if self.loss_incident[ci] == incident {
            self.loss[ci]
        } else {
            0.0
        };
        if self.loss_incident[ci] == incident && loss <= previous {
            return;
        }
        self.loss_incident[ci] = incident;
        self.loss[ci] = loss;
        self.loss_stack.push(c);
        let s = self.m.hot[ci].service;
        if s != NONE {
            let out = &mut self.services[s as usize];
            // The hours this offer adds (all of the data, once).
            let mut added = 0.0;
            if loss.is_infinite() {
                if previous.is_finite() {
                    out.total_losses += 1;
                    added = f64::INFINITY;
                }
            } else {
                out.data_loss += loss - previous;
                added = loss - previous;
            }
            out.worst_incident_loss = out.worst_incident_loss.max(loss);
            if self.count_incidents && added != 0.0 {
                let money = targets::data_loss_money(&self.m.services[s as usize], added);
                self.charge(incident, self.loss_cause, money);
            }
        }
    }

    /// Charges `money` to `incident`, started by `cause` (a threat, or
    /// [`NONE`] for an independent failure).
    #[inline]
    fn charge(&mut self, incident: u32, cause: u32, money: f64) {
        if money == 0.0 {
            return;
        }
        let slot = if cause == NONE {
            self.cause_money.len() - 1
        } else {
            cause as usize
        };
        self.cause_money[slot] += money;
        // The incident charged is nearly always a recent one: search from
        // the end.
        match self
            .incident_money
            .iter_mut()
            .rev()
            .find(|(i, _)| *i == incident)
        {
            Some((_, m)) => *m += money,
            None => {
                self.incident_money.push((incident, money));
                if self.incident_money.len() > self.incident_limit() {
                    self.prune_incidents();
                }
            }
        }
    }

    /// The most incidents kept apart: twice as many as can still be
    /// charged (one per service's outage, one per failover group, the
    /// current one), so pruning is rare.
    fn incident_limit(&self) -> usize {
        2 * (self.services.len() + self.groups.len() + 1) + 8
    }

    /// Folds the incidents that can no longer be charged (no service's
    /// outage began during them, no failover group holds them, not the
    /// current one) into `closed_incident_max`.
    fn prune_incidents(&mut self) {
        let live = &mut self.live_incidents;
        live.clear();
        live.push(self.incident);
        live.extend_from_slice(&self.service_incident);
        live.extend(self.groups.iter().map(|g| g.incident));
        live.extend(self.held_losses.iter().map(|h| h.incident));
        live.sort_unstable();
        live.dedup();
        let mut closed = self.closed_incident_max;
        self.incident_money.retain(|&(i, m)| {
            let keep = live.binary_search(&i).is_ok();
            if !keep {
                closed = closed.max(m);
            }
            keep
        });
        self.closed_incident_max = closed;
    }

    /// The money lost by the costliest single incident of the trial (a
    /// threat's strike, or an independent failure): its outages (each
    /// charged to the incident during which it began) and its data
    /// losses; 0 when nothing was lost.
    pub fn largest_incident_loss(&self) -> f64 {
        self.incident_money
            .iter()
            .fold(self.closed_incident_max, |a, &(_, m)| a.max(m))
    }

    /// The money lost this trial by what started it (a run): per threat,
    /// then last for independent failures. Every loss is charged to the
    /// incident during which it began, so the parts add up to the trial's
    /// loss.
    pub(crate) fn loss_by_cause(&self) -> &[f64] {
        &self.cause_money
    }

    /// Independent failures in the last trial.
    pub(crate) fn independent_failures(&self) -> u32 {
        self.independent_failures
    }

    fn push_losses(&mut self, incident: u32) {
        let m = self.m;
        while let Some(x) = self.loss_stack.pop() {
            let loss = self.loss[x as usize];
            for edge in m.dependents(x) {
                let d = edge.dependent;
                if edge.group == NONE {
                    self.offer_loss(d, incident, loss);
                    continue;
                }
                let g = edge.group;
                let gi = g as usize;
                match m.groups[gi].kind {
                    GroupKind::AtLeast => {
                        // Only when every member that holds data lost some.
                        let mut smallest = f64::INFINITY;
                        let mut all = true;
                        for &member in m.members(g) {
                            let mi = member as usize;
                            if !m.components[mi].holds_data {
                                continue;
                            }
                            if self.loss_incident[mi] != incident {
                                all = false;
                                break;
                            }
                            smallest = smallest.min(self.loss[mi]);
                        }
                        if all {
                            self.offer_loss(d, incident, smallest);
                        }
                    }
                    GroupKind::Failover => {
                        let state = &self.groups[gi];
                        let active = m.members(g)[state.active as usize];
                        if state.state == Failover::Holding && active == x {
                            self.offer_loss(d, incident, loss);
                        } else if active == x {
                            // The member the group ran on, while the group
                            // waits: it reaches the group if the group comes
                            // back on it (settle_losses). A standby's own
                            // losses never do (only its loss in the incident
                            // that switches to it).
                            self.held_losses.push(HeldLoss {
                                group: g,
                                member: x,
                                incident,
                                cause: self.loss_cause,
                                loss,
                            });
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::DependencyGraph;
    use crate::sim::Mode;

    /// Millions of incidents in ten years: the costliest is known without
    /// keeping them all.
    #[test]
    fn the_costliest_incident_is_kept_without_keeping_every_incident() {
        let yaml = "name: flap\ncomponents:\n  - {id: box, kind: server, repair: 1s, failures: [{every: 1m}]}\n  - {id: svc, kind: service, depends_on: [box], impact: {per_incident: 10, per_hour: 3600}}\nthreats:\n  - {id: blip, per_year: 50, hits: {components: [box]}, effect: disrupt, duration: 1h}\n";
        let s = crate::scenario::load_str(yaml, "flap.yaml")
            .unwrap()
            .scenario;
        let model = Model::compile(&s, &DependencyGraph::build(&s));
        let mut trial = Trial::new(&model);
        trial.set_count_incidents(true);
        trial.run(
            7,
            0,
            Mode::Run {
                horizon: 10.0 * 8760.0,
            },
        );
        assert!(trial.services[0].outages > 1_000_000);
        assert!(trial.incident_money.len() <= trial.incident_limit());
        // Some outage lasted a blip's hour at least (10 + 3,600): the
        // costliest incident cost as much, and less than the ten years.
        let largest = trial.largest_incident_loss();
        let total = crate::sim::targets::trial_loss(&model, &trial.services);
        assert!(
            largest >= 3610.0 && largest < total / 100.0,
            "{largest} of {total}"
        );
    }

    #[test]
    fn explaining_keeps_a_sum_per_cause_not_an_entry_per_outage() {
        // About 5 million outages in ten years; each used to be kept until
        // the trial ended (813 MB for a hundred years).
        let yaml = "name: flap\ncomponents:\n  - {id: box, kind: server, repair: 1s, failures: [{every: 1m}]}\n  - {id: svc, kind: service, depends_on: [box]}\nthreats:\n  - {id: blip, per_year: 50, hits: {components: [box]}, effect: disrupt, duration: 1h}\n";
        let s = crate::scenario::load_str(yaml, "flap.yaml")
            .unwrap()
            .scenario;
        let model = Model::compile(&s, &DependencyGraph::build(&s));
        let mut trial = Trial::new(&model);
        trial.set_explain(true);
        trial.run(
            7,
            0,
            Mode::Run {
                horizon: 10.0 * 8760.0,
            },
        );
        let out = &trial.services[0];
        assert!(out.outages > 1_000_000, "{}", out.outages);
        let hours = &trial.outage_hours[0];
        // One sum per cause: the box's own failures, and the threat.
        assert_eq!(hours.by_component.len(), 1);
        assert_eq!(hours.by_threat.len(), 2);
        // The sums account for every hour of downtime.
        for sums in [&hours.by_component, &hours.by_threat] {
            let total: f64 = sums.values().sum();
            assert!(
                (total - out.downtime).abs() <= 1e-9 * out.downtime,
                "{total} vs {}",
                out.downtime
            );
        }
    }
}
