//! Single points of failure: for a component, the components whose loss
//! alone takes it down when everything else is up.
//!
//! Computed without simulation. A component falls with itself and with
//! anything that takes down a plain requirement; a k-of-n group (a failover
//! group is 1-of-n: given time it runs on any member) falls with x when x
//! takes down more than n − k of its members. Unfolding the plain
//! requirements, the set of `t` is every component reached from `t` over
//! plain links, plus what each group met on the way loses to. So only
//! groups keep a set (usually small: what their members share), and each
//! target is one walk. Keeping a full set for every component instead
//! copies a chain of n links into n sets: n² memory.

use super::DependencyGraph;
use crate::scenario::{ComponentId, Requirement, Scenario};

/// `result[i]`: sorted components whose single loss makes `targets[i]`
/// unavailable (including `targets[i]` itself).
///
/// Memory is linear in the graph plus the groups' sets; time is one walk
/// below each target and each member of a group below one (so a long chain
/// under many groups is still walked once per member).
pub fn single_points_of_failure(
    s: &Scenario,
    g: &DependencyGraph,
    targets: &[ComponentId],
) -> Vec<Vec<ComponentId>> {
    let n = s.components.len();

    // Only groups below a target matter.
    let mut below = vec![false; n];
    let mut stack: Vec<ComponentId> = targets.to_vec();
    for &t in targets {
        below[t] = true;
    }
    while let Some(c) = stack.pop() {
        for req in &s.components[c].depends_on {
            for &m in req.members() {
                if !below[m] {
                    below[m] = true;
                    stack.push(m);
                }
            }
        }
    }

    // `lost_with_groups[c]`: what takes down one of `c`'s groups, sorted.
    // Dependencies first, so a member's walk finds its groups' sets done.
    let mut lost_with_groups: Vec<Vec<ComponentId>> = vec![Vec::new(); n];
    let mut walk = Walk::new(n);
    let mut downs = vec![0usize; n];
    let mut touched: Vec<ComponentId> = Vec::new();
    for &c in g.topological_order() {
        if !below[c] {
            continue;
        }
        let mut set = Vec::new();
        for req in &s.components[c].depends_on {
            let (k, members) = match req {
                Requirement::Plain(_) => continue,
                Requirement::AtLeast { k, of } => (*k, of.as_slice()),
                Requirement::Failover { members, .. } => (1, members.as_slice()),
            };
            let tolerance = members.len() - k;
            for &m in members {
                walk.each_lost_with(s, &lost_with_groups, m, |x| {
                    if downs[x] == 0 {
                        touched.push(x);
                    }
                    downs[x] += 1;
                });
            }
            for x in touched.drain(..) {
                if downs[x] > tolerance {
                    set.push(x);
                }
                downs[x] = 0;
            }
        }
        set.sort_unstable();
        set.dedup();
        lost_with_groups[c] = set;
    }

    targets
        .iter()
        .map(|&t| {
            let mut set = Vec::new();
            walk.each_lost_with(s, &lost_with_groups, t, |x| set.push(x));
            set.sort_unstable();
            set
        })
        .collect()
}

/// A reusable walk over what a component falls with: the components
/// reached over plain links, and their groups' sets. Stamps mark what one
/// walk has seen, so nothing is cleared between walks.
struct Walk {
    /// Reached over plain links (its own requirements still to follow).
    reached: Vec<u32>,
    /// Already reported to the caller.
    reported: Vec<u32>,
    stamp: u32,
    stack: Vec<ComponentId>,
}

impl Walk {
    fn new(n: usize) -> Self {
        Walk {
            reached: vec![0; n],
            reported: vec![0; n],
            stamp: 0,
            stack: Vec::new(),
        }
    }

    /// Calls `visit` once for each component whose loss alone takes
    /// `from` down, given `lost_with_groups` for every component below it.
    fn each_lost_with(
        &mut self,
        s: &Scenario,
        lost_with_groups: &[Vec<ComponentId>],
        from: ComponentId,
        mut visit: impl FnMut(ComponentId),
    ) {
        if self.stamp == u32::MAX {
            self.reached.fill(0);
            self.reported.fill(0);
            self.stamp = 0;
        }
        self.stamp += 1;
        let stamp = self.stamp;
        self.reached[from] = stamp;
        self.stack.push(from);
        while let Some(c) = self.stack.pop() {
            if self.reported[c] != stamp {
                self.reported[c] = stamp;
                visit(c);
            }
            // A group's set is closed (whatever takes down one of its
            // components takes down what that component does), so its
            // components are reported, not followed.
            for &x in &lost_with_groups[c] {
                if self.reported[x] != stamp {
                    self.reported[x] = stamp;
                    visit(x);
                }
            }
            for req in &s.components[c].depends_on {
                if let Requirement::Plain(d) = *req {
                    if self.reached[d] != stamp {
                        self.reached[d] = stamp;
                        self.stack.push(d);
                    }
                }
            }
        }
    }
}

/// Is `target` available when exactly the components in `down` are lost
/// and everything else is up? (The structure function, evaluated directly.)
pub fn available_without(
    s: &Scenario,
    g: &DependencyGraph,
    down: &[ComponentId],
    target: ComponentId,
) -> bool {
    let mut up = vec![true; s.components.len()];
    for &c in g.topological_order() {
        if down.contains(&c) {
            up[c] = false;
            continue;
        }
        up[c] = s.components[c].depends_on.iter().all(|req| match req {
            Requirement::Plain(d) => up[*d],
            Requirement::AtLeast { k, of } => of.iter().filter(|&&m| up[m]).count() >= *k,
            Requirement::Failover { members, .. } => members.iter().any(|&m| up[m]),
        });
    }
    up[target]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    #[test]
    fn quorum_and_failover_protect_but_shared_dependencies_do_not() {
        let yaml = "name: t\ncomponents:\n  - {id: power, kind: power}\n  - {id: a, kind: server, depends_on: [power]}\n  - {id: b, kind: server, depends_on: [power]}\n  - {id: c, kind: server}\n  - {id: db1, kind: database}\n  - {id: db2, kind: database}\n  - id: svc\n    kind: service\n    depends_on: [{at_least: 2, of: [a, b, c]}, {failover: [db1, db2]}]\n";
        let s = load_str(yaml, "t").unwrap().scenario;
        let g = DependencyGraph::build(&s);
        let svc = s.component_index("svc").unwrap();
        let spof = single_points_of_failure(&s, &g, &[svc]);
        let names: Vec<&str> = spof[0]
            .iter()
            .map(|&c| s.components[c].id.as_str())
            .collect();
        // power takes down a and b: 2 of 3 members, more than the 1 tolerated.
        assert_eq!(names, vec!["power", "svc"]);
        for c in 0..s.components.len() {
            assert_eq!(spof[0].contains(&c), !available_without(&s, &g, &[c], svc));
        }
    }
}
