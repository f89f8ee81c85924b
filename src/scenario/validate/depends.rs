//! A component's `depends_on`: plain dependencies, at_least groups and
//! failover groups. Each names other components, each of them once.

use super::ids::Ref;
use super::Validator;
use crate::scenario::error::Diagnostic;
use crate::scenario::model::Requirement;
use crate::scenario::raw::{RawComponent, RawRequirement};
use crate::scenario::units::{Dist, Hours};

use std::collections::HashSet;

/// One component's depends_on as it is read: the component's id and the
/// components named so far.
struct Reading<'c> {
    owner: &'c str,
    seen: HashSet<usize>,
}

impl Validator<'_> {
    /// The requirements of component `c` (at path `p`) that are valid.
    pub(super) fn depends_on(&mut self, p: &str, c: &RawComponent) -> Vec<Requirement> {
        let mut reading = Reading {
            owner: &c.id,
            seen: HashSet::new(),
        };
        let mut depends_on = Vec::new();
        for (j, req) in c.depends_on.iter().enumerate() {
            let rp = format!("{p}.depends_on[{j}]");
            if let Some(r) = self.requirement(&mut reading, &rp, req) {
                depends_on.push(r);
            }
        }
        depends_on
    }

    fn requirement(
        &mut self,
        r: &mut Reading,
        rp: &str,
        req: &RawRequirement,
    ) -> Option<Requirement> {
        match req {
            RawRequirement::Plain(name) => {
                let members = self.members(r, rp, std::slice::from_ref(name), false)?;
                Some(Requirement::Plain(members[0]))
            }
            RawRequirement::AtLeast { k, of } => self.at_least(r, rp, *k, of),
            RawRequirement::Failover {
                members,
                switchover,
                lag,
            } => self.failover(r, rp, members, switchover.as_ref(), *lag),
        }
    }

    /// `{at_least: k, of: [...]}`: k from 1 to the number of members.
    fn at_least(
        &mut self,
        r: &mut Reading,
        rp: &str,
        k: i64,
        of: &[String],
    ) -> Option<Requirement> {
        let members = self.members(r, rp, of, true);
        let n = of.len() as i64;
        if (1..=n).contains(&k) {
            return members.map(|of| Requirement::AtLeast { k: k as usize, of });
        }
        let why = if k < 1 {
            "at_least must be 1 or more".to_string()
        } else {
            format!("at_least {k} of {n} members can never hold: only {n} are listed")
        };
        self.error(
            Some(r.owner),
            Some("at_least"),
            Diagnostic::new(format!("{rp}.at_least"), why)
                .help(format!("use a number from 1 to {n}, or list more members")),
        );
        None
    }

    /// `{failover: [...]}`: a primary and at least one standby.
    fn failover(
        &mut self,
        r: &mut Reading,
        rp: &str,
        members: &[String],
        switchover: Option<&Dist>,
        lag: Option<Hours>,
    ) -> Option<Requirement> {
        if members.len() < 2 {
            self.error(
                Some(r.owner),
                Some("failover"),
                Diagnostic::new(format!("{rp}.failover"), "a failover group needs at least two members")
                    .help("list the primary first, then the standbys; for one member use a plain dependency"),
            );
            return None;
        }
        let members = self.members(r, rp, members, true)?;
        Some(Requirement::Failover {
            members,
            switchover: switchover.cloned().unwrap_or(Dist::Fixed(0.0)),
            lag: lag.map(|l| l.0).unwrap_or(0.0),
        })
    }

    /// The components `names` name, or `None` if any of them is not a
    /// known component, is the owner itself or was named before. `group`:
    /// the names are a group's members, each with its own path.
    fn members(
        &mut self,
        r: &mut Reading,
        rp: &str,
        names: &[String],
        group: bool,
    ) -> Option<Vec<usize>> {
        let mut out = Vec::new();
        let mut ok = true;
        for (m, name) in names.iter().enumerate() {
            let mp = if group {
                format!("{rp}[{m}]")
            } else {
                rp.to_string()
            };
            match self.member(r, mp, name) {
                Some(i) => out.push(i),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    /// The component `name` names, if it is a new dependency of the owner.
    fn member(&mut self, r: &mut Reading, mp: String, name: &str) -> Option<usize> {
        if name == r.owner {
            self.error(
                Some(r.owner),
                None,
                Diagnostic::new(mp, format!("`{}` depends on itself", r.owner))
                    .help("remove it from its own depends_on"),
            );
            return None;
        }
        let i = self.resolve(r.owner, &mp, name, Ref::Component)?;
        if r.seen.insert(i) {
            return Some(i);
        }
        self.error(
            Some(r.owner),
            Some(name),
            Diagnostic::new(
                mp,
                format!("`{name}` is named twice in the depends_on of `{}`", r.owner),
            )
            .help("name each dependency once"),
        );
        None
    }
}
