//! Integration tests, one binary with modules by theme:
//! - `calibrate`: DR tests and incidents update the estimates (the
//!   bundled year of tests for the hospital);
//! - `cli`: the binary end to end (assert_cmd);
//! - `outputs`: every command's text, JSON and CSV (and the report) on
//!   the bundled scenarios, snapshotted byte for byte;
//! - `io`: reading scenarios and writing files at the edges (byte-order
//!   marks, endless inputs, symbolic links, devices, unwritable places);
//! - `output_files`: output files against hostile or unlucky places (links
//!   planted at the temporary name, permissions, an output that is the
//!   input, interrupted and full-disk chart sets);
//! - `loss_breakdown`: the loss by cause and the disruption in the outputs;
//! - `closed_form`: the engine against answers derived on paper, with
//!   tolerances from the standard error at a fixed seed;
//! - `continuity`: business continuity (spec section 13) against
//!   deterministic cases and closed forms;
//! - `fuzz`: the scenario parser, `check` and a short simulation on
//!   mutated bundled scenarios (proptest; `PROPTEST_CASES` runs it long);
//! - `numbers`: no figure a quantity cannot take (negative bounds, fractional
//!   counts, `-0`, a horizon read as zero);
//! - `properties`: invariants over random valid scenarios (proptest);
//! - `report`: the HTML board report (well-formed, self-contained, escaped);
//! - `schema`: the JSON Schema, committed and printed alike, validates
//!   every bundled scenario and refuses wrong keys and values;
//! - `scenarios`: every bundled scenario loads, validates and simulates;
//! - `spof`: single points of failure against brute force (proptest);
//! - `tables`: export to CSV and XLSX and import back (round trips,
//!   templates, located errors);
//! - `tails`: intervals of quantiles and tail measures against closed forms;
//! - `terminal`: no control character reaches the terminal raw;
//! - `common`: helpers the others share, and the random scenarios of the
//!   property tests (`common::random`).

mod calibrate;
mod cli;
mod closed_form;
mod common;
mod compare;
mod continuity;
mod diagnostics;
mod explain;
mod fuzz;
mod io;
mod loss_breakdown;
mod numbers;
mod output_files;
mod outputs;
mod package;
mod package_review;
mod properties;
mod report;
mod scenarios;
mod schema;
mod sensitivity;
mod sensitivity_labels;
mod sensitivity_v11;
mod shard;
mod spof;
mod tables;
mod tails;
mod terminal;
mod tolerance;
