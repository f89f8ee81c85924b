//! Components: where each is, who repairs it, how it fails, its data's
//! backups, what its outage costs and its recovery targets. Its
//! dependencies are read in `depends`.

use super::checks::Reach;
use super::ids::Ref;
use super::{fmt_number, money_is_valid, Problem, Validator, MIN_INTERVAL_HOURS};
use crate::scenario::error::Diagnostic;
use crate::scenario::model::*;
use crate::scenario::raw::{RawComponent, RawFailure};

impl Validator<'_> {
    /// The components, in file order; marks in `reach` those a failure can
    /// damage or destroy.
    pub(super) fn components(&mut self, raw: &[RawComponent], reach: &mut Reach) -> Vec<Component> {
        let mut components = Vec::with_capacity(raw.len());
        for (i, c) in raw.iter().enumerate() {
            let component = self.component(i, c, reach);
            components.push(component);
        }
        components
    }

    /// Component `i`, its references resolved (or reported).
    pub(super) fn component(&mut self, i: usize, c: &RawComponent, reach: &mut Reach) -> Component {
        let p = format!("components[{i}]");
        let site = c
            .site
            .as_ref()
            .and_then(|s| self.resolve(&c.id, &format!("{p}.site"), s, Ref::Site));
        let team = c
            .team
            .as_ref()
            .and_then(|t| self.resolve(&c.id, &format!("{p}.team"), t, Ref::Team));
        let depends_on = self.depends_on(&p, c);
        let failures = self.failures(&p, i, c, reach);
        let backups = self.backups(&p, c);
        let impact = self.impact(&p, c);
        self.recovery_targets(&p, c);
        Component {
            id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind,
            site,
            tags: c.tags.clone(),
            depends_on,
            failures,
            repair: c.repair.clone(),
            rebuild: c.rebuild.clone(),
            detect: c.detect.clone(),
            team,
            priority: c.priority.unwrap_or(100),
            backups,
            stateful: c.data.is_some(),
            rto: c.rto.map(|h| h.0),
            rpo: c.rpo.map(|h| h.0),
            mtpd: c.mtpd.map(|h| h.0),
            wrt: c.wrt.clone(),
            impact,
        }
    }

    /// The failures that are valid; marks in `reach` the effect of every
    /// failure of component `i`, valid or not.
    fn failures(
        &mut self,
        p: &str,
        i: usize,
        c: &RawComponent,
        reach: &mut Reach,
    ) -> Vec<FailureMode> {
        let mut failures = Vec::new();
        for (j, f) in c.failures.iter().enumerate() {
            let fp = format!("{p}.failures[{j}]");
            let arrival = self.report(&c.id, arrival(&fp, f));
            let effect = f.effect.unwrap_or(Effect::Damage);
            if effect == Effect::Disrupt {
                self.error(Some(&c.id), Some("disrupt"), Diagnostic::new(format!("{fp}.effect"), "independent failures damage or destroy; `disrupt` needs a duration and belongs to threats").help("use effect: damage, or model the outage as a threat with effect: disrupt and a duration"));
            }
            reach.mark(i, effect);
            let Some(arrival) = arrival else {
                continue;
            };
            let effect = match effect {
                Effect::Damage => FailureEffect::Damage {
                    repair: f.repair.clone(),
                },
                Effect::Destroy => FailureEffect::Destroy {
                    rebuild: f.repair.clone(),
                },
                Effect::Disrupt => continue, // reported above
            };
            failures.push(FailureMode { arrival, effect });
        }
        failures
    }

    /// The backup tiers whose interval is longer than zero.
    fn backups(&mut self, p: &str, c: &RawComponent) -> Vec<BackupTier> {
        let Some(data) = &c.data else {
            return Vec::new();
        };
        let mut backups = Vec::new();
        for (j, b) in data.backups.iter().enumerate() {
            if b.every.0 <= 0.0 {
                self.error(
                    Some(&c.id),
                    Some("every"),
                    Diagnostic::new(
                        format!("{p}.data.backups[{j}].every"),
                        "the backup interval must be longer than zero",
                    )
                    .help("e.g. every: 24h"),
                );
                continue;
            }
            let bp = format!("{p}.data.backups[{j}]");
            let keep = b.keep.map(|k| k.0);
            if keep.is_some_and(|k| k < b.every.0) {
                let d = Diagnostic::new(
                    format!("{bp}.keep"),
                    "a tier must keep its points at least as long as the interval between them (keep is shorter than every)",
                )
                .help(format!(
                    "e.g. keep: 30d with every: {}; leave keep out to keep every point",
                    crate::scenario::units::fmt_hours(b.every.0)
                ));
                self.error(Some(&c.id), Some("keep"), d);
            }
            let restore_fails = b.restore_fails.unwrap_or(0.0);
            if !(0.0..=1.0).contains(&restore_fails) {
                let d = Diagnostic::new(
                    format!("{bp}.restore_fails"),
                    format!(
                        "restore_fails {} is not a probability",
                        fmt_number(restore_fails)
                    ),
                )
                .help("the chance that a restore from this tier fails, from 0 to 1, e.g. restore_fails: 0.1");
                self.error(Some(&c.id), Some("restore_fails"), d);
            }
            backups.push(BackupTier {
                every: b.every.0,
                restore: b.restore.clone(),
                immutable: b.immutable,
                offsite: b.offsite,
                keep,
                restore_fails,
            });
        }
        backups
    }

    /// The impact, every amount checked (none given: no cost), and its
    /// steps over time in increasing order.
    fn impact(&mut self, p: &str, c: &RawComponent) -> Impact {
        let impact = c.impact.clone().unwrap_or_default();
        for (key, value) in [
            ("per_hour", Some(impact.per_hour)),
            ("per_hour_data_lost", Some(impact.per_hour_data_lost)),
            ("per_incident", Some(impact.per_incident)),
            ("per_total_data_loss", impact.per_total_data_loss),
        ] {
            if let Some(value) = value {
                self.money(&c.id, format!("{p}.impact.{key}"), value);
            }
        }
        let mut over_time = Vec::with_capacity(impact.over_time.len());
        let mut previous: Option<f64> = None;
        for (j, step) in impact.over_time.iter().enumerate() {
            let sp = format!("{p}.impact.over_time[{j}]");
            let after = step.after.0;
            if after <= 0.0 || previous.is_some_and(|before| after <= before) {
                let message = match previous {
                    Some(before) if after > 0.0 => format!(
                        "over_time steps must be in increasing order of `after`: {} does not come after {}",
                        crate::scenario::units::fmt_hours(after),
                        crate::scenario::units::fmt_hours(before)
                    ),
                    _ => "an over_time step starts after the outage begins: `after` must be longer than zero".to_string(),
                };
                let d = Diagnostic::new(format!("{sp}.after"), message).help(
                    "list the steps by increasing `after`, e.g. over_time: [{after: 4h, per_hour: 200}, {after: 24h, per_hour: 3000}]",
                );
                self.error(Some(&c.id), Some("over_time"), d);
            }
            previous = Some(after);
            for (key, value) in [("per_hour", step.per_hour), ("once", step.once)] {
                if let Some(value) = value {
                    self.money(&c.id, format!("{sp}.{key}"), value);
                }
            }
            over_time.push(ImpactStep {
                after,
                per_hour: step.per_hour,
                once: step.once.unwrap_or(0.0),
            });
        }
        Impact {
            per_hour: impact.per_hour,
            per_hour_data_lost: impact.per_hour_data_lost,
            per_incident: impact.per_incident,
            per_total_data_loss: impact.per_total_data_loss,
            over_time,
        }
    }

    fn money(&mut self, owner: &str, path: String, value: f64) {
        if money_is_valid(value) {
            return;
        }
        self.error(
            Some(owner),
            None,
            Diagnostic::new(
                path,
                format!("{} is not a valid amount of money", fmt_number(value)),
            )
            .help("write a plain non-negative number in the scenario's currency, at most 1e15"),
        );
    }

    /// Warns of recovery targets or a work recovery time on anything but
    /// a service: they are used for services only.
    fn recovery_targets(&mut self, p: &str, c: &RawComponent) {
        let targets = c.rto.is_some() || c.rpo.is_some() || c.mtpd.is_some();
        let wrt = c.wrt.is_some();
        if c.kind == Kind::Service || !(targets || wrt) {
            return;
        }
        let (what, keys) = match (targets, wrt) {
            (true, false) => ("recovery targets", "rto/rpo/mtpd"),
            (false, true) => ("a work recovery time", "wrt"),
            _ => (
                "recovery targets and a work recovery time",
                "rto/rpo/mtpd/wrt",
            ),
        };
        self.warn(
            Some(&c.id),
            Diagnostic::new(
                p,
                format!(
                    "`{}` is a {} with {what}; drsim uses them for services only",
                    c.id,
                    c.kind.as_str()
                ),
            )
            .help(format!("move {keys} to the service that depends on it")),
        );
    }
}

