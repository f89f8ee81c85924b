//! Shards: one command's trials spread over several machines, and their
//! parts merged back into exactly what one machine prints.
//!
//! The runner ([`in_parallel`](super::runner::in_parallel)) cuts every
//! pass of trials into fixed chunks and folds the chunks' summaries in
//! chunk order; floating-point sums depend on that order, so a merge that
//! added up each shard's total would differ from the single run in the
//! last bits. A shard therefore keeps each of its chunks' summaries apart
//! (encoded), and a merge folds every chunk, from the parts in shard
//! order, exactly as the single run would have: byte-identical output.
//!
//! A command's passes are its calls of the runner, in order (a run: one;
//! a comparison: the risk pass, then one per drilled threat; sensitivity:
//! one per batch of inputs). Shard `I` of `N` runs, in every pass, chunks
//! `⌊(I−1)·C/N⌋` to `⌊I·C/N⌋` of the pass's `C`. The choice of passes must
//! not depend on the results (a run to a precision cannot be sharded); a
//! pass that the parts do not hold (the package's greedy search, which
//! chooses each step from the results) is run whole by the merge.
//!
//! A part is a versioned file: [`MAGIC`], the postcard encoding of a
//! [`Part`] (its [`Header`], then each pass's chunks), and the SHA-256 of
//! everything before it, so a damaged or truncated part is refused.

use super::SimError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The first bytes of every part.
pub const MAGIC: &[u8] = b"drsim shard state\n";
/// The layout of a part; a merge refuses parts of another.
pub const FORMAT: u32 = 1;

/// Which share of the trials a shard runs: `index` of `count`, from 1
/// (checked when read from a part, as when parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "(u32, u32)", into = "(u32, u32)")]
pub struct Slice {
    index: u32,
    count: u32,
}

impl Slice {
    /// The most shards a command is split into.
    pub const MAX_COUNT: u32 = 100_000;

    /// Shard `index` of `count` (1 ≤ index ≤ count ≤ [`Slice::MAX_COUNT`]).
    pub fn new(index: u32, count: u32) -> Option<Slice> {
        (1 <= index && index <= count && count <= Slice::MAX_COUNT)
            .then_some(Slice { index, count })
    }

    /// Parses `I/N`.
    pub fn parse(text: &str) -> Option<Slice> {
        let (i, n) = text.trim().split_once('/')?;
        Slice::new(i.trim().parse().ok()?, n.trim().parse().ok()?)
    }

    /// The shard's number, from 1.
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many shards there are.
    pub fn count(self) -> u32 {
        self.count
    }

    /// The chunks of a pass of `chunks` that this shard runs: an equal
    /// share, the first shards taking one fewer when they do not divide.
    pub(crate) fn chunks(self, chunks: u64) -> Range<u64> {
        let at = |i: u32| (u128::from(chunks) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index - 1)..at(self.index)
    }
}

impl TryFrom<(u32, u32)> for Slice {
    type Error = String;
    fn try_from((index, count): (u32, u32)) -> Result<Slice, String> {
        Slice::new(index, count).ok_or_else(|| format!("shard {index} of {count}"))
    }
}

impl From<Slice> for (u32, u32) {
    fn from(s: Slice) -> (u32, u32) {
        (s.index, s.count)
    }
}

impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a part says about the command it ran, for the merge to check that
/// parts belong together and to run the command's summaries again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// [`FORMAT`] of the drsim that wrote it.
    pub format: u32,
    /// The drsim version that wrote it.
    pub version: String,
    /// The command (`run`, `drill`, `compare`, `sensitivity`).
    pub command: String,
    /// Its arguments as given after the command's name.
    pub arguments: Vec<String>,
    /// The settings that decide the results, in one line: parts of one
    /// run have the same (the shard, the output and the threads aside).
    pub settings: String,
    /// The scenario file as it was named.
    pub scenario_name: String,
    /// The scenario's bytes.
    pub scenario: Vec<u8>,
    /// The SHA-256 of the scenario's bytes, in hex.
    pub digest: String,
    /// Which shard this is.
    pub slice: Slice,
}

