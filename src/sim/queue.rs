//! The event queue: a 4-ary min-heap of 16-byte entries. Times are
//! non-negative, so their IEEE bits order like the times; an event is packed
//! into one `u64`. Equal times are ordered by the packed event, which keeps
//! every trial deterministic whatever the order events were scheduled in.

/// An event: 3 bits of kind, 29 bits of generation, 32 bits of index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packed(pub u64);

impl Packed {
    const GEN_MASK: u64 = (1 << 29) - 1;

    #[inline]
    pub fn new(kind: u8, gen: u32, index: u32) -> Self {
        Packed(
            (u64::from(kind) << 61) | ((u64::from(gen) & Self::GEN_MASK) << 32) | u64::from(index),
        )
    }
    #[inline]
    pub fn kind(self) -> u8 {
        (self.0 >> 61) as u8
    }
    #[inline]
    pub fn gen(self) -> u32 {
        ((self.0 >> 32) & Self::GEN_MASK) as u32
    }
    #[inline]
    pub fn index(self) -> u32 {
        self.0 as u32
    }
    /// Generations compare modulo 2^29, as stored.
    #[inline]
    pub fn same_gen(self, gen: u32) -> bool {
        self.gen() == (gen & Self::GEN_MASK as u32)
    }
}

/// Entries are `time bits << 64 | packed event`: one integer comparison
/// orders by time, then by event, without branches.
#[derive(Debug, Default, Clone)]
pub struct EventQueue {
    heap: Vec<u128>,
}

#[inline]
fn entry(time: f64, event: Packed) -> u128 {
    (u128::from(time.to_bits()) << 64) | u128::from(event.0)
}

#[inline]
fn split(e: u128) -> (f64, Packed) {
    (f64::from_bits((e >> 64) as u64), Packed(e as u64))
}

impl EventQueue {
    pub fn new() -> Self {
        EventQueue { heap: Vec::new() }
    }

    #[inline]
    pub fn clear(&mut self) {
        self.heap.clear();
    }

    /// Time of the earliest event.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.first().map(|&e| split(e).0)
    }

    #[inline]
    pub fn push(&mut self, time: f64, event: Packed) {
        debug_assert!(time >= 0.0, "event times are non-negative");
        let entry = entry(time, event);
        let mut i = self.heap.len();
        self.heap.push(entry);
        while i > 0 {
            let parent = (i - 1) / 4;
            if self.heap[parent] <= entry {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = entry;
    }

    /// Removes the earliest event; the queue must not be empty (its time
    /// was read with [`EventQueue::peek_time`]).
    #[inline]
    pub fn pop_event(&mut self) -> Packed {
        self.pop().expect("the caller peeked an event").1
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Packed)> {
        let last = self.heap.pop()?;
        let n = self.heap.len();
        if n == 0 {
            return Some(split(last));
        }
        let top = self.heap[0];
        // Sift the last entry down from the root.
        let mut i = 0;
        loop {
            let first = 4 * i + 1;
            if first >= n {
                break;
            }
            let end = (first + 4).min(n);
            let mut best = first;
            let mut best_entry = self.heap[first];
            for c in first + 1..end {
                let e = self.heap[c];
                let smaller = e < best_entry;
                best = if smaller { c } else { best };
                best_entry = if smaller { e } else { best_entry };
            }
            if best_entry >= last {
                break;
            }
            self.heap[i] = best_entry;
            i = best;
        }
        self.heap[i] = last;
        Some(split(top))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_with_deterministic_ties() {
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        let mut expected = Vec::new();
        for i in 0..5000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = ((x >> 40) % 1000) as f64 * 0.5;
            let e = Packed::new((i % 6) as u8, i * 7, i);
            q.push(t, e);
            expected.push((t.to_bits(), e.0));
        }
        expected.sort();
        let mut got = Vec::new();
        while let Some((t, e)) = q.pop() {
            got.push((t.to_bits(), e.0));
        }
        assert_eq!(got, expected);
        assert!(q.pop().is_none());
    }

    #[test]
    fn packing_round_trips() {
        let e = Packed::new(5, (1 << 29) + 3, u32::MAX);
        assert_eq!(e.kind(), 5);
        assert_eq!(e.gen(), 3);
        assert!(e.same_gen((1 << 29) + 3));
        assert_eq!(e.index(), u32::MAX);
    }
}
