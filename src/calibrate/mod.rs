//! Calibration: what was measured (DR tests, restore tests, incidents)
//! updates the scenario's duration estimates (`drsim calibrate`).
//!
//! `fit` updates one estimate with its observations by Bayes' rule, the
//! scenario's estimate as the prior.

pub mod fit;
