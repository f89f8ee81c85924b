//! What one trial means for a service (spec section 9): the money it lost
//! and whether it met its RTO, RPO and MTPD. Every statistic that counts
//! or adds these (the runner, compare, sensitivity) asks here, so the rule
//! is written once.

use super::model::{CompiledService, Model, StepCost};
use super::trial::{Mode, ServiceOutcome};

/// The money one service lost in one trial, by cause (spec 9 and 13.1).
/// Their sum is the trial's loss ([`service_loss`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LossParts {
    /// The disruptions at the hourly rate: `per_hour` over every hour of
    /// disruption plus what the steps over time change of it (the integral
    /// of the rate).
    pub outage_time: f64,
    /// The steps' `once` amounts, paid as disruptions passed their `after`.
    pub once: f64,
    /// `per_incident` for each outage.
    pub per_incident: f64,
    /// Hours of data lost at `per_hour_data_lost`.
    pub data_loss: f64,
    /// Total data losses at their price
    /// ([`Impact::total_loss_price`](crate::scenario::Impact::total_loss_price)).
    pub total_data_loss: f64,
}

impl LossParts {
    /// The trial's loss: the parts added in the order that gives v1
    /// scenarios (no steps, so two exact additions of 0) the same float as
    /// before the breakdown existed.
    #[inline]
    pub(crate) fn total(&self) -> f64 {
        self.outage_time + self.once + self.data_loss + self.per_incident + self.total_data_loss
    }
}

/// Money lost by one service in one trial, by cause: its disruptions at
/// the hourly rate (spec 13.1: the base rate, plus what the steps over
/// time change), the steps' one-off amounts, its outages, its data and its
/// total data losses.
#[inline]
pub(super) fn loss_parts(svc: &CompiledService, out: &ServiceOutcome) -> LossParts {
    LossParts {
        outage_time: out.disruption * svc.per_hour + out.step_rate_cost,
        once: out.step_once_cost,
        per_incident: f64::from(out.outages) * svc.per_incident,
        data_loss: out.data_loss * svc.per_hour_data_lost,
        total_data_loss: f64::from(out.total_losses) * svc.per_total_data_loss,
    }
}

/// The money of one outage of `svc` whose disruption lasted `disruption`
/// hours, its steps over time costing `steps`: the same prices as
/// [`loss_parts`], one outage at a time (a trial's occurrence loss).
#[inline]
pub(super) fn outage_loss(svc: &CompiledService, disruption: f64, steps: StepCost) -> f64 {
    disruption * svc.per_hour + svc.per_incident + steps.rate + steps.once
}

/// The money of `svc`'s data lost in one incident: `hours` at
/// `per_hour_data_lost`, or all of it (`hours` infinite) at
/// `per_total_data_loss`; the same prices as [`loss_parts`].
#[inline]
pub(super) fn data_loss_money(svc: &CompiledService, hours: f64) -> f64 {
    if hours.is_infinite() {
        svc.per_total_data_loss
    } else {
        hours * svc.per_hour_data_lost
    }
}

/// Money lost by one service in one trial: the sum of its [`loss_parts`].
#[inline]
pub(super) fn service_loss(svc: &CompiledService, out: &ServiceOutcome) -> f64 {
    loss_parts(svc, out).total()
}

/// Money lost by all services in one trial, added in service order.
pub(super) fn trial_loss(model: &Model, outcomes: &[ServiceOutcome]) -> f64 {
    model
        .services
        .iter()
        .zip(outcomes)
        .fold(0.0, |total, (svc, out)| total + service_loss(svc, out))
}

/// Whether one trial met each of a service's targets; `None` where the
/// service sets no such target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Met {
    pub rto: Option<bool>,
    pub rpo: Option<bool>,
    pub mtpd: Option<bool>,
}

/// A service's disruption in one trial (spec 13.2): in a drill, from the
/// strike until it is back for good plus the work recovery time after its
/// last outage (0 without an outage); over a run, every outage plus its
/// work recovery time, summed.
#[inline]
pub(super) fn disruption(out: &ServiceOutcome, mode: Mode) -> f64 {
    match mode {
        Mode::Drill { .. } if out.outages == 0 => 0.0,
        Mode::Drill { .. } => out.recovered_at + out.last_wrt,
        Mode::Run { .. } => out.disruption,
    }
}

/// The targets judged on one trial. In a drill the RTO is met when the
/// service is back for good within it, the MTPD when its disruption (the
/// recovery plus the work recovery time) stayed within it; over a run, the
/// RTO when no outage breached it and the MTPD when the longest disruption
/// stayed within it. The RPO is met when no data was lost altogether and
/// no incident lost more than it.
#[inline]
pub(super) fn met(svc: &CompiledService, out: &ServiceOutcome, mode: Mode) -> Met {
    let (rto, mtpd) = match mode {
        Mode::Drill { .. } => (
            svc.rto.map(|t| out.recovered_at <= t),
            svc.mtpd.map(|t| disruption(out, mode) <= t),
        ),
        Mode::Run { .. } => (
            svc.rto.map(|_| out.rto_breaches == 0),
            svc.mtpd.map(|t| out.longest_disruption <= t),
        ),
    };
    Met {
        rto,
        rpo: svc
            .rpo
            .map(|t| out.total_losses == 0 && out.worst_incident_loss <= t),
        mtpd,
    }
}