impl Header {
    /// The SHA-256 of `bytes`, in hex.
    pub fn digest_of(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One pass as a shard ran it: the pass's trials, what its summaries look
/// like, and the shard's chunks' summaries, encoded, in chunk order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Pass {
    trials: Range<u64>,
    fingerprint: String,
    chunks: Range<u64>,
    states: Vec<Vec<u8>>,
}

/// A shard's mergeable state: its header and its passes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// What the command was.
    pub header: Header,
    passes: Vec<Pass>,
}

/// Why parts cannot be merged, or a part not read; `part` names the file.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// Not a part at all.
    #[error("{part} is not a drsim shard state (a file written by `--shard I/N`)")]
    NotAPart {
        /// The file.
        part: String,
    },
    /// A part whose checksum or encoding is wrong.
    #[error("{part} is damaged or truncated (its checksum does not match); run its shard again")]
    Damaged {
        /// The file.
        part: String,
    },
    /// A part whose checksum holds but whose summaries do not read as
    /// this drsim's (not written by its `--shard`).
    #[error("{part} holds summaries this drsim cannot read: it was not written by its --shard; run its shard again")]
    Unreadable {
        /// The file.
        part: String,
    },
    /// A part written in another layout or by another version.
    #[error("{part} was written by drsim {version} (shard format {format}); this is drsim {} (format {FORMAT}): run every shard and the merge with one version", env!("CARGO_PKG_VERSION"))]
    Version {
        /// The file.
        part: String,
        /// The version that wrote it.
        version: String,
        /// Its layout.
        format: u32,
    },
    /// Parts of different runs.
    #[error("{part} does not belong with {first}: {why}")]
    Mismatch {
        /// The file.
        part: String,
        /// The first part, which the others are checked against.
        first: String,
        /// What differs.
        why: String,
    },
    /// A shard given twice.
    #[error("{part} and {other} are both shard {slice}; give each shard once")]
    Twice {
        /// The file.
        part: String,
        /// The other file of the same shard.
        other: String,
        /// The shard.
        slice: Slice,
    },
    /// Shards missing.
    #[error("{} {} of {count} {} missing: merge needs every shard's part", if missing.len() == 1 { "shard" } else { "shards" }, list(missing), if missing.len() == 1 { "is" } else { "are" })]
    Missing {
        /// The shards missing.
        missing: Vec<u32>,
        /// How many shards there are.
        count: u32,
    },
    /// The merge's command ran a pass that a part holds differently: the
    /// parts are not of this command (or this build).
    #[error("shard {slice}'s pass {pass} is not the one this merge runs ({why}); run the shards and the merge with the same drsim")]
    Pass {
        /// The shard.
        slice: Slice,
        /// The pass, from 0.
        pass: usize,
        /// What differs.
        why: String,
    },
}

fn list(missing: &[u32]) -> String {
    const SHOWN: usize = 10;
    let mut text: Vec<String> = missing.iter().take(SHOWN).map(u32::to_string).collect();
    if missing.len() > SHOWN {
        text.push(format!("and {} more", missing.len() - SHOWN));
    }
    text.join(", ")
}

