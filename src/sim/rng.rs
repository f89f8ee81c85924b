//! Counter-based random streams.
//!
//! Every draw is a pure function of (seed, trial, entity, counter): the
//! SplitMix64 finalizer applied to a per-entity key plus a counter. No state
//! is carried between trials or threads, so results do not depend on the
//! number of threads, and a component's draws do not depend on what other
//! components do (common random numbers across variants of a scenario).

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit tag for a named random entity (FNV-1a, then mixed).
pub fn tag(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1F;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    mix64(h)
}

/// The key of one trial.
#[inline]
pub fn trial_key(seed: u64, trial: u64) -> u64 {
    mix64(mix64(seed ^ 0x5EED_5EED_5EED_5EED).wrapping_add(trial.wrapping_mul(GOLDEN)))
}

/// The `counter`-th uniform number in (0, 1) of entity `tag` in a trial.
#[inline]
pub fn uniform(trial_key: u64, tag: u64, counter: u64) -> f64 {
    let key = mix64(trial_key ^ tag);
    let x = mix64(key.wrapping_add(counter.wrapping_add(1).wrapping_mul(GOLDEN)));
    ((x >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_are_in_the_open_interval_and_look_uniform() {
        let key = trial_key(1, 0);
        let n = 200_000;
        let mut sum = 0.0;
        let mut buckets = [0u32; 10];
        for i in 0..n {
            let u = uniform(key, tag(&["c", "x"]), i);
            assert!(u > 0.0 && u < 1.0);
            sum += u;
            buckets[(u * 10.0) as usize] += 1;
        }
        // mean of U(0,1): se = sqrt(1/12 / n) = 6.5e-4; allow 4 se
        assert!((sum / n as f64 - 0.5).abs() < 4.0 * (1.0 / 12.0 / n as f64).sqrt());
        // chi-square with 9 degrees of freedom: 99.9% quantile is 27.9
        let expected = n as f64 / 10.0;
        let chi2: f64 = buckets
            .iter()
            .map(|&b| (b as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 27.9, "chi2 {chi2}");
    }

    #[test]
    fn streams_differ_by_entity_trial_and_seed() {
        let a = uniform(trial_key(1, 0), tag(&["c", "a"]), 0);
        assert_ne!(a, uniform(trial_key(1, 0), tag(&["c", "b"]), 0));
        assert_ne!(a, uniform(trial_key(1, 1), tag(&["c", "a"]), 0));
        assert_ne!(a, uniform(trial_key(2, 0), tag(&["c", "a"]), 0));
        assert_ne!(tag(&["ab", "c"]), tag(&["a", "bc"]));
        assert_eq!(a, uniform(trial_key(1, 0), tag(&["c", "a"]), 0));
    }
}
