//! Single points of failure from the set computation agree with brute
//! force (lose each component alone, evaluate the structure function).

use super::common::random::{self, Shape, Spec};
use drsim::graph::{available_without, single_points_of_failure, DependencyGraph};
use drsim::scenario::load_str;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::ops::{Range, RangeInclusive};

/// Scenarios of `components` components with `requirements` requirements
/// each (plain ones or groups, groups under groups, as many plain as of each
/// kind of group, three members drawn for each), any of them a service and
/// the last one always.
fn shape(components: RangeInclusive<usize>, requirements: Range<usize>) -> Shape {
    Shape {
        components,
        requirements,
        plain: 1,
        members: 3..4,
        inner_services: true,
        services: 0..=0,
        ..Shape::default()
    }
}

/// Each component's set, asked for all at once and alone, against brute
/// force.
fn check_against_brute_force(spec: &Spec) -> Result<(), TestCaseError> {
    let (s, yaml) = spec.load();
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
    #![proptest_config(random::config(1000))]

    #[test]
    fn spof_sets_match_brute_force(spec in random::spec(shape(2..=13, 0..3))) {
        check_against_brute_force(&spec)?;
    }
}

proptest! {
    // Larger graphs: groups under groups, and sets met both over plain
    // links and through a group's set.
    #![proptest_config(random::config(100))]

    #[test]
    fn spof_sets_match_brute_force_on_larger_graphs(spec in random::spec(shape(30..=69, 0..4))) {
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
