//! Counter-based random streams.
//!
//! Every draw is a pure function of (seed, trial, entity, counter): the
//! SplitMix64 finalizer applied to a per-entity key plus a counter. No state
//! is carried between trials or threads, so results do not depend on the
//! number of threads, and a component's draws do not depend on what other
//! components do (common random numbers across variants of a scenario).

use super::ziggurat::{F as ZIG_F, X as ZIG_X};
use crate::scenario::Dist;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijective 64-bit mixer.
#[inline]
pub(super) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit tag for a named random entity (FNV-1a, then mixed).
pub(super) fn tag(parts: &[&str]) -> u64 {
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
pub(super) fn trial_key(seed: u64, trial: u64) -> u64 {
    mix64(mix64(seed ^ 0x5EED_5EED_5EED_5EED).wrapping_add(trial.wrapping_mul(GOLDEN)))
}

/// The `counter`-th random 64-bit word of entity `tag` in a trial.
#[inline]
pub(super) fn word(trial_key: u64, tag: u64, counter: u64) -> u64 {
    let key = mix64(trial_key ^ tag);
    mix64(key.wrapping_add(counter.wrapping_add(1).wrapping_mul(GOLDEN)))
}

/// An entity's stream in one trial, drawn in order: its words are those of
/// [`word`] with counters 0, 1, 2, ... (SplitMix64 from the entity's key),
/// without mixing the key again for every draw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Stream(u64);

impl Stream {
    /// A placeholder, before the entity's stream is set.
    pub(super) const ZERO: Stream = Stream(0);

    #[inline]
    pub(super) fn new(trial_key: u64, tag: u64) -> Self {
        Stream(mix64(trial_key ^ tag))
    }

    /// The next word.
    #[inline]
    pub(super) fn next_word(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }
}

/// A uniform number in (0, 1) from the top 53 bits of a random word.
#[inline]
pub(super) fn unit(word: u64) -> f64 {
    ((word >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// The `counter`-th uniform number in (0, 1) of entity `tag` in a trial.
#[inline]
pub(super) fn uniform(trial_key: u64, tag: u64, counter: u64) -> f64 {
    unit(word(trial_key, tag, counter))
}

/// A draw of the distribution `dist` from one random word: exponentials by
/// the ziggurat method ([`exp1`]), the rest by inverse transform.
#[inline]
pub(super) fn sample(dist: &Dist, word: u64) -> f64 {
    match *dist {
        Dist::Exp { mean } => mean * exp1(word),
        _ => dist.sample(unit(word)),
    }
}

/// Layers of the exponential ziggurat.
const LAYERS: usize = 256;
/// Where the base layer's tail starts, for 256 layers (Marsaglia and Tsang,
/// "The ziggurat method for generating random variables", J. Stat. Softw.
/// 5(8), 2000).
const ZIG_R: f64 = 7.697_117_470_131_05;

/// A standard exponential variate (mean 1) from one random word, by the
/// ziggurat method: about 98% of draws cost a multiplication and a
/// comparison, where inverse transform costs a logarithm. The rare rejected
/// tries draw further words from this word alone, so a draw always uses
/// exactly one word of its entity's stream (common random numbers stay
/// aligned between scenario variants).
#[inline(always)]
pub(super) fn exp1(word: u64) -> f64 {
    // The first try inline; the rare rest out of the caller's way.
    let i = word as usize & (LAYERS - 1);
    let v = unit(word) * ZIG_X[i];
    if v < ZIG_X[i + 1] {
        return v;
    }
    exp1_rejected(word, i, v)
}

/// [`exp1`] once a try at layer `i` gave `v`, outside the layer's core: the
/// tail or the wedge test, then further tries, each from `word` mixed with
/// the count of words used so far.
#[cold]
#[inline(never)]
fn exp1_rejected(word: u64, mut i: usize, mut v: f64) -> f64 {
    let (x, f) = (&ZIG_X, &ZIG_F);
    let mut tries: u64 = 0;
    loop {
        tries += 1;
        let extra = mix64(word ^ tries.wrapping_mul(GOLDEN));
        if i == 0 {
            // The tail beyond R is R plus an exponential (memorylessness).
            return ZIG_R - unit(extra).ln();
        }
        if f[i + 1] + (f[i] - f[i + 1]) * unit(extra) < (-v).exp() {
            return v;
        }
        tries += 1;
        let bits = mix64(word ^ tries.wrapping_mul(GOLDEN));
        i = bits as usize & (LAYERS - 1);
        v = unit(bits) * x[i];
        if v < x[i + 1] {
            return v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ziggurat as one loop, as first written: [`exp1`] splits it into
    /// an inline first try and a cold rest, and must give the same draws.
    fn exp1_in_one_loop(word: u64) -> f64 {
        let (x, f) = (&ZIG_X, &ZIG_F);
        let mut bits = word;
        let mut tries: u64 = 0;
        loop {
            let i = bits as usize & (LAYERS - 1);
            let v = unit(bits) * x[i];
            if v < x[i + 1] {
                return v;
            }
            tries += 1;
            let extra = mix64(word ^ tries.wrapping_mul(GOLDEN));
            if i == 0 {
                return ZIG_R - unit(extra).ln();
            }
            if f[i + 1] + (f[i] - f[i + 1]) * unit(extra) < (-v).exp() {
                return v;
            }
            tries += 1;
            bits = mix64(word ^ tries.wrapping_mul(GOLDEN));
        }
    }

    #[test]
    fn the_split_ziggurat_draws_as_the_single_loop() {
        let mut rejected = 0;
        for i in 0..200_000u64 {
            let w = mix64(i);
            let layer = w as usize & (LAYERS - 1);
            rejected += u32::from(unit(w) * ZIG_X[layer] >= ZIG_X[layer + 1]);
            assert_eq!(
                exp1(w).to_bits(),
                exp1_in_one_loop(w).to_bits(),
                "word {w:#x}"
            );
        }
        // About 2.2% of first tries are rejected: the slow path ran thousands of times.
        assert!(rejected > 3000, "{rejected}");
    }

    #[test]
    fn a_stream_gives_the_words_of_its_entity_in_order() {
        let key = trial_key(7, 3);
        let entity = tag(&["c", "x"]);
        let mut stream = Stream::new(key, entity);
        for counter in 0..100 {
            assert_eq!(stream.next_word(), word(key, entity, counter));
        }
    }

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

    /// The ziggurat against the exponential distribution: the mean, and the
    /// share of draws below each of 40 points (up to the tail beyond R), each
    /// within 4.5 standard errors over a million draws.
    #[test]
    fn ziggurat_draws_are_exponential() {
        let key = trial_key(7, 3);
        let n = 1_000_000u64;
        let points: Vec<f64> = (1..=40).map(|k| f64::from(k) * 0.25).collect();
        let mut below = vec![0u64; points.len()];
        let mut sum = 0.0;
        for i in 0..n {
            let x = exp1(word(key, tag(&["zig"]), i));
            assert!(x >= 0.0 && x.is_finite());
            sum += x;
            for (b, &p) in below.iter_mut().zip(&points) {
                *b += u64::from(x < p);
            }
        }
        let mean = sum / n as f64;
        assert!(
            (mean - 1.0).abs() < 4.5 * (1.0 / n as f64).sqrt(),
            "mean {mean}"
        );
        for (&b, &p) in below.iter().zip(&points) {
            let expected = 1.0 - (-p).exp();
            let se = (expected * (1.0 - expected) / n as f64).sqrt();
            let got = b as f64 / n as f64;
            assert!(
                (got - expected).abs() < 4.5 * se,
                "P(X < {p}) = {got}, expected {expected}"
            );
        }
    }

    /// The area of each layer of the 256-layer ziggurat (Marsaglia and Tsang).
    const ZIG_V: f64 = 0.003_949_659_822_581_557;

    #[test]
    fn ziggurat_tables_are_the_recursion_and_close_at_zero() {
        // Recompute the tables (Marsaglia and Tsang's recursion from R and V):
        // the written-out ones must match to rounding (the platform's exp
        // and ln may differ in the last bit), and the last layer must have
        // the same area as the others.
        let mut x = [0.0; LAYERS + 1];
        x[0] = ZIG_V * ZIG_R.exp();
        x[1] = ZIG_R;
        for i in 2..LAYERS {
            x[i] = -(ZIG_V / x[i - 1] + (-x[i - 1]).exp()).ln();
        }
        for i in 0..=LAYERS {
            assert!((x[i] - ZIG_X[i]).abs() <= 1e-12 * ZIG_X[i], "x[{i}]");
            let f = (-ZIG_X[i]).exp();
            assert!((f - ZIG_F[i]).abs() <= 1e-14 * f, "f[{i}]");
        }
        let last = ZIG_X[LAYERS - 1] * (1.0 - ZIG_F[LAYERS - 1]);
        assert!((last - ZIG_V).abs() < 1e-9, "last layer {last}");
        assert!(ZIG_X.windows(2).all(|w| w[0] > w[1]));
        assert_eq!(ZIG_X[LAYERS], 0.0);
        assert_eq!(ZIG_F[LAYERS], 1.0);
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