impl Part {
    /// The part's bytes: [`MAGIC`], the encoding, its SHA-256.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(postcard::to_stdvec(self).expect("a part encodes"));
        let sum = Sha256::digest(&bytes);
        bytes.extend_from_slice(&sum);
        bytes
    }

    /// Reads a part from its bytes; `name` names it in errors.
    pub fn decode(bytes: &[u8], name: &str) -> Result<Part, ShardError> {
        let Some(rest) = bytes.strip_prefix(MAGIC) else {
            // Cut short within the magic line: a truncated part.
            if !bytes.is_empty() && MAGIC.starts_with(bytes) {
                return Err(ShardError::Damaged {
                    part: name.to_string(),
                });
            }
            return Err(ShardError::NotAPart {
                part: name.to_string(),
            });
        };
        let damaged = || ShardError::Damaged {
            part: name.to_string(),
        };
        let body_len = rest.len().checked_sub(32).ok_or_else(damaged)?;
        let (body, sum) = rest.split_at(body_len);
        if Sha256::digest(&bytes[..MAGIC.len() + body_len]).as_slice() != sum {
            return Err(damaged());
        }
        // The header first, so that another version's part is named as such
        // even when the rest of its layout differs.
        let (format, _) = postcard::take_from_bytes::<u32>(body).map_err(|_| damaged())?;
        if format != FORMAT {
            let version = postcard::take_from_bytes::<(u32, String)>(body)
                .map(|((_, v), _)| v)
                .unwrap_or_else(|_| "of another kind".to_string());
            return Err(ShardError::Version {
                part: name.to_string(),
                version,
                format,
            });
        }
        let part: Part = postcard::from_bytes(body).map_err(|_| damaged())?;
        if part.header.version != env!("CARGO_PKG_VERSION") {
            return Err(ShardError::Version {
                part: name.to_string(),
                version: part.header.version.clone(),
                format,
            });
        }
        Ok(part)
    }

    /// A new part of `header` with no passes yet.
    fn new(header: Header) -> Part {
        Part {
            header,
            passes: Vec::new(),
        }
    }
}

/// Records a shard's passes as it runs them.
#[derive(Debug)]
pub struct Recorder {
    slice: Slice,
    passes: Mutex<Vec<Pass>>,
}

impl Recorder {
    /// A recorder for shard `slice`.
    pub fn new(slice: Slice) -> Recorder {
        Recorder {
            slice,
            passes: Mutex::new(Vec::new()),
        }
    }

    /// The part: `header` and the passes recorded, which it takes (a
    /// shard's summaries are held once, then once more encoded).
    pub fn part(&self, header: Header) -> Part {
        let mut part = Part::new(header);
        part.passes = std::mem::take(&mut *self.passes.lock().expect("no worker panicked"));
        part
    }

    /// Begins a pass of `trials` in `chunks` chunks: the chunks this shard
    /// runs, and the pass's number for [`record`](Self::record).
    fn begin(&self, trials: Range<u64>, chunks: u64, fingerprint: String) -> (Range<u64>, usize) {
        let mine = self.slice.chunks(chunks);
        let mut passes = self.passes.lock().expect("no worker panicked");
        passes.push(Pass {
            trials,
            fingerprint,
            chunks: mine.clone(),
            states: Vec::new(),
        });
        (mine, passes.len() - 1)
    }

    /// Records the next chunk's summaries of pass `pass`.
    fn record<A: Serialize>(&self, pass: usize, state: &A) {
        let bytes = postcard::to_stdvec(state).expect("summaries encode");
        self.passes.lock().expect("no worker panicked")[pass]
            .states
            .push(bytes);
    }
}

/// A pass's chunks' summaries from the parts, in order, each with its
/// part's name.
type States<'a> = Vec<(&'a str, &'a [u8])>;

/// Parts that belong together, in shard order, for a merge to fold.
#[derive(Debug)]
pub struct Replay {
    /// The parts with their files' names, in shard order.
    parts: Vec<Named>,
    next: AtomicUsize,
}

/// A part and the file it was read from.
#[derive(Debug)]
struct Named {
    name: String,
    part: Part,
}

