//! The dependency graph of a scenario, on petgraph: structure only, no
//! simulation. Edges point from a dependency to the component that needs it,
//! so "up" is towards the business services.

mod export;
mod spof;

pub use export::{to_dot, to_mermaid};
pub use spof::{available_without, single_points_of_failure};

use crate::scenario::{ComponentId, Scenario};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, Reversed};
use petgraph::Direction;

/// How a dependent needs a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// A plain requirement: the dependent needs this dependency itself.
    Plain,
    /// Member of the `group`-th requirement of the dependent, an at_least group.
    AtLeast {
        /// 0-based index of the requirement in the dependent's `depends_on`.
        group: usize,
    },
    /// Member of the `group`-th requirement of the dependent, a failover group.
    Failover {
        /// 0-based index of the requirement in the dependent's `depends_on`.
        group: usize,
    },
}

/// The scenario's components as a directed acyclic graph.
#[derive(Debug, Clone)]
pub struct DependencyGraph {
    graph: DiGraph<ComponentId, Link>,
    topo: Vec<ComponentId>,
    supports: Vec<Vec<ComponentId>>,
}

impl DependencyGraph {
    /// Builds the graph. The scenario is validated, hence acyclic.
    pub fn build(scenario: &Scenario) -> Self {
        let n = scenario.components.len();
        let mut graph = DiGraph::with_capacity(n, n * 2);
        for i in 0..n {
            graph.add_node(i);
        }
        for (i, c) in scenario.components.iter().enumerate() {
            for (g, req) in c.depends_on.iter().enumerate() {
                let link = match req {
                    crate::scenario::Requirement::Plain(_) => Link::Plain,
                    crate::scenario::Requirement::AtLeast { .. } => Link::AtLeast { group: g },
                    crate::scenario::Requirement::Failover { .. } => Link::Failover { group: g },
                };
                for &m in req.members() {
                    graph.add_edge(NodeIndex::new(m), NodeIndex::new(i), link);
                }
            }
        }
        let topo = petgraph::algo::toposort(&graph, None)
            .expect("a validated scenario is acyclic")
            .into_iter()
            .map(|n| n.index())
            .collect();
        let mut supports = vec![Vec::new(); n];
        for (s, c) in scenario.components.iter().enumerate() {
            if !c.is_service() {
                continue;
            }
            // Everything below the service supports it.
            let reversed = Reversed(&graph);
            let mut dfs = Dfs::new(reversed, NodeIndex::new(s));
            while let Some(node) = dfs.next(reversed) {
                supports[node.index()].push(s);
            }
        }
        DependencyGraph {
            graph,
            topo,
            supports,
        }
    }

    /// Components with every dependency before its dependents.
    pub fn topological_order(&self) -> &[ComponentId] {
        &self.topo
    }

    /// The services that depend on `c`, directly or through others (a
    /// service supports itself).
    pub fn services_supported_by(&self, c: ComponentId) -> &[ComponentId] {
        &self.supports[c]
    }

    /// Components that need `c` directly, with how they need it.
    pub fn dependents(&self, c: ComponentId) -> impl Iterator<Item = (ComponentId, Link)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(c), Direction::Outgoing)
            .map(|e| {
                use petgraph::visit::EdgeRef;
                (e.target().index(), *e.weight())
            })
    }

    /// Components that no service depends on (and that are not services):
    /// usually a forgotten dependency.
    pub fn unused(&self) -> Vec<ComponentId> {
        (0..self.supports.len())
            .filter(|&c| self.supports[c].is_empty())
            .collect()
    }

    /// The longest chain of dependencies below any service, in edges.
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.topo.len()];
        for &c in &self.topo {
            for (d, _) in self.dependents(c) {
                depth[d] = depth[d].max(depth[c] + 1);
            }
        }
        depth.into_iter().max().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    const YAML: &str = "name: g\nsites: [{id: dc1}]\ncomponents:\n  - {id: power, kind: power, site: dc1}\n  - {id: a, kind: server, site: dc1, depends_on: [power]}\n  - {id: b, kind: server, depends_on: [power]}\n  - {id: spare, kind: server}\n  - {id: svc, kind: service, depends_on: [{at_least: 1, of: [a, b]}]}\n  - {id: other, kind: service, depends_on: [b]}\n";

    #[test]
    fn topological_order_puts_dependencies_first() {
        let s = load_str(YAML, "g").unwrap().scenario;
        let g = DependencyGraph::build(&s);
        let pos = |id: &str| {
            let i = s.component_index(id).unwrap();
            g.topological_order().iter().position(|&c| c == i).unwrap()
        };
        assert!(pos("power") < pos("a"));
        assert!(pos("a") < pos("svc"));
        assert!(pos("b") < pos("other"));
        assert_eq!(g.depth(), 2);
    }

    #[test]
    fn supports_and_unused() {
        let s = load_str(YAML, "g").unwrap().scenario;
        let g = DependencyGraph::build(&s);
        let idx = |id: &str| s.component_index(id).unwrap();
        let mut power = g.services_supported_by(idx("power")).to_vec();
        power.sort();
        assert_eq!(power, vec![idx("svc"), idx("other")]);
        assert_eq!(g.services_supported_by(idx("a")), &[idx("svc")]);
        assert_eq!(g.unused(), vec![idx("spare")]);
    }
}
