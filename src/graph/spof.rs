//! Single points of failure: for each component, the components whose loss
//! alone takes it down when everything else is up.
//!
//! Computed bottom-up over sets, without simulation: a component falls with
//! itself and with anything that takes down a plain requirement; a k-of-n
//! group (a failover group is 1-of-n: given time it runs on any member)
//! falls with x when x takes down more than n − k of its members.

use super::DependencyGraph;
use crate::scenario::{ComponentId, Requirement, Scenario};
use std::collections::BTreeMap;

/// `result[c]`: sorted components whose single loss makes `c` unavailable
/// (including `c` itself).
pub fn single_points_of_failure(s: &Scenario, g: &DependencyGraph) -> Vec<Vec<ComponentId>> {
    let mut spof: Vec<Vec<ComponentId>> = vec![Vec::new(); s.components.len()];
    for &c in g.topological_order() {
        let mut set = vec![c];
        for req in &s.components[c].depends_on {
            let (k, members) = match req {
                Requirement::Plain(d) => {
                    set.extend_from_slice(&spof[*d]);
                    continue;
                }
                Requirement::AtLeast { k, of } => (*k, of.as_slice()),
                Requirement::Failover { members, .. } => (1, members.as_slice()),
            };
            let tolerance = members.len() - k;
            let mut downs: BTreeMap<ComponentId, usize> = BTreeMap::new();
            for &m in members {
                for &x in &spof[m] {
                    *downs.entry(x).or_default() += 1;
                }
            }
            set.extend(
                downs
                    .into_iter()
                    .filter(|&(_, n)| n > tolerance)
                    .map(|(x, _)| x),
            );
        }
        set.sort_unstable();
        set.dedup();
        spof[c] = set;
    }
    spof
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
        let spof = single_points_of_failure(&s, &g);
        let svc = s.component_index("svc").unwrap();
        let names: Vec<&str> = spof[svc]
            .iter()
            .map(|&c| s.components[c].id.as_str())
            .collect();
        // power takes down a and b: 2 of 3 members, more than the 1 tolerated.
        assert_eq!(names, vec!["power", "svc"]);
        for c in 0..s.components.len() {
            assert_eq!(
                spof[svc].contains(&c),
                !available_without(&s, &g, &[c], svc)
            );
        }
    }
}
