//! Single points of failure from the set computation agree with brute
//! force (lose each component alone, evaluate the structure function).

use drsim::graph::{available_without, single_points_of_failure, DependencyGraph};
use drsim::scenario::load_str;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// A random acyclic scenario: component i depends only on lower indices.
fn scenario_yaml(spec: &[(u8, Vec<(u8, u8)>)]) -> String {
    let mut y = String::from("name: random\ncomponents:\n");
    for (i, (kind, reqs)) in spec.iter().enumerate() {
        let kind = if i + 1 == spec.len() || *kind == 0 {
            "service"
        } else {
            "server"
        };
        y.push_str(&format!(
            "  - id: c{i}\n    kind: {kind}\n    depends_on:\n"
        ));
        if i == 0 {
            y.push_str("      []\n");
            continue;
        }
        let mut used = std::collections::BTreeSet::new();
        let mut wrote = false;
        for (form, seed) in reqs {
            let pick = |k: u8| (usize::from(seed.wrapping_mul(31).wrapping_add(k * 17))) % i;
            let members: Vec<usize> = (0..3u8).map(pick).filter(|m| used.insert(*m)).collect();
            if members.is_empty() {
                continue;
            }
            let list = members
                .iter()
                .map(|m| format!("c{m}"))
                .collect::<Vec<_>>()
                .join(", ");
            wrote = true;
            match form % 3 {
                0 => {
                    for m in &members {
                        y.push_str(&format!("      - c{m}\n"));
                    }
                }
                1 => {
                    let k = 1 + usize::from(*seed) % members.len();
                    y.push_str(&format!("      - {{at_least: {k}, of: [{list}]}}\n"));
                }
                _ if members.len() >= 2 => y.push_str(&format!("      - {{failover: [{list}]}}\n")),
                _ => y.push_str(&format!("      - c{}\n", members[0])),
            }
        }
        if !wrote {
            y.push_str("      []\n");
        }
    }
    y
}

/// Each component's set, asked for all at once and alone, against brute
/// force.
fn check_against_brute_force(spec: &[(u8, Vec<(u8, u8)>)]) -> Result<(), TestCaseError> {
    let yaml = scenario_yaml(spec);
    let s = load_str(&yaml, "random")
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"))
        .scenario;
    let g = DependencyGraph::build(&s);
    let all: Vec<usize> = (0..s.components.len()).collect();
    let spof = single_points_of_failure(&s, &g, &all);
    prop_assert_eq!(spof.len(), all.len());
    for (target, set) in spof.iter().enumerate() {
        for c in 0..s.components.len() {
            prop_assert_eq!(
                set.contains(&c),
                !available_without(&s, &g, &[c], target),
                "component {} for {} in\n{}",
                c,
                target,
                yaml
            );
        }
        prop_assert!(
            set.windows(2).all(|w| w[0] < w[1]),
            "sorted, no repeats: {:?}",
            set
        );
        // Asked alone (only the groups below it looked at), the same set.
        let alone = single_points_of_failure(&s, &g, &[target]);
        prop_assert_eq!(&alone[0], set, "{} asked alone in\n{}", target, yaml);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]

    #[test]
    fn spof_sets_match_brute_force(spec in proptest::collection::vec((0u8..4, proptest::collection::vec((0u8..3, any::<u8>()), 0..3)), 2..14)) {
        check_against_brute_force(&spec)?;
    }
}

proptest! {
    // Larger graphs: groups under groups, and sets met both over plain
    // links and through a group's set.
    #![proptest_config(ProptestConfig { cases: 100, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(11), ..ProptestConfig::default() })]

    #[test]
    fn spof_sets_match_brute_force_on_larger_graphs(spec in proptest::collection::vec((0u8..4, proptest::collection::vec((0u8..3, any::<u8>()), 0..4)), 30..70)) {
        check_against_brute_force(&spec)?;
    }
}

/// A chain of 20,000 links under one service: every link is a single point
/// of failure. Keeping a set for every component took 1.6 GB here; one walk
/// from the service is linear.
#[test]
fn a_long_chain_is_one_walk() {
    let links = 20_000;
    let mut yaml = String::from("name: chain\ncomponents:\n  - {id: c0, kind: server}\n");
    for i in 1..=links {
        yaml.push_str(&format!(
            "  - {{id: c{i}, kind: server, depends_on: [c{}]}}\n",
            i - 1
        ));
    }
    yaml.push_str(&format!(
        "  - {{id: svc, kind: service, depends_on: [c{links}]}}\n"
    ));
    let s = load_str(&yaml, "chain").unwrap().scenario;
    let g = DependencyGraph::build(&s);
    let svc = s.component_index("svc").unwrap();
    let spof = single_points_of_failure(&s, &g, &[svc]);
    assert_eq!(spof[0], (0..s.components.len()).collect::<Vec<_>>());
}
