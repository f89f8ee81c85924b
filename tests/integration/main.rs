//! Integration tests, one binary with modules by theme:
//! - `cli`: the binary end to end (assert_cmd);
//! - `closed_form`: the engine against answers derived on paper, with
//!   tolerances from the standard error at a fixed seed;
//! - `properties`: invariants over random valid scenarios (proptest);
//! - `report`: the HTML board report (well-formed, self-contained, escaped);
//! - `scenarios`: every bundled scenario loads, validates and simulates.

mod cli;
mod closed_form;
mod compare;
mod explain;
mod properties;
mod report;
mod scenarios;
mod sensitivity;
mod spof;
