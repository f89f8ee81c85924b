//! What one trial means for a service (spec section 9): the money it lost
//! and whether it met its RTO, RPO and MTPD. Every statistic that counts
//! or adds these (the runner, compare, sensitivity) asks here, so the rule
//! is written once.

use super::model::{CompiledService, Model};
use super::trial::{Mode, ServiceOutcome};

/// Money lost by one service in one trial: its disruptions at the hourly
/// rate (spec 13.1: the base rate, plus what the steps over time change),
/// its data, its outages and its total data losses.
#[inline]
pub(super) fn service_loss(svc: &CompiledService, out: &ServiceOutcome) -> f64 {
    out.disruption * svc.per_hour
        + out.step_cost
        + out.data_loss * svc.per_hour_data_lost
        + f64::from(out.outages) * svc.per_incident
        + f64::from(out.total_losses) * svc.per_total_data_loss
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
