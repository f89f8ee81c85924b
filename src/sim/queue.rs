//! The event queue: a cache-aligned 4-ary min-heap of 16-byte entries. Times are
//! non-negative, so their IEEE bits order like the times; an event is packed
//! into one `u64`. Equal times are ordered by the packed event, which keeps
//! every trial deterministic whatever the order events were scheduled in.

/// An event: 3 bits of kind, 29 bits of generation, 32 bits of index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Packed(pub u64);

impl Packed {
    const GEN_MASK: u64 = (1 << 29) - 1;

    #[inline]
    pub(super) fn new(kind: u8, gen: u32, index: u32) -> Self {
        Packed(
            (u64::from(kind) << 61) | ((u64::from(gen) & Self::GEN_MASK) << 32) | u64::from(index),
        )
    }
    #[inline]
    pub(super) fn kind(self) -> u8 {
        (self.0 >> 61) as u8
    }
    #[inline]
    pub(super) fn gen(self) -> u32 {
        ((self.0 >> 32) & Self::GEN_MASK) as u32
    }
    #[inline]
    pub(super) fn index(self) -> u32 {
        self.0 as u32
    }
    /// Generations compare modulo 2^29, as stored.
    #[inline]
    pub(super) fn same_gen(self, gen: u32) -> bool {
        self.gen() == (gen & Self::GEN_MASK as u32)
    }
}

/// Entries are `time bits << 64 | packed event`: one integer comparison
/// orders by time, then by event, without branches.
///
/// The heap is 4-ary and laid out so that the four children of a node share
/// one 64-byte cache line: node `i` sits at slot `i + 3`, so the children of
/// `i` (`4i + 1 ..= 4i + 4`) fill line `i + 1`. A sift-down touches one line
/// per level. Slots past the end hold `EMPTY`, which sorts last, so the
/// smallest child is found without counting the children.
///
/// A pop leaves a hole at the root instead of sifting the last entry down at
/// once: handling an event usually schedules the next one, and that push
/// fills the hole with one sift-down from the root, which stops early for a
/// soon event (a repair) instead of a sift-down plus a sift-up.
#[derive(Debug, Clone)]
pub(super) struct EventQueue {
    lines: Vec<Line>,
    /// Slots in use, the hole included.
    len: usize,
    /// The root slot is empty (its entry was popped).
    hole: bool,
}

#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
struct Line([u128; 4]);

/// An empty slot (no real entry: its time bits would be a NaN).
const EMPTY: u128 = u128::MAX;

#[inline]
fn entry(time: f64, event: Packed) -> u128 {
    (u128::from(time.to_bits()) << 64) | u128::from(event.0)
}

#[inline]
fn split(e: u128) -> (f64, Packed) {
    (f64::from_bits((e >> 64) as u64), Packed(e as u64))
}

impl Default for EventQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl EventQueue {
    pub(super) fn new() -> Self {
        EventQueue {
            lines: vec![Line([EMPTY; 4])],
            len: 0,
            hole: false,
        }
    }

    #[inline]
    fn get(&self, i: usize) -> u128 {
        let slot = i + 3;
        self.lines[slot / 4].0[slot % 4]
    }

    #[inline]
    fn set(&mut self, i: usize, e: u128) {
        let slot = i + 3;
        self.lines[slot / 4].0[slot % 4] = e;
    }

    #[inline]
    pub(super) fn clear(&mut self) {
        let used = (self.len + 3).div_ceil(4);
        for line in &mut self.lines[..used] {
            *line = Line([EMPTY; 4]);
        }
        self.len = 0;
        self.hole = false;
    }

    /// Time of the earliest event.
    #[inline]
    pub(super) fn peek_time(&mut self) -> Option<f64> {
        if self.hole {
            self.fill_hole();
        }
        (self.len > 0).then(|| split(self.get(0)).0)
    }

    #[inline(always)]
    pub(super) fn push(&mut self, time: f64, event: Packed) {
        debug_assert!(time >= 0.0, "event times are non-negative");
        let entry = entry(time, event);
        if self.hole {
            self.hole = false;
            self.sift_down(entry);
            return;
        }
        let mut i = self.len;
        self.len += 1;
        if i.div_ceil(4) >= self.lines.len() {
            self.lines.push(Line([EMPTY; 4]));
        }
        while i > 0 {
            let parent = (i - 1) / 4;
            let p = self.get(parent);
            if p <= entry {
                break;
            }
            self.set(i, p);
            i = parent;
        }
        self.set(i, entry);
    }

