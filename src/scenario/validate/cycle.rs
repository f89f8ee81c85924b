//! Dependency cycles: a component cannot depend on itself, even through
//! others.

use crate::scenario::model::{Component, ComponentId};

use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::{HashMap, HashSet, VecDeque};

/// A dependency loop in `depends_on` order, starting and ending at the
/// first component of the loop in file order, or `None` if acyclic.
pub(super) fn find_cycle(components: &[Component]) -> Option<Vec<ComponentId>> {
    let mut g = DiGraph::<(), ()>::with_capacity(components.len(), 0);
    for _ in components {
        g.add_node(());
    }
    for (i, c) in components.iter().enumerate() {
        for dep in c.dependencies() {
            g.add_edge(NodeIndex::new(i), NodeIndex::new(dep), ());
        }
    }
    if petgraph::algo::toposort(&g, None).is_ok() {
        return None;
    }
    let sccs = petgraph::algo::tarjan_scc(&g);
    let scc = sccs
        .iter()
        .filter(|s| s.len() > 1 || g.contains_edge(s[0], s[0]))
        .min_by_key(|s| s.iter().map(|n| n.index()).min())?;
    let members: HashSet<usize> = scc.iter().map(|n| n.index()).collect();
    let start = *members.iter().min()?;
    shortest_loop(&g, &members, start)
}

/// The shortest path from `start` back to `start` inside `members` (a
/// strongly connected component), breadth first.
fn shortest_loop(
    g: &DiGraph<(), ()>,
    members: &HashSet<usize>,
    start: usize,
) -> Option<Vec<ComponentId>> {
    let mut prev: HashMap<usize, usize> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for next in g.neighbors(NodeIndex::new(n)) {
            let next = next.index();
            if !members.contains(&next) {
                continue;
            }
            if next == start {
                return Some(path_back(&prev, start, n));
            }
            if let std::collections::hash_map::Entry::Vacant(e) = prev.entry(next) {
                e.insert(n);
                queue.push_back(next);
            }
        }
    }
    None
}

/// The loop `start`, ..., `last`, `start`, following `prev` back from
/// `last` (the node whose edge closes the loop).
fn path_back(prev: &HashMap<usize, usize>, start: usize, last: usize) -> Vec<ComponentId> {
    let mut path = vec![start];
    let mut cur = last;
    while cur != start {
        path.push(cur);
        cur = prev[&cur];
    }
    path.push(start);
    let end = path.len() - 1;
    path[1..end].reverse();
    path
}
