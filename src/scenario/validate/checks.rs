//! Checks across sections: components that some failure or threat takes
//! down but that have no time to come back, dependency cycles, and that
//! there is a service to report on.

use super::{find_cycle, Validator};
use crate::scenario::error::Diagnostic;
use crate::scenario::model::*;

/// The components some failure or threat can damage or destroy, for the
/// warning about a missing repair or rebuild time.
pub(super) struct Reach {
    damaged: Vec<bool>,
    destroyed: Vec<bool>,
}

impl Reach {
    pub(super) fn new(components: usize) -> Self {
        Reach {
            damaged: vec![false; components],
            destroyed: vec![false; components],
        }
    }

    /// Component `c` can suffer `effect` (a disruption clears by itself).
    pub(super) fn mark(&mut self, c: ComponentId, effect: Effect) {
        match effect {
            Effect::Damage => self.damaged[c] = true,
            Effect::Destroy => self.destroyed[c] = true,
            Effect::Disrupt => {}
        }
    }
}

impl Validator<'_> {
    /// Warns of components that can be damaged (destroyed) but have no
    /// repair (rebuild) time, from themselves, their failures or a threat.
    pub(super) fn repair_times(
        &mut self,
        components: &[Component],
        threats: &[Threat],
        reach: &Reach,
    ) {
        let threat_overrides = threat_overrides(components.len(), threats);
        for (i, c) in components.iter().enumerate() {
            let damage_without_repair = reach.damaged[i] && c.repair.is_none();
            let destroy_without_rebuild =
                reach.destroyed[i] && c.rebuild.is_none() && c.repair.is_none();
            let failure_overrides =
                !c.failures.is_empty() && c.failures.iter().all(|f| f.effect.own_time().is_some());
            if !(damage_without_repair || destroy_without_rebuild)
                || threat_overrides[i]
                || failure_overrides
            {
                continue;
            }
            let (can_be, time) = if damage_without_repair {
                ("damaged", "repair")
            } else {
                ("destroyed", "rebuild")
            };
            let message = format!(
                "`{}` can be {can_be} but has no {time} time; it will come back instantly",
                c.id
            );
            self.warn(
                Some(&c.id),
                Diagnostic::new(format!("components[{i}]"), message)
                    .help("add e.g. repair: {lognormal: [1h, 8h]}"),
            );
        }
    }

    /// A dependency cycle is an error; looked for only in a file without
    /// other errors, whose references all resolve.
    pub(super) fn cycles(&mut self, components: &[Component]) {
        if !self.errors.is_empty() {
            return;
        }
        let Some(cycle) = find_cycle(components) else {
            return;
        };
        let names: Vec<&str> = cycle.iter().map(|&i| components[i].id.as_str()).collect();
        let first = cycle[0];
        self.error(
            Some(&components[first].id),
            None,
            Diagnostic::new(
                format!("components[{first}].depends_on"),
                format!("dependency cycle: {}", names.join(" -> ")),
            )
            .help("a component cannot depend on itself, even through others; remove one of these dependencies"),
        );
    }

    /// Warns when no component is a service: nothing would be reported.
    pub(super) fn services(&mut self, components: &[Component]) {
        if components.is_empty() || components.iter().any(Component::is_service) {
            return;
        }
        self.warn(
            None,
            Diagnostic::new(
                "components",
                "no component has kind: service, so there is nothing to report on",
            )
            .help("add the business services that depend on the rest"),
        );
    }
}

/// The components some threat hits with its own repair or rebuild time:
/// one pass over the targets (a scan per component was quadratic in large
/// estates).
fn threat_overrides(components: usize, threats: &[Threat]) -> Vec<bool> {
    let mut overrides = vec![false; components];
    let overriding = threats.iter().filter(|t| match &t.effect {
        ThreatEffect::Disrupt { .. } => false,
        ThreatEffect::Damage { repair } => repair.is_some(),
        ThreatEffect::Destroy { rebuild, .. } => rebuild.is_some(),
    });
    for t in overriding {
        for c in t.components() {
            overrides[c] = true;
        }
    }
    overrides
}
