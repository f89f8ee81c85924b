//! Count, mean and variance of any real quantity (Welford), mergeable
//! (Chan et al.); merging in a fixed order gives bit-identical results.

#[cfg(test)]
use super::Quantity;
use super::Z95;

/// Running count, mean and variance of a sample of any real quantity,
/// negative values included (unlike [`Sketch`](super::Sketch)): hence
/// the paired differences between a variant and the base scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Moments {
    count: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// An empty sample.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Appends the values of `other` (Chan et al.'s parallel update).
    pub fn merge(&mut self, other: &Moments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n1 = self.count as f64;
        let n2 = other.count as f64;
        let n = n1 + n2;
        let delta = other.mean - self.mean;
        self.mean += delta * n2 / n;
        self.m2 += other.m2 + delta * delta * n1 * n2 / n;
        self.count += other.count;
    }

    /// How many values were added.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// The sample mean, in the quantity's unit; 0 for an empty sample.
    pub fn mean(&self) -> f64 {
        self.mean
    }
    /// Sample variance (divided by n − 1), in the quantity's unit squared;
    /// 0 below two values.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }
    /// Sample standard deviation, in the quantity's unit.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }
    /// Half-width of the 95% normal interval of the mean.
    pub fn half_width(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            Z95 * self.sd() / (self.count as f64).sqrt()
        }
    }
    /// The 95% normal interval of the mean, in the quantity's unit; the
    /// mean itself twice below two values. For a signed quantity (a
    /// difference); one with a range uses [`ci95_of`](Self::ci95_of).
    #[cfg(test)]
    pub fn ci95(&self) -> [f64; 2] {
        let h = self.half_width();
        [self.mean - h, self.mean + h]
    }

    /// The 95% interval of the mean of a `quantity`: the normal interval
    /// cut to the values it can take ([`Quantity::interval`]).
    #[cfg(test)]
    pub fn ci95_of(&self, quantity: Quantity) -> [f64; 2] {
        quantity.interval(self.mean, self.half_width())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_moments_equal_one_pass() {
        let xs = [-3.0, 1.5, 2.0, -0.5, 8.0, 4.25];
        let mut one = Moments::new();
        xs.iter().for_each(|&x| one.add(x));
        let (mut a, mut b) = (Moments::new(), Moments::new());
        xs[..2].iter().for_each(|&x| a.add(x));
        xs[2..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        let mean = xs.iter().sum::<f64>() / 6.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 5.0;
        assert!((a.mean() - mean).abs() < 1e-12 && (one.mean() - mean).abs() < 1e-12);
        assert!((a.variance() - var).abs() < 1e-12 && (one.variance() - var).abs() < 1e-12);
    }
}