    /// The event most likely to come out next, as a hint for prefetching
    /// its data: the earliest one, or after a pop the earliest child of the
    /// root (an event pushed meanwhile may come first).
    #[inline]
    pub(super) fn next_hint(&self) -> Option<Packed> {
        if !self.hole {
            return (self.len > 0).then(|| Packed(self.get(0) as u64));
        }
        if self.len < 2 {
            return None;
        }
        let kids = &self.lines[1].0;
        let first = kids[0].min(kids[1]).min(kids[2].min(kids[3]));
        Some(Packed(first as u64))
    }

    /// Removes the earliest event; the queue must not be empty (its time
    /// was read with [`EventQueue::peek_time`]).
    #[inline]
    pub(super) fn pop_event(&mut self) -> Packed {
        self.pop().expect("the caller peeked an event").1
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<(f64, Packed)> {
        if self.hole {
            self.fill_hole();
        }
        if self.len == 0 {
            return None;
        }
        self.hole = true;
        Some(split(self.get(0)))
    }

    /// Moves the last entry into the hole at the root.
    #[inline]
    fn fill_hole(&mut self) {
        self.hole = false;
        self.len -= 1;
        let last = self.get(self.len);
        self.set(self.len, EMPTY);
        if self.len > 0 {
            self.sift_down(last);
        }
    }

    /// Places `entry` at the root (whose entry is gone) and sifts it down.
    #[inline(always)]
    fn sift_down(&mut self, entry: u128) {
        let n = self.len;
        let mut i = 0;
        while 4 * i + 1 < n {
            let kids = self.lines[i + 1].0;
            let (a, ka) = if kids[1] < kids[0] {
                (kids[1], 1)
            } else {
                (kids[0], 0)
            };
            let (b, kb) = if kids[3] < kids[2] {
                (kids[3], 3)
            } else {
                (kids[2], 2)
            };
            let (best, k) = if b < a { (b, kb) } else { (a, ka) };
            if best >= entry {
                break;
            }
            self.set(i, best);
            i = 4 * i + 1 + k;
        }
        self.set(i, entry);
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
    fn interleaved_pushes_and_pops_match_a_sorted_reference() {
        let mut q = EventQueue::new();
        let mut reference = std::collections::BTreeSet::new();
        let mut x: u64 = 99;
        let mut now = 0.0;
        for i in 0..20_000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Mostly one push per pop, sometimes none or three, like the engine.
            let pushes = [1, 1, 1, 0, 3][(x >> 60) as usize % 5];
            for j in 0..pushes {
                let t = now + ((x >> (20 + j)) % 500) as f64 * 0.25;
                let e = Packed::new((j % 6) as u8, i, i * 3 + j);
                q.push(t, e);
                reference.insert((t.to_bits(), e.0));
            }
            if !x.is_multiple_of(7) {
                let expected = reference.pop_first();
                assert_eq!(q.peek_time(), expected.map(|(t, _)| f64::from_bits(t)));
                let got = q.pop().map(|(t, e)| (t.to_bits(), e.0));
                assert_eq!(got, expected);
                if let Some((t, _)) = got {
                    now = f64::from_bits(t);
                }
            }
        }
        while let Some(expected) = reference.pop_first() {
            assert_eq!(q.pop().map(|(t, e)| (t.to_bits(), e.0)), Some(expected));
        }
        assert!(q.pop().is_none());
        q.clear();
        assert!(q.peek_time().is_none());
    }

    #[test]
    fn the_hint_names_the_next_event() {
        let mut q = EventQueue::new();
        assert_eq!(q.next_hint(), None);
        for (i, t) in [5.0, 1.0, 9.0, 3.0, 7.0, 2.0].into_iter().enumerate() {
            q.push(t, Packed::new(0, 0, i as u32));
        }
        // Without a hole the hint is the root; after a pop (a hole at the
        // root) it is the earliest of what is left.
        assert_eq!(q.next_hint().map(Packed::index), Some(1));
        for expected in [5, 3, 0, 4, 2] {
            q.pop();
            assert_eq!(q.next_hint().map(Packed::index), Some(expected));
        }
        q.pop();
        assert_eq!(q.next_hint(), None);
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
