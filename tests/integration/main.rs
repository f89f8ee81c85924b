//! Integration tests, one binary with modules by theme:
//! - `cli`: the binary end to end (assert_cmd);
//! - `closed_form`: the engine against answers derived on paper, with
//!   tolerances from the standard error at a fixed seed;
//! - `properties`: invariants over random valid scenarios (proptest);
//! - `scenarios`: every bundled scenario loads, validates and simulates.

mod cli;
mod closed_form;
mod compare;
mod properties;
mod scenarios;
mod spof;