/// When a failure comes: `every` (a mean interval) or `after` (a
/// distribution), either at least a minute on average.
fn arrival(fp: &str, f: &RawFailure) -> Result<Arrival, Problem> {
    match (&f.every, &f.after) {
        (Some(e), None) if e.0 >= MIN_INTERVAL_HOURS => Ok(Arrival::Every(e.0)),
        (Some(_), None) => Err((
            "every",
            Diagnostic::new(
                format!("{fp}.every"),
                "the mean time between failures must be at least 1m",
            )
            .help("e.g. every: 5y"),
        )),
        (None, Some(d)) if d.mean() >= MIN_INTERVAL_HOURS => Ok(Arrival::After(d.clone())),
        (None, Some(_)) => Err((
            "after",
            Diagnostic::new(
                format!("{fp}.after"),
                "the mean time to failure must be at least 1m (after a repair the \
                 component would fail again at once)",
            )
            .help("e.g. after: {weibull: {shape: 2, scale: 5y}}"),
        )),
        (Some(_), Some(_)) => Err(("failures", Diagnostic::new(fp, "a failure has either `every` or `after`, not both").help("every: 3y is an exponential time to failure; after: {weibull: ...} any other distribution"))),
        (None, None) => Err(("failures", Diagnostic::new(fp, "a failure needs `every` (mean time between failures) or `after` (time-to-failure distribution)").help("e.g. {every: 3y} or {after: {weibull: {shape: 2, scale: 5y}}}"))),
    }
}