impl Replay {
    /// Checks that `parts` (each named) are every shard of one command
    /// run once: same format and version, command, settings and scenario,
    /// each shard of the same count exactly once.
    pub fn new(parts: Vec<(String, Part)>) -> Result<Replay, ShardError> {
        let Some((first_name, first)) = parts.first() else {
            return Err(ShardError::Missing {
                missing: Vec::new(),
                count: 0,
            });
        };
        let (first_name, first) = (first_name.clone(), first.header.clone());
        let mut seen: Vec<Option<String>> = vec![None; first.slice.count as usize];
        for (name, part) in &parts {
            let h = &part.header;
            let mismatch = |why: String| ShardError::Mismatch {
                part: name.clone(),
                first: first_name.clone(),
                why,
            };
            if Header::digest_of(&h.scenario) != h.digest {
                return Err(ShardError::Damaged { part: name.clone() });
            }
            if h.command != first.command {
                return Err(mismatch(format!(
                    "it is a part of `{}`, not of `{}`",
                    h.command, first.command
                )));
            }
            if h.digest != first.digest {
                return Err(mismatch(format!(
                    "it ran another scenario ({} is not {}, SHA-256 {} and {})",
                    h.scenario_name,
                    first.scenario_name,
                    short(&h.digest),
                    short(&first.digest)
                )));
            }
            if h.settings != first.settings {
                return Err(mismatch(format!(
                    "it ran other settings ({})",
                    difference(&h.settings, &first.settings)
                )));
            }
            if h.slice.count != first.slice.count {
                return Err(mismatch(format!(
                    "it is one of {} shards, not of {}",
                    h.slice.count, first.slice.count
                )));
            }
            let at = &mut seen[h.slice.index as usize - 1];
            if let Some(other) = at {
                return Err(ShardError::Twice {
                    part: name.clone(),
                    other: other.clone(),
                    slice: h.slice,
                });
            }
            *at = Some(name.clone());
        }
        let missing: Vec<u32> = (1..=first.slice.count)
            .filter(|&i| seen[i as usize - 1].is_none())
            .collect();
        if !missing.is_empty() {
            return Err(ShardError::Missing {
                missing,
                count: first.slice.count,
            });
        }
        let mut parts: Vec<Named> = parts
            .into_iter()
            .map(|(name, part)| Named { name, part })
            .collect();
        parts.sort_by_key(|n| n.part.header.slice.index);
        Ok(Replay {
            parts,
            next: AtomicUsize::new(0),
        })
    }

    /// The header the parts share (shard 1's).
    pub fn header(&self) -> &Header {
        &self.parts[0].part.header
    }

    /// The next pass's chunks, in order over all parts, checked against
    /// the pass the merge runs; `None` when the parts hold no such pass
    /// (the merge runs it whole).
    fn begin(
        &self,
        trials: &Range<u64>,
        chunks: u64,
        fingerprint: &str,
    ) -> Result<Option<States<'_>>, ShardError> {
        let pass = self.next.fetch_add(1, Ordering::Relaxed);
        if self.parts.iter().all(|n| n.part.passes.len() <= pass) {
            return Ok(None);
        }
        let mut states = Vec::new();
        let mut at = 0;
        for Named { name, part } in &self.parts {
            let slice = part.header.slice;
            let wrong = |why: String| ShardError::Pass { slice, pass, why };
            let Some(p) = part.passes.get(pass) else {
                return Err(wrong("it holds fewer passes".to_string()));
            };
            if p.trials != *trials {
                return Err(wrong(format!(
                    "trials {}..{}, not {}..{}",
                    p.trials.start, p.trials.end, trials.start, trials.end
                )));
            }
            if p.fingerprint != fingerprint {
                return Err(wrong("its summaries are of another shape".to_string()));
            }
            if p.chunks.start != at
                || p.chunks.end < at
                || p.chunks.end > chunks
                || p.states.len() as u64 != p.chunks.end - p.chunks.start
            {
                return Err(wrong(format!(
                    "it holds chunks {}..{} ({} summaries) where {at} was next of {chunks}",
                    p.chunks.start,
                    p.chunks.end,
                    p.states.len()
                )));
            }
            at = p.chunks.end;
            states.extend(p.states.iter().map(|s| (name.as_str(), s.as_slice())));
        }
        if at != chunks {
            return Err(ShardError::Pass {
                slice: self.parts[self.parts.len() - 1].part.header.slice,
                pass,
                why: format!("the parts end at chunk {at} of {chunks}"),
            });
        }
        Ok(Some(states))
    }
}

/// Where two settings lines first differ, as `this` against `that`: the
/// fields (`name: value`) around the first difference.
fn difference(this: &str, that: &str) -> String {
    let fields = |s: &str| -> Vec<String> {
        s.split([',', '{', '}', '(', ')'])
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (fields(this), fields(that));
    match a.iter().zip(&b).find(|(x, y)| x != y) {
        Some((x, y)) => format!("`{x}` against `{y}`"),
        None => format!("{} fields against {}", a.len(), b.len()),
    }
}

fn short(digest: &str) -> &str {
    &digest[..digest.len().min(12)]
}

/// Which of a command's trials this process runs ([`Config::work`](super::Config)).
#[derive(Debug, Clone, Default)]
pub enum Work {
    /// All of them.
    #[default]
    Whole,
    /// A shard's, keeping each chunk's summaries.
    Shard(Arc<Recorder>),
    /// None that the parts hold: their summaries are folded instead.
    Merge(Arc<Replay>),
}

/// What the runner does with one pass.
pub(crate) enum Plan<'a> {
    /// Runs chunks `chunks`, recording each in `record` (a shard: the
    /// recorder and the pass) or not (the whole run).
    Run {
        chunks: Range<u64>,
        record: Option<(&'a Recorder, usize)>,
    },
    /// Folds these chunks' summaries (each with its part's name), in order.
    Fold(States<'a>),
}

impl Work {
    /// Whether this process runs a shard (whose results are not shown).
    pub fn is_shard(&self) -> bool {
        matches!(self, Work::Shard(_))
    }

    /// The plan for the next pass, over `trials` in `chunks` chunks, whose
    /// empty summary `empty` makes (only a shard or a merge asks: the
    /// pass's fingerprint).
    pub(crate) fn plan<A: Serialize>(
        &self,
        trials: &Range<u64>,
        chunks: u64,
        empty: impl Fn() -> A,
    ) -> Result<Plan<'_>, SimError> {
        let fingerprint = || {
            let mut h = Sha256::new();
            h.update(std::any::type_name::<A>().as_bytes());
            h.update(postcard::to_stdvec(&empty()).expect("summaries encode"));
            hex(&h.finalize()[..16])
        };
        Ok(match self {
            Work::Whole => Plan::Run {
                chunks: 0..chunks,
                record: None,
            },
            Work::Shard(r) => {
                let (mine, pass) = r.begin(trials.clone(), chunks, fingerprint());
                Plan::Run {
                    chunks: mine,
                    record: Some((r, pass)),
                }
            }
            Work::Merge(replay) => match replay.begin(trials, chunks, &fingerprint())? {
                Some(states) => Plan::Fold(states),
                None => Plan::Run {
                    chunks: 0..chunks,
                    record: None,
                },
            },
        })
    }
}

/// Records a chunk's summaries when a shard runs.
pub(crate) fn record<A: Serialize>(record: Option<(&Recorder, usize)>, state: &A) {
    if let Some((r, pass)) = record {
        r.record(pass, state);
    }
}

/// The most sketch buckets one chunk's summaries may hold once read (1
/// GiB): far past a real chunk's (a 10,000-component estate's holds about
/// 7 million), so that a crafted part cannot make a merge allocate without
/// bound (a sparse sketch encodes a wide range in a few bytes).
const MOST_BUCKETS: u64 = 1 << 26;

/// A chunk's summaries from the part `name`.
pub(crate) fn decode<A: DeserializeOwned>(name: &str, bytes: &[u8]) -> Result<A, SimError> {
    crate::stats::with_bucket_budget(MOST_BUCKETS, || postcard::from_bytes(bytes)).map_err(|_| {
        SimError::Shard(ShardError::Unreadable {
            part: name.to_string(),
        })
    })
}

impl From<ShardError> for SimError {
    fn from(e: ShardError) -> SimError {
        SimError::Shard(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_the_chunks_without_gap_or_overlap() {
        for chunks in [0, 1, 2, 5, 7, 40, 1000] {
            for count in 1..=9 {
                let mut at = 0;
                for index in 1..=count {
                    let r = Slice::new(index, count).unwrap().chunks(chunks);
                    assert_eq!(r.start, at);
                    assert!(r.end - r.start <= chunks.div_ceil(u64::from(count)));
                    at = r.end;
                }
                assert_eq!(at, chunks);
            }
        }
    }

    #[test]
    fn a_part_naming_a_shard_out_of_range_is_not_read() {
        for (i, n) in [(0u32, 2u32), (3, 2), (1, 0), (1, Slice::MAX_COUNT + 1)] {
            let bytes = postcard::to_stdvec(&(i, n)).unwrap();
            assert!(postcard::from_bytes::<Slice>(&bytes).is_err(), "{i}/{n}");
        }
        let bytes = postcard::to_stdvec(&Slice::new(2, 3).unwrap()).unwrap();
        assert_eq!(
            postcard::from_bytes::<Slice>(&bytes).unwrap(),
            Slice::new(2, 3).unwrap()
        );
    }

    #[test]
    fn a_slice_is_one_to_n() {
        assert_eq!(Slice::parse("2/3"), Slice::new(2, 3));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/2", "1/100001"] {
            assert_eq!(Slice::parse(bad), None, "{bad}");
        }
    }

    fn header(index: u32, count: u32) -> Header {
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            command: "run".into(),
            arguments: vec![],
            settings: "trials 1000".into(),
            scenario_name: "s.yaml".into(),
            scenario: b"x".to_vec(),
            digest: Header::digest_of(b"x"),
            slice: Slice::new(index, count).unwrap(),
        }
    }

    #[test]
    fn a_part_reads_back_and_a_damaged_one_is_refused() {
        let part = Part::new(header(1, 2));
        let bytes = part.encode();
        assert_eq!(Part::decode(&bytes, "p").unwrap(), part);
        let mut flipped = bytes.clone();
        flipped[MAGIC.len() + 3] ^= 1;
        assert!(matches!(
            Part::decode(&flipped, "p"),
            Err(ShardError::Damaged { .. })
        ));
        assert!(matches!(
            Part::decode(&bytes[..bytes.len() - 1], "p"),
            Err(ShardError::Damaged { .. })
        ));
        assert!(matches!(
            Part::decode(b"hello", "p"),
            Err(ShardError::NotAPart { .. })
        ));
    }

    #[test]
    fn parts_that_do_not_belong_together_are_refused_with_the_reason() {
        let named = |h: Header| (format!("part{}", h.slice.index), Part::new(h));
        let err = |parts: Vec<(String, Part)>| Replay::new(parts).unwrap_err().to_string();
        let mut other = header(2, 2);
        other.digest = Header::digest_of(b"y");
        assert!(err(vec![named(header(1, 2)), named(other.clone())]).contains("damaged"));
        other.scenario = b"y".to_vec();
        assert!(err(vec![named(header(1, 2)), named(other)]).contains("another scenario"));
        let mut other = header(2, 2);
        other.settings = "trials 2000".into();
        assert!(err(vec![named(header(1, 2)), named(other)]).contains("other settings"));
        assert!(err(vec![named(header(1, 2)), named(header(2, 3))]).contains("one of 3 shards"));
        assert!(err(vec![named(header(1, 3)), named(header(1, 3))]).contains("both shard 1/3"));
        assert!(err(vec![named(header(1, 3))]).contains("shards 2, 3 of 3 are missing"));
        assert!(Replay::new(vec![named(header(2, 2)), named(header(1, 2))]).is_ok());
    }
}
